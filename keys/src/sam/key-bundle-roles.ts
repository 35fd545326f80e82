/**
 * Which masters each kind of device may hold in its SAM. A device gets the
 * masters of exactly the keys its job needs, never an application master key
 * (keyNo 0) and never another sector's keys: a school gate holds no transit
 * or health keys, a bus validator no top-up (credit) keys unless it is
 * configured for autoload ('bus-validator-autoload', card-os/PROFILE.md §7
 * says what bounds it).
 *
 * CARD_KEY_NO is the card profile's key layout (card-os/PROFILE.md §4,
 * card-os/src/profile/layout/applications.ts PROFILE_KEY_NO), repeated here
 * because keys cannot import card-os; card-os/test/profile-keys.test.ts
 * fails when the two disagree. Which file each key opens, and how, is in
 * PROFILE.md §4.
 */
import type { DeviceRole } from '../pki/roles.js';
import type { MasterKeyRef } from '../store/master-key-slot.js';

export const CARD_KEY_NO = {
  transit: { applicationMaster: 0, topUp: 1, debit: 2, read: 3 },
  identity: { applicationMaster: 0, read: 1 },
  student: { applicationMaster: 0, read: 1, attendance: 2, library: 3 },
  canteen: { applicationMaster: 0, topUp: 1, debit: 2, read: 3 },
  civil: { applicationMaster: 0, read: 1, attendance: 2, workstationLogin: 3 },
  health: { applicationMaster: 0, read: 1, visitWrite: 2 },
} as const;

export const KEY_BUNDLE_ROLES = [
  'bus-validator',
  'school-gate',
  'canteen-terminal',
  'library-terminal',
  'office-gate',
  'clinic-terminal',
  'login-server',
  'bus-validator-autoload',
  'transit-topup',
  'canteen-topup',
] as const;
export type KeyBundleRole = (typeof KEY_BUNDLE_ROLES)[number];

export interface KeyBundlePolicy {
  /** The PKI role the device certificate must carry for this bundle. */
  readonly certificateRole: DeviceRole;
  readonly keys: readonly MasterKeyRef[];
}

const slot = (application: keyof typeof CARD_KEY_NO, keyNo: number): MasterKeyRef => Object.freeze({ application, keyNo });

export const KEY_BUNDLE_POLICIES: Readonly<Record<KeyBundleRole, KeyBundlePolicy>> = Object.freeze({
  'bus-validator': Object.freeze({
    certificateRole: 'validator',
    keys: Object.freeze([slot('transit', CARD_KEY_NO.transit.debit), slot('transit', CARD_KEY_NO.transit.read), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'school-gate': Object.freeze({
    certificateRole: 'validator',
    keys: Object.freeze([slot('student', CARD_KEY_NO.student.read), slot('student', CARD_KEY_NO.student.attendance), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'canteen-terminal': Object.freeze({
    certificateRole: 'pos',
    keys: Object.freeze([slot('canteen', CARD_KEY_NO.canteen.debit), slot('student', CARD_KEY_NO.student.read), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'library-terminal': Object.freeze({
    certificateRole: 'validator',
    keys: Object.freeze([slot('student', CARD_KEY_NO.student.read), slot('student', CARD_KEY_NO.student.library), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'office-gate': Object.freeze({
    certificateRole: 'validator',
    keys: Object.freeze([slot('civil', CARD_KEY_NO.civil.read), slot('civil', CARD_KEY_NO.civil.attendance), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'clinic-terminal': Object.freeze({
    certificateRole: 'pos',
    keys: Object.freeze([slot('health', CARD_KEY_NO.health.read), slot('health', CARD_KEY_NO.health.visitWrite), slot('identity', CARD_KEY_NO.identity.read)]),
  }),
  'login-server': Object.freeze({
    certificateRole: 'login-server',
    keys: Object.freeze([slot('civil', CARD_KEY_NO.civil.workstationLogin)]),
  }),
  'bus-validator-autoload': Object.freeze({
    certificateRole: 'validator',
    keys: Object.freeze([
      slot('transit', CARD_KEY_NO.transit.debit),
      slot('transit', CARD_KEY_NO.transit.read),
      slot('transit', CARD_KEY_NO.transit.topUp),
      slot('identity', CARD_KEY_NO.identity.read),
    ]),
  }),
  'transit-topup': Object.freeze({
    certificateRole: 'pos',
    keys: Object.freeze([slot('transit', CARD_KEY_NO.transit.topUp), slot('transit', CARD_KEY_NO.transit.read)]),
  }),
  'canteen-topup': Object.freeze({
    certificateRole: 'pos',
    keys: Object.freeze([slot('canteen', CARD_KEY_NO.canteen.topUp), slot('canteen', CARD_KEY_NO.canteen.read)]),
  }),
});

export function isKeyBundleRole(value: string): value is KeyBundleRole {
  return (KEY_BUNDLE_ROLES as readonly string[]).includes(value);
}
