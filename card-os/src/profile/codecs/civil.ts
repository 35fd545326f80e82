/**
 * civil.employee and civil.credential (PROFILE.md §5.9): the agency and
 * employee identifiers office gates read, and the workstation-login
 * credential the login server reads after authenticating with the card's
 * diversified login key (the serial lets it refuse a replaced card).
 */
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const EMPLOYEE_RECORD_LENGTH_BYTES = 32;
export const EMPLOYEE_RECORD_VERSION = 1;
export const EMPLOYEE_ID_LENGTH_BYTES_MAX = 12;
export const EMPLOYEE_ID_PATTERN = /^[0-9A-Z]{1,12}$/;
const EMPLOYEE_RESERVED_BYTES = 13;

export const CREDENTIAL_RECORD_LENGTH_BYTES = 32;
export const CREDENTIAL_RECORD_VERSION = 1;
export const LOGIN_ACCOUNT_LENGTH_BYTES_MAX = 20;
/** Directory account names: lower-case ASCII, digits, '.', '_', '-'. */
export const LOGIN_ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,19}$/;
const CREDENTIAL_RESERVED_BYTES = 7;

export interface EmployeeRecord {
  readonly agencyCode: number;
  readonly employeeId: string;
  readonly validUntil: CivilDate;
}

export interface LoginCredential {
  /** Raised each time a card is (re)issued for the account; the login server keeps the current one. */
  readonly credentialSerial: number;
  readonly loginAccount: string;
  readonly validUntil: CivilDate;
}

const employeeLayout = { lengthBytes: EMPLOYEE_RECORD_LENGTH_BYTES, version: EMPLOYEE_RECORD_VERSION };
const credentialLayout = { lengthBytes: CREDENTIAL_RECORD_LENGTH_BYTES, version: CREDENTIAL_RECORD_VERSION };

export const employeeCodec: RecordCodec<EmployeeRecord> = {
  name: 'civil.employee',
  ...employeeLayout,
  encode(value) {
    if (value.agencyCode < 1) throw new RangeError('agencyCode must be at least 1');
    return new FieldWriter(employeeLayout)
      .u32(value.agencyCode, 'agencyCode')
      .ascii(value.employeeId, EMPLOYEE_ID_LENGTH_BYTES_MAX, 'employeeId', EMPLOYEE_ID_PATTERN)
      .date(value.validUntil, 'validUntil')
      .reserved(EMPLOYEE_RESERVED_BYTES)
      .finish();
  },
  decode(bytes): RecordDecodeResult<EmployeeRecord> {
    const r = new FieldReader(bytes, employeeLayout);
    const agencyCode = r.u32('agencyCode', { min: 1 });
    const employeeId = r.ascii(EMPLOYEE_ID_LENGTH_BYTES_MAX, 'employeeId', EMPLOYEE_ID_PATTERN);
    const validUntil = r.date('validUntil');
    r.reserved(EMPLOYEE_RESERVED_BYTES);
    return r.result(() => ({ agencyCode, employeeId, validUntil }));
  },
};

export const credentialCodec: RecordCodec<LoginCredential> = {
  name: 'civil.credential',
  ...credentialLayout,
  encode(value) {
    if (value.credentialSerial < 1) throw new RangeError('credentialSerial must be at least 1');
    return new FieldWriter(credentialLayout)
      .u16(value.credentialSerial, 'credentialSerial')
      .ascii(value.loginAccount, LOGIN_ACCOUNT_LENGTH_BYTES_MAX, 'loginAccount', LOGIN_ACCOUNT_PATTERN)
      .date(value.validUntil, 'validUntil')
      .reserved(CREDENTIAL_RESERVED_BYTES)
      .finish();
  },
  decode(bytes): RecordDecodeResult<LoginCredential> {
    const r = new FieldReader(bytes, credentialLayout);
    const credentialSerial = r.u16('credentialSerial', { min: 1 });
    const loginAccount = r.ascii(LOGIN_ACCOUNT_LENGTH_BYTES_MAX, 'loginAccount', LOGIN_ACCOUNT_PATTERN);
    const validUntil = r.date('validUntil');
    r.reserved(CREDENTIAL_RESERVED_BYTES);
    return r.result(() => ({ credentialSerial, loginAccount, validUntil }));
  },
};
