/**
 * health.insurance, health.emergency and health.visit (PROFILE.md §5.10).
 * All three files travel in full (encrypted) mode and only clinic keys read
 * them. Codes: Vietnamese health-insurance card numbers (2 letters for the
 * beneficiary group, 1 digit for the benefit level, 12 digits: 2 province +
 * 10 social-insurance number), 5-digit facility codes, ICD-10 codes stored
 * as 4 ASCII characters without the dot ("E11.9" → "E119", "I10" → "I10\0").
 */
import { ALLERGIES, ALLERGY_BITS, BLOOD_GROUP, CONTACT_RELATION, VISIT_TYPE, type Allergy, type BloodGroup, type ContactRelation, type VisitType } from './codes.js';
import { decodeBcd, encodeBcd } from './bcd.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const INSURANCE_RECORD_LENGTH_BYTES = 32;
export const INSURANCE_RECORD_VERSION = 1;
export const INSURANCE_NUMBER_LENGTH_BYTES = 15;
export const INSURANCE_NUMBER_PATTERN = /^[A-Z]{2}[1-5]\d{12}$/;
export const FACILITY_CODE_LENGTH_BYTES = 5;
export const FACILITY_CODE_PATTERN = /^\d{5}$/;
const INSURANCE_RESERVED_BYTES = 7;

export const EMERGENCY_RECORD_LENGTH_BYTES = 64;
export const EMERGENCY_RECORD_VERSION = 1;
export const CHRONIC_CONDITION_COUNT_MAX = 6;
export const ICD10_LENGTH_BYTES = 4;
/** Display form: letter, two digits, optional dot and one digit. */
export const ICD10_PATTERN = /^[A-Z]\d{2}(\.\d)?$/;
const ICD10_STORED_PATTERN = /^[A-Z]\d{2}\d?$/;
export const PHONE_DIGITS_MAX = 15;
const PHONE_BYTES = 8;
export const PHONE_PATTERN = /^\d{8,15}$/;
const EMERGENCY_RESERVED_BYTES = 24;

export const VISIT_RECORD_LENGTH_BYTES = 16;
export const VISIT_RECORD_VERSION = 1;
const VISIT_RESERVED_BYTES = 3;

export interface InsuranceRecord {
  readonly insuranceNumber: string;
  readonly registeredFacility: string;
  readonly validFrom: CivilDate;
  readonly validUntil: CivilDate;
}

export interface EmergencyContact {
  readonly relation: ContactRelation;
  readonly phone: string;
}

export interface EmergencyRecord {
  readonly bloodGroup: BloodGroup;
  readonly allergies: readonly Allergy[];
  /** ICD-10 codes, display form ("E11.9"). */
  readonly chronicConditions: readonly string[];
  readonly contact: EmergencyContact | undefined;
  readonly updatedOn: CivilDate;
}

export interface VisitRecord {
  readonly visitType: VisitType;
  readonly on: CivilDate;
  readonly facility: string;
  /** ICD-10, display form. */
  readonly reason: string;
}

const insuranceLayout = { lengthBytes: INSURANCE_RECORD_LENGTH_BYTES, version: INSURANCE_RECORD_VERSION };
const emergencyLayout = { lengthBytes: EMERGENCY_RECORD_LENGTH_BYTES, version: EMERGENCY_RECORD_VERSION };
const visitLayout = { lengthBytes: VISIT_RECORD_LENGTH_BYTES, version: VISIT_RECORD_VERSION };
const NO_CONTACT_RELATION = 0;

function storedIcd10(code: string): string {
  if (!ICD10_PATTERN.test(code)) throw new RangeError('ICD-10 code must look like E11 or E11.9');
  return code.replace('.', '');
}

function displayIcd10(stored: string): string {
  return stored.length === ICD10_LENGTH_BYTES ? `${stored.slice(0, 3)}.${stored.slice(3)}` : stored;
}

export const insuranceCodec: RecordCodec<InsuranceRecord> = {
  name: 'health.insurance',
  ...insuranceLayout,
  encode(value) {
    if (value.validUntil < value.validFrom) throw new RangeError('validUntil must not be before validFrom');
    return new FieldWriter(insuranceLayout)
      .ascii(value.insuranceNumber, INSURANCE_NUMBER_LENGTH_BYTES, 'insuranceNumber', INSURANCE_NUMBER_PATTERN)
      .ascii(value.registeredFacility, FACILITY_CODE_LENGTH_BYTES, 'registeredFacility', FACILITY_CODE_PATTERN)
      .date(value.validFrom, 'validFrom')
      .date(value.validUntil, 'validUntil')
      .reserved(INSURANCE_RESERVED_BYTES)
      .finish();
  },
  decode(bytes): RecordDecodeResult<InsuranceRecord> {
    const r = new FieldReader(bytes, insuranceLayout);
    const insuranceNumber = r.ascii(INSURANCE_NUMBER_LENGTH_BYTES, 'insuranceNumber', INSURANCE_NUMBER_PATTERN);
    const registeredFacility = r.ascii(FACILITY_CODE_LENGTH_BYTES, 'registeredFacility', FACILITY_CODE_PATTERN);
    const validFrom = r.date('validFrom');
    const validUntil = r.date('validUntil');
    if (validUntil < validFrom) r.fail('validUntil');
    r.reserved(INSURANCE_RESERVED_BYTES);
    return r.result(() => ({ insuranceNumber, registeredFacility, validFrom, validUntil }));
  },
};

function allergyMask(allergies: readonly Allergy[]): number {
  return allergies.reduce((mask, allergy) => mask | (1 << ALLERGY_BITS[allergy]), 0);
}

function allergiesOf(mask: number): Allergy[] | undefined {
  const known = allergyMask(ALLERGIES);
  if ((mask & ~known) !== 0) return undefined;
  return ALLERGIES.filter((allergy) => (mask & (1 << ALLERGY_BITS[allergy])) !== 0);
}

export const emergencyCodec: RecordCodec<EmergencyRecord> = {
  name: 'health.emergency',
  ...emergencyLayout,
  encode(value) {
    if (value.chronicConditions.length > CHRONIC_CONDITION_COUNT_MAX) throw new RangeError(`chronicConditions: at most ${CHRONIC_CONDITION_COUNT_MAX}`);
    if (value.contact !== undefined && !PHONE_PATTERN.test(value.contact.phone)) throw new RangeError('contact phone must be 8..15 digits');
    const w = new FieldWriter(emergencyLayout)
      .code(value.bloodGroup, 'bloodGroup', BLOOD_GROUP)
      .u16(allergyMask(value.allergies), 'allergies')
      .u8(value.chronicConditions.length, 'conditionCount');
    for (let i = 0; i < CHRONIC_CONDITION_COUNT_MAX; i++) {
      const code = value.chronicConditions[i];
      if (code === undefined) w.reserved(ICD10_LENGTH_BYTES);
      else w.ascii(storedIcd10(code), ICD10_LENGTH_BYTES, 'chronicConditions', ICD10_STORED_PATTERN);
    }
    if (value.contact === undefined) w.u8(NO_CONTACT_RELATION, 'contactRelation').reserved(PHONE_BYTES);
    else w.code(value.contact.relation, 'contactRelation', CONTACT_RELATION).raw(encodeBcd(value.contact.phone, PHONE_BYTES, 'contactPhone'), PHONE_BYTES, 'contactPhone');
    return w.date(value.updatedOn, 'updatedOn').reserved(EMERGENCY_RESERVED_BYTES).finish();
  },
  decode(bytes): RecordDecodeResult<EmergencyRecord> {
    const r = new FieldReader(bytes, emergencyLayout);
    const bloodGroup = r.code('bloodGroup', BLOOD_GROUP);
    const allergies = allergiesOf(r.u16('allergies'));
    if (allergies === undefined) r.fail('allergies');
    const count = Math.min(r.u8('conditionCount', { max: CHRONIC_CONDITION_COUNT_MAX }), CHRONIC_CONDITION_COUNT_MAX);
    const chronicConditions: string[] = [];
    for (let i = 0; i < CHRONIC_CONDITION_COUNT_MAX; i++) {
      if (i < count) chronicConditions.push(displayIcd10(r.ascii(ICD10_LENGTH_BYTES, 'chronicConditions', ICD10_STORED_PATTERN)));
      else r.reserved(ICD10_LENGTH_BYTES);
    }
    const relationCode = r.u8('contactRelation');
    const phoneBytes = r.raw(PHONE_BYTES, 'contactPhone');
    let contact: EmergencyContact | undefined;
    if (relationCode === NO_CONTACT_RELATION) {
      if (phoneBytes.some((b) => b !== 0)) r.fail('contactPhone');
    } else {
      const relation = CONTACT_RELATION.nameOf(relationCode);
      const phone = decodeBcd(phoneBytes);
      if (relation === undefined) r.fail('contactRelation');
      if (phone === undefined || !PHONE_PATTERN.test(phone)) r.fail('contactPhone');
      contact = { relation: relation ?? 'other', phone: phone ?? '' };
    }
    const updatedOn = r.date('updatedOn');
    r.reserved(EMERGENCY_RESERVED_BYTES);
    return r.result(() => ({ bloodGroup, allergies: allergies ?? [], chronicConditions, contact, updatedOn }));
  },
};

export const visitCodec: RecordCodec<VisitRecord> = {
  name: 'health.visit',
  ...visitLayout,
  encode(value) {
    return new FieldWriter(visitLayout)
      .code(value.visitType, 'visitType', VISIT_TYPE)
      .date(value.on, 'on')
      .ascii(value.facility, FACILITY_CODE_LENGTH_BYTES, 'facility', FACILITY_CODE_PATTERN)
      .ascii(storedIcd10(value.reason), ICD10_LENGTH_BYTES, 'reason', ICD10_STORED_PATTERN)
      .reserved(VISIT_RESERVED_BYTES)
      .finish();
  },
  decode(bytes): RecordDecodeResult<VisitRecord> {
    const r = new FieldReader(bytes, visitLayout);
    const visitType = r.code('visitType', VISIT_TYPE);
    const on = r.date('on');
    const facility = r.ascii(FACILITY_CODE_LENGTH_BYTES, 'facility', FACILITY_CODE_PATTERN);
    const reason = displayIcd10(r.ascii(ICD10_LENGTH_BYTES, 'reason', ICD10_STORED_PATTERN));
    r.reserved(VISIT_RESERVED_BYTES);
    return r.result(() => ({ visitType, on, facility, reason }));
  },
};
