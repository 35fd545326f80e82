/**
 * holder.json: what the issuer knows about the holder, validated with zod
 * before anything touches a card (PROFILE.md §9.2). Errors name the field
 * path and the rule, never the value (it is personal data).
 */
import { z } from 'zod';
import { ALLERGIES, BLOOD_GROUP, CONTACT_RELATION, CONTRACT_KIND, HOLDER_CATEGORY, SCHOOL_LEVEL, TARIFF } from '../codecs/codes.js';
import { isCardNumber, HOLDER_CATEGORY_COUNT_MAX, ISSUER_CODE_MAX, ISSUER_CODE_MIN, type CategoryEntitlement } from '../codecs/identity.js';
import { CONTRACT_COUNT_MAX, ROUTE_ID_MAX, ALL_ROUTES, type TransitContract } from '../codecs/transit-entitlements.js';
import { GRADE_MAX, STUDENT_ID_PATTERN, type StudentRecord } from '../codecs/student-record.js';
import { EMPLOYEE_ID_PATTERN, LOGIN_ACCOUNT_PATTERN, type EmployeeRecord, type LoginCredential } from '../codecs/civil.js';
import { CHRONIC_CONDITION_COUNT_MAX, FACILITY_CODE_PATTERN, ICD10_PATTERN, INSURANCE_NUMBER_PATTERN, PHONE_PATTERN, type EmergencyRecord, type InsuranceRecord } from '../codecs/health.js';
import { dayNumberOf, type CivilDate } from '../layout/epoch.js';
import { CANTEEN_PURSE_BALANCE_VND_MAX, TRANSIT_PURSE_BALANCE_VND_MAX } from '../layout/files.js';
import type { HolderCategory } from '../codecs/codes.js';

/** holder.json is small; anything bigger is not a holder file. */
export const HOLDER_FILE_BYTES_MAX = 16 * 1024;
const U32_MAX = 0xffff_ffff;
const U16_MAX = 0xffff;

const date = z.iso.date().refine((d) => dayNumberOf(d) !== undefined, { message: 'date must lie in 2020-01-01 .. 2199-06-06' });
const enumOf = <T extends string>(names: readonly T[]) => z.enum(names as [T, ...T[]]);

const categorySchema = z
  .strictObject({ category: enumOf(HOLDER_CATEGORY.names), validFrom: date, validUntil: date })
  .refine((v) => v.validUntil >= v.validFrom, { message: 'validUntil must not be before validFrom', path: ['validUntil'] });

const contractSchema = z
  .strictObject({
    kind: enumOf(CONTRACT_KIND.names),
    tariff: enumOf(TARIFF.names),
    routeId: z.int().min(0).max(ROUTE_ID_MAX).default(ALL_ROUTES),
    validFrom: date,
    validUntil: date,
    pricePaidVnd: z.int().min(0).max(U32_MAX),
    saleId: z.int().min(0).max(U32_MAX),
  })
  .refine((c) => (c.kind === 'monthly-all-routes' ? c.routeId === ALL_ROUTES : c.routeId !== ALL_ROUTES), { message: 'routeId is 0 exactly for all-routes passes', path: ['routeId'] })
  .refine((c) => c.validUntil >= c.validFrom, { message: 'validUntil must not be before validFrom', path: ['validUntil'] });

export const holderSchema = z.strictObject({
  card: z
    .strictObject({
      number: z.string().refine(isCardNumber, { message: 'must be 16 digits ending in a Luhn check digit' }),
      issuerCode: z.int().min(ISSUER_CODE_MIN).max(ISSUER_CODE_MAX),
      issuedOn: date,
      expiresOn: date,
    })
    .refine((c) => c.expiresOn >= c.issuedOn, { message: 'expiresOn must not be before issuedOn', path: ['expiresOn'] }),
  categories: z.array(categorySchema).max(HOLDER_CATEGORY_COUNT_MAX).default([]),
  transit: z
    .strictObject({
      fareCategory: enumOf(HOLDER_CATEGORY.names).default('adult'),
      fareCategoryValidFrom: date.optional(),
      fareCategoryValidUntil: date.optional(),
      openingBalanceVnd: z.int().min(0).max(TRANSIT_PURSE_BALANCE_VND_MAX).default(0),
      contracts: z.array(contractSchema).max(CONTRACT_COUNT_MAX).default([]),
    })
    .optional(),
  student: z
    .strictObject({
      level: enumOf(SCHOOL_LEVEL.names),
      schoolCode: z.int().min(1).max(U32_MAX),
      studentId: z.string().regex(STUDENT_ID_PATTERN),
      grade: z.int().min(0).max(GRADE_MAX).default(0),
      validUntil: date,
    })
    .optional(),
  canteen: z.strictObject({ openingBalanceVnd: z.int().min(0).max(CANTEEN_PURSE_BALANCE_VND_MAX).default(0) }).optional(),
  civil: z
    .strictObject({
      agencyCode: z.int().min(1).max(U32_MAX),
      employeeId: z.string().regex(EMPLOYEE_ID_PATTERN),
      validUntil: date,
      loginAccount: z.string().regex(LOGIN_ACCOUNT_PATTERN),
      credentialSerial: z.int().min(1).max(U16_MAX).default(1),
    })
    .optional(),
  health: z
    .strictObject({
      insuranceNumber: z.string().regex(INSURANCE_NUMBER_PATTERN),
      registeredFacility: z.string().regex(FACILITY_CODE_PATTERN),
      validFrom: date,
      validUntil: date,
      emergency: z
        .strictObject({
          bloodGroup: enumOf(BLOOD_GROUP.names).default('unknown'),
          allergies: z.array(enumOf(ALLERGIES)).max(ALLERGIES.length).default([]),
          chronicConditions: z.array(z.string().regex(ICD10_PATTERN)).max(CHRONIC_CONDITION_COUNT_MAX).default([]),
          contact: z.strictObject({ relation: enumOf(CONTACT_RELATION.names), phone: z.string().regex(PHONE_PATTERN) }).optional(),
          updatedOn: date,
        })
        .optional(),
    })
    .refine((h) => h.validUntil >= h.validFrom, { message: 'validUntil must not be before validFrom', path: ['validUntil'] })
    .optional(),
});

export type HolderInput = z.input<typeof holderSchema>;

export interface Holder {
  readonly card: { readonly number: string; readonly issuerCode: number; readonly issuedOn: CivilDate; readonly expiresOn: CivilDate };
  readonly categories: readonly CategoryEntitlement[];
  readonly transit?: {
    readonly fareCategory: HolderCategory;
    readonly fareCategoryValidFrom: CivilDate;
    readonly fareCategoryValidUntil: CivilDate;
    readonly openingBalanceVnd: number;
    readonly contracts: readonly TransitContract[];
  };
  readonly student?: StudentRecord;
  readonly canteen?: { readonly openingBalanceVnd: number };
  readonly civil?: { readonly employee: EmployeeRecord; readonly credential: LoginCredential };
  readonly health?: { readonly insurance: InsuranceRecord; readonly emergency: EmergencyRecord | undefined };
}

export type HolderParse = { readonly ok: true; readonly holder: Holder } | { readonly ok: false; readonly problems: readonly string[] };

/** Problems as "path: rule" lines; zod's messages state the rule, not the input. */
function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.')}: ${issue.message}`);
}

export function parseHolder(input: unknown): HolderParse {
  const parsed = holderSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const h = parsed.data;
  const transit = h.transit;
  const civil = h.civil;
  const health = h.health;
  const holder: Holder = {
    card: h.card,
    categories: h.categories.map((c) => ({ category: c.category, validFrom: c.validFrom, validUntil: c.validUntil })),
    ...(transit === undefined
      ? {}
      : {
          transit: {
            fareCategory: transit.fareCategory,
            fareCategoryValidFrom: transit.fareCategoryValidFrom ?? h.card.issuedOn,
            fareCategoryValidUntil: transit.fareCategoryValidUntil ?? h.card.expiresOn,
            openingBalanceVnd: transit.openingBalanceVnd,
            contracts: transit.contracts,
          },
        }),
    ...(h.student === undefined ? {} : { student: h.student }),
    ...(h.canteen === undefined ? {} : { canteen: h.canteen }),
    ...(civil === undefined
      ? {}
      : {
          civil: {
            employee: { agencyCode: civil.agencyCode, employeeId: civil.employeeId, validUntil: civil.validUntil },
            credential: { credentialSerial: civil.credentialSerial, loginAccount: civil.loginAccount, validUntil: civil.validUntil },
          },
        }),
    ...(health === undefined
      ? {}
      : {
          health: {
            insurance: { insuranceNumber: health.insuranceNumber, registeredFacility: health.registeredFacility, validFrom: health.validFrom, validUntil: health.validUntil },
            emergency: health.emergency === undefined ? undefined : { ...health.emergency, contact: health.emergency.contact },
          },
        }),
  };
  if (holder.transit !== undefined && holder.transit.fareCategoryValidUntil < holder.transit.fareCategoryValidFrom) {
    return { ok: false, problems: ['transit.fareCategoryValidUntil: must not be before fareCategoryValidFrom'] };
  }
  return { ok: true, holder };
}
