/**
 * keys/ repeats the profile's AIDs and key numbers (it cannot import
 * card-os); the profile is the source of truth and this test keeps the two
 * equal, and checks the device roles against the profile.
 */
import { CARD_KEY_NO, KEY_BUNDLE_POLICIES, KEY_BUNDLE_ROLES, provisionalApplicationAids } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { PROFILE_APPLICATIONS, PROFILE_KEY_NO, TRANSACTION_MAC_KEY_SLOT, isProfileApplication, keyCountOf, profileApplicationAids } from '../src/profile/layout/applications.js';
import { PROFILE_FILES } from '../src/profile/layout/files.js';
import { profileMasterRefs } from '../src/profile/keys/profile-masters.js';

describe('keys/ agrees with the card profile', () => {
  it('has the same AIDs and key numbers', () => {
    expect(new Map(provisionalApplicationAids())).toEqual(new Map(profileApplicationAids()));
    expect(CARD_KEY_NO).toEqual(PROFILE_KEY_NO);
  });

  it('gives every role only existing, non-master card keys of profile applications', () => {
    for (const role of KEY_BUNDLE_ROLES) {
      for (const { application, keyNo } of KEY_BUNDLE_POLICIES[role].keys) {
        expect(isProfileApplication(application), role).toBe(true);
        if (!isProfileApplication(application)) continue;
        expect(keyNo).toBeGreaterThan(0);
        expect(keyNo).toBeLessThan(keyCountOf(application));
        expect(keyNo).not.toBe(TRANSACTION_MAC_KEY_SLOT);
      }
    }
  });

  it('needs one master per card key, the PICC master and one TMAC master per TMAC file', () => {
    const cardKeys = PROFILE_APPLICATIONS.reduce((sum, a) => sum + keyCountOf(a), 0);
    const tmacFiles = PROFILE_FILES.filter((f) => f.content === 'transaction-mac').length;
    expect(profileMasterRefs()).toHaveLength(1 + cardKeys + tmacFiles);
    expect(TRANSACTION_MAC_KEY_SLOT).toBeGreaterThanOrEqual(Math.max(...PROFILE_APPLICATIONS.map(keyCountOf)));
  });
});
