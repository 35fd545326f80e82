/**
 * The coded values of the profile's records (PROFILE.md §6 "Codes").
 * Code 0 is never used, so an unwritten byte never reads as a value. A code
 * a decoder does not know makes the record malformed: codes are only ever
 * added together with a new record version.
 */

export interface CodeTable<T extends string> {
  readonly names: readonly T[];
  codeOf(name: T): number;
  nameOf(code: number): T | undefined;
}

export function codeTable<const T extends string>(codes: Readonly<Record<T, number>>): CodeTable<T> {
  const entries = Object.entries(codes) as [T, number][];
  const byCode = new Map<number, T>();
  for (const [name, code] of entries) {
    if (!Number.isInteger(code) || code < 1 || code > 0xff || byCode.has(code)) throw new Error(`assertion failed: code table entry ${name}`);
    byCode.set(code, name);
  }
  const names = Object.freeze(entries.map(([name]) => name));
  return Object.freeze({
    names,
    codeOf(name: T): number {
      const code = codes[name];
      if (!byCode.has(code)) throw new RangeError('unknown code name');
      return code;
    },
    nameOf: (code: number) => byCode.get(code),
  });
}

/**
 * Holder categories, as far as fare and access rules distinguish them (the
 * groups Vietnamese bus fare policies name for free travel or concession
 * passes, e.g. children under 6, people aged 60+, people with disabilities
 * or with meritorious service, pupils, students, industrial-zone workers).
 * Which category pays what is the fare engine's rule, not the card's.
 */
export const HOLDER_CATEGORY = codeTable({
  adult: 1,
  pupil: 2,
  student: 3,
  'civil-servant': 4,
  'elderly-60-plus': 5,
  'child-under-6': 6,
  disabled: 7,
  veteran: 8,
  'industrial-worker': 9,
});
export type HolderCategory = (typeof HOLDER_CATEGORY.names)[number];

export const CONTRACT_KIND = codeTable({ 'monthly-single-route': 1, 'monthly-all-routes': 2 });
export type ContractKind = (typeof CONTRACT_KIND.names)[number];

export const TARIFF = codeTable({ regular: 1, concession: 2, free: 3 });
export type Tariff = (typeof TARIFF.names)[number];

/** Transit trip-log events: every change of the purse or the contracts leaves one. */
export const TRIP_EVENT = codeTable({
  issue: 1,
  fare: 2,
  'pass-use': 3,
  transfer: 4,
  'top-up': 5,
  autoload: 6,
  'contract-sale': 7,
  correction: 8,
});
export type TripEvent = (typeof TRIP_EVENT.names)[number];

export const SCHOOL_LEVEL = codeTable({
  preschool: 1,
  primary: 2,
  'lower-secondary': 3,
  'upper-secondary': 4,
  vocational: 5,
  university: 6,
});
export type SchoolLevel = (typeof SCHOOL_LEVEL.names)[number];

export const GATE_DIRECTION = codeTable({ in: 1, out: 2 });
export type GateDirection = (typeof GATE_DIRECTION.names)[number];

export const CANTEEN_EVENT = codeTable({ issue: 1, purchase: 2, 'top-up': 3, refund: 4 });
export type CanteenEvent = (typeof CANTEEN_EVENT.names)[number];

export const BLOOD_GROUP = codeTable({ unknown: 1, 'O+': 2, 'O-': 3, 'A+': 4, 'A-': 5, 'B+': 6, 'B-': 7, 'AB+': 8, 'AB-': 9 });
export type BloodGroup = (typeof BLOOD_GROUP.names)[number];

export const CONTACT_RELATION = codeTable({ parent: 1, spouse: 2, child: 3, sibling: 4, relative: 5, guardian: 6, other: 7 });
export type ContactRelation = (typeof CONTACT_RELATION.names)[number];

export const VISIT_TYPE = codeTable({ outpatient: 1, inpatient: 2, emergency: 3, vaccination: 4, pharmacy: 5 });
export type VisitType = (typeof VISIT_TYPE.names)[number];

/** Allergy classes: bit n of the 16-bit allergy field. Unassigned bits must be zero. */
export const ALLERGY_BITS = Object.freeze({
  penicillin: 0,
  'other-antibiotics': 1,
  nsaids: 2,
  anaesthetics: 3,
  'iodinated-contrast': 4,
  latex: 5,
  nuts: 6,
  seafood: 7,
  egg: 8,
  milk: 9,
  'insect-stings': 10,
} as const);
export type Allergy = keyof typeof ALLERGY_BITS;
export const ALLERGIES = Object.freeze(Object.keys(ALLERGY_BITS) as Allergy[]);
