/**
 * The applications of a OneCard card: names, AIDs, key numbers (PROFILE.md
 * §3-4). This table is the source of truth; keys/src/sam/application-aids.ts
 * and key-bundle-roles.ts carry the same numbers (keys cannot import
 * card-os) and card-os/test/profile-keys.test.ts asserts they agree.
 *
 * AIDs are 0x4F43nn ("OC" ‖ application number). They do not start with the
 * nibble F, which AN10787 (MIFARE Application Directory) reserves for AIDs
 * mapped from MAD identifiers; they are not registered with anyone.
 */

export const PROFILE_APPLICATIONS = ['identity', 'transit', 'student', 'canteen', 'civil', 'health'] as const;
export type ProfileApplication = (typeof PROFILE_APPLICATIONS)[number];

/** The key store's name for the card level (PICC) keys. */
export const PICC_APPLICATION = 'picc';
export const PICC_AID = 0x00_00_00;
export const PICC_MASTER_KEY_NO = 0;

export const PROFILE_AIDS: Readonly<Record<ProfileApplication, number>> = Object.freeze({
  identity: 0x4f_43_01,
  transit: 0x4f_43_02,
  student: 0x4f_43_03,
  canteen: 0x4f_43_04,
  civil: 0x4f_43_05,
  health: 0x4f_43_06,
});

/**
 * Key numbers inside each application (all AES-128, diversified per card
 * with AN10922 from the master of the same (application, keyNo) in keys/).
 * Key 0 is the application master key: only the issuer's back office holds
 * its master; no device bundle ever does.
 */
export const PROFILE_KEY_NO = Object.freeze({
  identity: Object.freeze({ applicationMaster: 0, read: 1 }),
  transit: Object.freeze({ applicationMaster: 0, topUp: 1, debit: 2, read: 3 }),
  student: Object.freeze({ applicationMaster: 0, read: 1, attendance: 2, library: 3 }),
  canteen: Object.freeze({ applicationMaster: 0, topUp: 1, debit: 2, read: 3 }),
  civil: Object.freeze({ applicationMaster: 0, read: 1, attendance: 2, workstationLogin: 3 }),
  health: Object.freeze({ applicationMaster: 0, read: 1, visitWrite: 2 }),
} as const);

/** Keys per application: one more than the highest key number. */
export function keyCountOf(application: ProfileApplication): number {
  return Math.max(...Object.values(PROFILE_KEY_NO[application])) + 1;
}

/**
 * Key-store slot of the AppTransactionMACKey master of an application with a
 * Transaction MAC file (transit, canteen). It is not a card key slot: the
 * card keeps the TMAC key inside the TMAC file (MF2DLHX0, CreateTransactionMACFile).
 * No device bundle holds it; only the clearing house verifies TMVs.
 */
export const TRANSACTION_MAC_KEY_SLOT = 13;

/** The registry the SAM needs (Sam.fromStore({ applicationAids })), card level included. */
export function profileApplicationAids(): ReadonlyMap<string, number> {
  return new Map<string, number>([[PICC_APPLICATION, PICC_AID], ...PROFILE_APPLICATIONS.map((application) => [application, PROFILE_AIDS[application]] as const)]);
}

export function isProfileApplication(name: string): name is ProfileApplication {
  return (PROFILE_APPLICATIONS as readonly string[]).includes(name);
}

/** A reference to one diversifiable key: the key store slot and, for card keys, the card's key number. */
export interface ProfileKeyRef {
  readonly application: ProfileApplication | typeof PICC_APPLICATION;
  readonly keyNo: number;
}
