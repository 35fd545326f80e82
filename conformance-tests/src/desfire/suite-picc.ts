/**
 * PICC level: GetVersion shape, read-only answers any card gives, the
 * factory state, and every authentication command (MF2DLHX0 §10.1, §10.3-10.5).
 */
import {
  changeKey,
  getApplicationIDs,
  getCardUID,
  getFreeMemory,
  getKeySettings,
  getKeyVersion,
  getVersion,
  selectApplication,
  type DesfireClient,
} from '@onecard/card-os';
import { fromHex, setDesKeyVersion } from '@onecard/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { EV1_AES, EV1_DES, EV2_AES, FACTORY_PICC_KEY, FACTORY_PICC_SETTINGS, PICC_AID, SCHEMES, authenticatePicc, createAndSelectApp, expectFailure, formatCard, must, type SchemeProfile } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** GetVersion: vendor NXP, type DESFire, ISO 14443-2/-3 protocol byte (MF2DLHX0 §10.5.2). */
const NXP_VENDOR_ID = 0x04;
const DESFIRE_TYPE = 0x01;
const PROTOCOL_ISO14443 = 0x05;
/** Software major version 2 and up: EV2 or later (EV1 answers 1, D40 0). */
const EV2_SOFTWARE_MAJOR_MIN = 0x02;
const UID_LENGTH_BYTES = 7;
/** Storage size byte: 2^(n >> 1) bytes, the "+" bit 0 meaning a bit more (MF2DLHX0 §10.5.2). */
const storageBytesOf = (storageSizeByte: number): number => 2 ** (storageSizeByte >> 1);
const MISSING_AID = 0xf0e0d0;

export function readOnlyCases(ctx: SuiteContext): void {
  describe('PICC, read-only', () => {
    it('GetVersion: NXP DESFire EV2-class hardware and software, 7-byte UID, production data', async () => {
      const client = ctx.client();
      must(await selectApplication(client, PICC_AID), 'select PICC');
      const version = must(await getVersion(client), 'GetVersion');
      for (const part of [version.hardware, version.software]) {
        expect(part.vendorId).toBe(NXP_VENDOR_ID);
        expect(part.type).toBe(DESFIRE_TYPE);
        expect(part.protocol).toBe(PROTOCOL_ISO14443);
      }
      expect(version.software.majorVersion).toBeGreaterThanOrEqual(EV2_SOFTWARE_MAJOR_MIN);
      expect(version.hardware.storageSizeByte).toBe(version.software.storageSizeByte);
      expect(version.uid).toHaveLength(UID_LENGTH_BYTES);
      expect(version.batchNo).toHaveLength(5);
    });

    it('GetFreeMemory fits in the storage GetVersion announces', async () => {
      const client = ctx.client();
      const version = must(await getVersion(client), 'GetVersion');
      const freeBytes = must(await getFreeMemory(client), 'GetFreeMemory');
      expect(freeBytes).toBeGreaterThan(0);
      expect(freeBytes).toBeLessThanOrEqual(2 * storageBytesOf(version.hardware.storageSizeByte));
    });

    it('selecting an absent application answers application_not_found; PICC level stays selectable', async () => {
      const client = ctx.client();
      expectFailure(await selectApplication(client, MISSING_AID), 'application_not_found');
      must(await selectApplication(client, PICC_AID), 'select PICC');
      const listed = await getApplicationIDs(client);
      // A personalised card may hide its directory (PICC key settings bit 1 clear).
      if (!listed.ok) expect(listed.reason).toBe('authentication_error');
    });
  });
}

export function factoryStateCases(ctx: SuiteContext): void {
  describe('factory state', () => {
    it('has no applications, PICC key settings 0F, one DES master key of version 0', async () => {
      const client = ctx.client();
      must(await selectApplication(client, PICC_AID), 'select PICC');
      expect(must(await getApplicationIDs(client), 'GetApplicationIDs')).toEqual([]);
      const settings = must(await getKeySettings(client), 'GetKeySettings');
      expect(settings.settings).toEqual(FACTORY_PICC_SETTINGS);
      expect(settings.keyCount).toMatchObject({ keyType: 'des-2tdea', keyCount: 1 });
      expect(must(await getKeyVersion(client, 0), 'GetKeyVersion')).toBe(0);
    });

    it('accepts the all-zero DES master key with AuthenticateLegacy and AuthenticateISO', async () => {
      const client = ctx.client();
      await authenticatePicc(client);
      expect(client.session?.scheme).toBe('d40');
      must(await client.authenticate({ method: 'iso', keyNo: 0, key: FACTORY_PICC_KEY, keyType: 'des' }), 'AuthenticateISO');
      expect(client.session?.scheme).toBe('ev1');
    });
  });
}

const AID_BASE = 0x000a01;
const aidOf = (profile: SchemeProfile): number => AID_BASE + SCHEMES.indexOf(profile);
const NEW_AES_KEY = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
/** DES-family key versions live in the parity bits (MF2DLHX0 §10.2.3; libfreefare mifare_desfire_key_set_version). */
const NEW_2TDEA_KEY_VERSION = 0x10;
const NEW_2TDEA_KEY = setDesKeyVersion(fromHex('00112233445566778899aabbccddeeff'), NEW_2TDEA_KEY_VERSION);

export function authenticationCases(ctx: SuiteContext): void {
  describe('authentication', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      for (const [index, profile] of SCHEMES.entries()) {
        await authenticatePicc(client);
        await createAndSelectApp(client, { aid: AID_BASE + index, keyType: profile.appKeyType, keyCount: 3 });
      }
    });

    it.each(SCHEMES.map((profile, index) => [profile.label, profile, index] as const))('%s opens a %s session', async (_label, profile: SchemeProfile, index) => {
      const client = ctx.client();
      must(await selectApplication(client, AID_BASE + index), 'select');
      for (const keyNo of [0, 2]) {
        must(await client.authenticate({ method: profile.method, keyNo, key: profile.defaultKey, keyType: profile.keyType }), 'authenticate');
        expect(client.session).toMatchObject({ scheme: profile.scheme, keyNo });
      }
    });

    it('GetCardUID answers the GetVersion UID in any session: D40 (as libfreefare expects) and EV1', async () => {
      const client = ctx.client();
      const { uid } = must(await getVersion(client), 'GetVersion');
      await authenticatePicc(client);
      expect(must(await getCardUID(client), 'GetCardUID under D40')).toEqual(uid);
      must(await client.authenticate({ method: 'iso', keyNo: 0, key: FACTORY_PICC_KEY, keyType: 'des' }), 'AuthenticateISO');
      expect(must(await getCardUID(client), 'GetCardUID')).toEqual(uid);
    });

    it('EV2 NonFirst keeps the transaction identifier of the EV2 First session', async () => {
      const client = ctx.client();
      must(await selectApplication(client, aidOf(EV2_AES)), 'select');
      must(await client.authenticate({ method: 'ev2-first', keyNo: 0, key: new Uint8Array(16), keyType: 'aes128' }), 'EV2 First');
      const first = client.session;
      const ti = first !== undefined && 'ti' in first ? first.ti : undefined;
      expect(ti).toHaveLength(4);
      must(await client.authenticate({ method: 'ev2-non-first', keyNo: 1, key: new Uint8Array(16), keyType: 'aes128' }), 'EV2 NonFirst');
      expect(client.session).toMatchObject({ scheme: 'ev2', keyNo: 1, ti });
    });

    it('a wrong key answers authentication_error and leaves no session; a key beyond the count answers no_such_key', async () => {
      const client = ctx.client();
      must(await selectApplication(client, aidOf(EV1_AES)), 'select');
      expectFailure(await client.authenticate({ method: 'aes', keyNo: 0, key: NEW_AES_KEY, keyType: 'aes128' }), 'authentication_error');
      expect(client.session).toBeUndefined();
      expectFailure(await getKeyVersion(client, 7), 'no_such_key');
      expectFailure(await client.authenticate({ method: 'aes', keyNo: 3, key: new Uint8Array(16), keyType: 'aes128' }), 'no_such_key');
      // AES key, DES command: the card refuses at the first step.
      expectFailure(await client.authenticate({ method: 'legacy', keyNo: 0, key: new Uint8Array(8), keyType: 'des' }), 'authentication_error');
    });

    it('ChangeKey (AES, EV2): the new key and version work, the old key no longer does', async () => {
      const client = ctx.client();
      await changeAndCheck(client, { aid: aidOf(EV2_AES), profile: EV2_AES, newKey: NEW_AES_KEY, newKeyType: 'aes128', keyVersion: 0x21 });
    });

    it('ChangeKey (DES application, EV1 ISO) to a two-key 3DES key: it then authenticates as 2K3DES', async () => {
      const client = ctx.client();
      await changeAndCheck(client, { aid: aidOf(EV1_DES), profile: EV1_DES, newKey: NEW_2TDEA_KEY, newKeyType: '2tdea', keyVersion: NEW_2TDEA_KEY_VERSION });
      must(await client.authenticate({ method: 'legacy', keyNo: 1, key: NEW_2TDEA_KEY, keyType: '2tdea' }), 'legacy 2K3DES');
      expect(client.session?.scheme).toBe('d40');
    });

    it('changing the authenticated key itself (EV2) ends the session; the new key then opens one', async () => {
      await changeOwnKey(ctx.client(), { aid: aidOf(EV2_AES), profile: EV2_AES });
    });

    it('changing the authenticated key itself (EV1 AES) ends the session; the new key then opens one', async () => {
      await changeOwnKey(ctx.client(), { aid: aidOf(EV1_AES), profile: EV1_AES });
    });
  });
}

async function changeOwnKey(client: DesfireClient, options: { aid: number; profile: SchemeProfile }): Promise<void> {
  const { profile } = options;
  must(await selectApplication(client, options.aid), 'select');
  must(await client.authenticate({ method: profile.method, keyNo: 0, key: profile.defaultKey, keyType: profile.keyType }), 'authenticate key 0');
  must(await changeKey(client, { keyNo: 0, newKey: NEW_AES_KEY, newKeyType: 'aes128', newKeyVersion: 3, piccLevel: false }), 'ChangeKey 0');
  expect(client.session).toBeUndefined();
  must(await client.authenticate({ method: profile.method, keyNo: 0, key: NEW_AES_KEY, keyType: 'aes128' }), 'authenticate with the new key');
  expect(must(await getKeyVersion(client, 0), 'GetKeyVersion')).toBe(3);
}

async function changeAndCheck(
  client: DesfireClient,
  options: { aid: number; profile: SchemeProfile; newKey: Uint8Array; newKeyType: 'aes128' | '2tdea'; keyVersion: number },
): Promise<void> {
  const { profile } = options;
  must(await selectApplication(client, options.aid), 'select');
  must(await client.authenticate({ method: profile.method, keyNo: 0, key: profile.defaultKey, keyType: profile.keyType }), 'authenticate key 0');
  must(await changeKey(client, { keyNo: 1, newKey: options.newKey, newKeyType: options.newKeyType, newKeyVersion: options.keyVersion, oldKey: profile.defaultKey.length === 8 ? new Uint8Array(16) : profile.defaultKey, piccLevel: false }), 'ChangeKey 1');
  expect(client.session).toMatchObject({ keyNo: 0 });
  expect(must(await getKeyVersion(client, 1), 'GetKeyVersion')).toBe(options.keyVersion);
  expectFailure(await client.authenticate({ method: profile.method, keyNo: 1, key: profile.defaultKey, keyType: profile.keyType }), 'authentication_error');
  const newMethod = options.newKeyType === 'aes128' ? profile.method : 'iso';
  must(await client.authenticate({ method: newMethod, keyNo: 1, key: options.newKey, keyType: options.newKeyType }), 'authenticate with the new key');
  expect(client.session).toMatchObject({ keyNo: 1 });
}
