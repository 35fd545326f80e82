import { describe, expect, it } from 'vitest';
import { DEVICE_ROLES } from '../pki/roles.js';
import { KEY_VERSION_MAX } from '../store/master-key-slot.js';
import { provisionalApplicationAids } from './application-aids.js';
import { BUNDLE_KEYS_COUNT_MAX } from './device-key-bundle.js';
import { CARD_KEY_NO, KEY_BUNDLE_POLICIES, KEY_BUNDLE_ROLES } from './key-bundle-roles.js';

const applicationsOf = (role: (typeof KEY_BUNDLE_ROLES)[number]): string[] => [...new Set(KEY_BUNDLE_POLICIES[role].keys.map((k) => k.application))].sort();

describe('KEY_BUNDLE_POLICIES', () => {
  it('never grants an application master key (keyNo 0)', () => {
    for (const role of KEY_BUNDLE_ROLES) for (const key of KEY_BUNDLE_POLICIES[role].keys) expect(key.keyNo).not.toBe(0);
  });

  it('keeps sectors apart: schools hold only student keys (+ the identity read key every terminal has), buses no credit keys, no device mixes health and transit', () => {
    expect(applicationsOf('school-gate')).toEqual(['identity', 'student']);
    expect(applicationsOf('library-terminal')).toEqual(['identity', 'student']);
    expect(applicationsOf('canteen-terminal')).toEqual(['canteen', 'identity', 'student']);
    expect(applicationsOf('bus-validator')).toEqual(['identity', 'transit']);
    expect(KEY_BUNDLE_POLICIES['bus-validator'].keys).not.toContainEqual({ application: 'transit', keyNo: CARD_KEY_NO.transit.topUp });
    expect(applicationsOf('login-server')).toEqual(['civil']);
    for (const role of KEY_BUNDLE_ROLES) {
      const apps = applicationsOf(role);
      expect(apps.includes('health') && apps.includes('transit')).toBe(false);
      expect(apps.includes('health') && apps.includes('student')).toBe(false);
    }
  });

  it('maps every role to a PKI role, every application to an AID, and fits the bundle limit', () => {
    const aids = provisionalApplicationAids();
    for (const role of KEY_BUNDLE_ROLES) {
      expect(DEVICE_ROLES).toContain(KEY_BUNDLE_POLICIES[role].certificateRole);
      for (const key of KEY_BUNDLE_POLICIES[role].keys) expect(aids.has(key.application)).toBe(true);
    }
    const slotsMax = Math.max(...KEY_BUNDLE_ROLES.map((role) => KEY_BUNDLE_POLICIES[role].keys.length));
    expect(slotsMax * 2).toBeLessThanOrEqual(BUNDLE_KEYS_COUNT_MAX);
    expect(BUNDLE_KEYS_COUNT_MAX).toBeLessThan(KEY_VERSION_MAX);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(KEY_BUNDLE_POLICIES)).toBe(true);
    expect(Object.isFrozen(KEY_BUNDLE_POLICIES['bus-validator'].keys)).toBe(true);
  });
});
