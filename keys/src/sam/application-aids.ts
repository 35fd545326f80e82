/**
 * Which DESFire AID each application lives at. The SAM takes this registry at
 * construction. The card profile is the authority (card-os/PROFILE.md §3,
 * card-os/src/profile/layout/applications.ts PROFILE_AIDS); keys cannot
 * import card-os, so the table is repeated here and
 * card-os/test/profile-keys.test.ts fails when the two disagree.
 *
 * OneCard AIDs are 0x4F43nn ("OC" ‖ application number): not starting with
 * the nibble F that AN10787 reserves for MAD-mapped AIDs, and not registered
 * with anyone.
 */
import { checkApplication } from '../store/master-key-slot.js';
import { checkAid } from './diversification-input.js';

export type ApplicationAids = ReadonlyMap<string, number>;

/** AID of the card level (PICC) keys, DESFire datasheet: application 0x000000. */
export const PICC_AID = 0x00_00_00;

const ONECARD_AIDS: Readonly<Record<string, number>> = Object.freeze({
  picc: PICC_AID,
  identity: 0x4f_43_01,
  transit: 0x4f_43_02,
  student: 0x4f_43_03,
  canteen: 0x4f_43_04,
  civil: 0x4f_43_05,
  health: 0x4f_43_06,
});

/**
 * A fresh copy of the OneCard registry (see the file comment). The name
 * predates the card profile and is kept so existing callers still build;
 * the values are the profile's.
 */
export function provisionalApplicationAids(): ApplicationAids {
  return new Map(Object.entries(ONECARD_AIDS));
}

/** Validates a registry: names as the store accepts them, 24-bit AIDs, no AID used twice. */
export function checkApplicationAids(registry: ApplicationAids): ApplicationAids {
  const seen = new Set<number>();
  for (const [application, aid] of registry) {
    checkApplication(application);
    checkAid(aid);
    if (seen.has(aid)) throw new RangeError('two applications share one AID in the registry');
    seen.add(aid);
  }
  return new Map(registry);
}
