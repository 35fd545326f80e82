/**
 * Which DESFire AID each application lives at. The SAM takes this registry at
 * construction; the card profile (card-os) is the authority and will supply
 * it. provisionalApplicationAids() exists only so the CLI and tests work
 * before the profile lands: values in the proprietary 0xF0xxxx range, chosen
 * here, not allocated by anyone. Replace with the profile's table.
 */
import { checkApplication } from '../store/master-key-slot.js';
import { checkAid } from './diversification-input.js';

export type ApplicationAids = ReadonlyMap<string, number>;

/** AID of the card level (PICC) keys, DESFire datasheet: application 0x000000. */
export const PICC_AID = 0x00_00_00;

const PROVISIONAL_AIDS: Readonly<Record<string, number>> = Object.freeze({
  picc: PICC_AID,
  transit: 0xf0_4f_01,
  student: 0xf0_4f_02,
  canteen: 0xf0_4f_03,
  civil: 0xf0_4f_04,
  health: 0xf0_4f_05,
  identity: 0xf0_4f_06,
});

/** A fresh copy of the provisional registry (see the file comment). */
export function provisionalApplicationAids(): ApplicationAids {
  return new Map(Object.entries(PROVISIONAL_AIDS));
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
