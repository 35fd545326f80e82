import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { verifyAuditLog } from '../audit/verify-audit-log.js';
import { KeyStore } from '../store/key-store.js';
import { createTestStore, makeTempDir, TEST_KDF, TEST_PASSPHRASE, TEST_PRINCIPAL, type TempDir } from '../store/key-store.fixtures.js';
import { provisionalApplicationAids } from './application-aids.js';
import { exportDeviceBundle } from './export-device-bundle.js';
import { CARD_KEY_NO } from './key-bundle-roles.js';
import { computeLoginResponse } from './login.js';
import { Sam } from './sam.js';
import { an10922Vector, makeTestDevice } from './sam.fixtures.js';

const AES_VECTOR = an10922Vector('an10922-aes128-section-2-2-1');
const TDEA_VECTOR = an10922Vector('an10922-2tdea-section-2-4-1');
const h = (hex: string | undefined): Uint8Array => fromHex(hex ?? '');
const NXP_UID = h(AES_VECTOR.inputs['uid']);
/** The vector's AID bytes are on-the-wire order (LSB first): 30 42 F5 is AID 0xF54230. */
const NXP_AID = 0xf5_42_30;
const UID = fromHex('04a1b2c3d4e5f6');
const request = { uid: UID, version: 'active', principal: 'issuer-7', purpose: 'personalise' } as const;

let dir: TempDir;
let path: string;
beforeEach(() => {
  dir = makeTempDir('onecard-sam-');
  path = join(dir.path, 'masters.json');
});
afterEach(() => {
  dir.remove();
});

describe('Sam from the key store', () => {
  it('reproduces the AN10922 §2.2.1 (AES) and §2.4.1 (2TDEA) examples end to end', async () => {
    const store = await KeyStore.create({ path, passphrase: TEST_PASSPHRASE, kdf: TEST_KDF, environment: 'test', systemIdentifier: new TextEncoder().encode('NXP Abu'), principal: TEST_PRINCIPAL });
    const master = h(AES_VECTOR.inputs['master_key']);
    await store.addMaster({ application: 'nxp', keyNo: 1, keyType: 'aes128', material: { source: 'import', keyBytes: master, version: 1 }, principal: TEST_PRINCIPAL });
    await store.addMaster({ application: 'nxp', keyNo: 2, keyType: '2tdea', material: { source: 'import', keyBytes: h(TDEA_VECTOR.inputs['master_key']), version: 0x55 }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: new Map([['nxp', NXP_AID]]) });
    const aes = sam.deriveCardKey({ ...request, application: 'nxp', keyNo: 1, uid: NXP_UID });
    expect(toHex(aes.key)).toBe(AES_VECTOR.expected['diversified_key']?.toLowerCase());
    expect(aes).toMatchObject({ keyType: 'aes128', version: 1 });
    const tdea = sam.deriveCardKey({ ...request, application: 'nxp', keyNo: 2, uid: NXP_UID });
    expect(toHex(tdea.key)).toBe(TDEA_VECTOR.expected['diversified_key_with_master_key_version_0x55_libfreefare']);
    expect(tdea.version).toBe(0x55);
    store.close();
  });

  it('old versions still derive after rotation; retired versions refuse', async () => {
    const store = await createTestStore(path);
    await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    const before = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2 });
    await store.rotateMaster({ application: 'transit', keyNo: 2, material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const old = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, version: 1 });
    const current = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2 });
    expect(old.key).toEqual(before.key);
    expect(current.version).toBe(2);
    expect(current.key).not.toEqual(before.key);
    await store.retireVersion({ application: 'transit', keyNo: 2, version: 1, principal: TEST_PRINCIPAL });
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, version: 1 })).toThrow(expect.objectContaining({ code: 'key_version_retired' }));
    store.close();
  });

  it('derives different keys for different UIDs, applications and key numbers', async () => {
    const store = await createTestStore(path);
    await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    await store.addMaster({ application: 'transit', keyNo: 3, keyType: '3tdea', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    const a = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2 });
    const b = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, uid: fromHex('04a1b2c3d4e5f7') });
    const c = sam.deriveCardKey({ ...request, application: 'transit', keyNo: 3 });
    expect(a.key).not.toEqual(b.key);
    expect(c.key).toHaveLength(24);
    store.close();
  });

  it('refuses unknown applications, unknown keys, malformed UIDs and bad principals', async () => {
    const store = await createTestStore(path);
    await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    await store.addMaster({ application: 'parking', keyNo: 1, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    expect(() => sam.deriveCardKey({ ...request, application: 'parking', keyNo: 1 })).toThrow(expect.objectContaining({ code: 'unknown_application' }));
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 5 })).toThrow(expect.objectContaining({ code: 'unknown_key' }));
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, version: 9 })).toThrow(expect.objectContaining({ code: 'unknown_key' }));
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, uid: new Uint8Array(4) })).toThrow(expect.objectContaining({ code: 'invalid_uid' }));
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2, principal: 'a b' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(sam.listKeys().map((k) => k.application)).toEqual(['transit']);
    store.close();
  });

  it('audits each derivation with a keyed UID hash (never the raw UID) before returning the key', async () => {
    const store = await createTestStore(path);
    await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2 });
    const log = readFileSync(store.auditLogPath, 'utf8');
    expect(log).not.toContain(toHex(UID));
    const last = JSON.parse(log.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(last).toMatchObject({ action: 'derive', principal: 'issuer-7', purpose: 'personalise', application: 'transit', keyNo: 2, version: 1 });
    expect(last['uidHashHex']).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyAuditLog(store.auditLogPath, { expectedStoreId: store.storeId })).toMatchObject({ ok: true });
    writeFileSync(`${store.auditLogPath}.lock`, '');
    expect(() => sam.deriveCardKey({ ...request, application: 'transit', keyNo: 2 })).toThrow(expect.objectContaining({ code: 'audit_log_locked' }));
    rmSync(`${store.auditLogPath}.lock`);
    expect(sam.derivationCount()).toBe(1);
    store.close();
  });
});

describe('Sam from a device bundle', () => {
  async function storeWithTransit(): Promise<KeyStore> {
    const store = await createTestStore(path);
    for (const keyNo of [CARD_KEY_NO.transit.topUp, CARD_KEY_NO.transit.debit, CARD_KEY_NO.transit.read]) {
      await store.addMaster({ application: 'transit', keyNo, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    }
    await store.addMaster({ application: 'identity', keyNo: CARD_KEY_NO.identity.read, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    await store.rotateMaster({ application: 'transit', keyNo: CARD_KEY_NO.transit.debit, material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    return store;
  }

  it('holds only the role’s keys (active + retiring) and derives exactly what the store derives', async () => {
    const store = await storeWithTransit();
    const device = makeTestDevice();
    const exported = await exportDeviceBundle({ store, role: 'bus-validator', deviceId: 'hn-bus-0042-v1', applicationAids: provisionalApplicationAids(), principal: TEST_PRINCIPAL, seal: device.seal });
    expect(exported.manifest.keys.map((k) => [k.application, k.keyNo, k.version, k.status])).toEqual([
      ['transit', 2, 1, 'retiring'],
      ['transit', 2, 2, 'active'],
      ['transit', 3, 1, 'active'],
      ['identity', 1, 1, 'active'],
    ]);
    const plaintext = device.unseal(exported.sealed);
    const onDevice = Sam.fromBundle({ bundle: plaintext });
    expect(plaintext.every((byte) => byte === 0)).toBe(true);
    const backOffice = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    for (const version of [1, 2] as const) {
      const deviceKey = onDevice.deriveCardKey({ ...request, application: 'transit', keyNo: 2, version });
      expect(deviceKey.key).toEqual(backOffice.deriveCardKey({ ...request, application: 'transit', keyNo: 2, version }).key);
    }
    expect(() => onDevice.deriveCardKey({ ...request, application: 'transit', keyNo: CARD_KEY_NO.transit.topUp })).toThrow(expect.objectContaining({ code: 'unknown_key' }));
    expect(() => onDevice.deriveCardKey({ ...request, application: 'student', keyNo: 1 })).toThrow(expect.objectContaining({ code: 'unknown_application' }));
    expect(onDevice.derivationCount()).toBe(2);
    expect(onDevice.source).toBe('device-bundle');
    onDevice.close();
    expect(() => onDevice.deriveCardKey({ ...request, application: 'transit', keyNo: 2 })).toThrow(expect.objectContaining({ code: 'sam_closed' }));
    const audit = readFileSync(store.auditLogPath, 'utf8');
    expect(audit.match(/"action":"export-bundle"/g)).toHaveLength(4);
    store.close();
  });

  it('refuses a role whose masters the store lacks, and garbage bundles', async () => {
    const store = await storeWithTransit();
    const device = makeTestDevice();
    await expect(exportDeviceBundle({ store, role: 'school-gate', deviceId: 'school-1', applicationAids: provisionalApplicationAids(), principal: TEST_PRINCIPAL, seal: device.seal })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(exportDeviceBundle({ store, role: 'bus-validator', deviceId: 'bad id!', applicationAids: provisionalApplicationAids(), principal: TEST_PRINCIPAL, seal: device.seal })).rejects.toMatchObject({ code: 'invalid_argument' });
    const good = device.unseal((await exportDeviceBundle({ store, role: 'bus-validator', deviceId: 'bus-1', applicationAids: provisionalApplicationAids(), principal: TEST_PRINCIPAL, seal: device.seal })).sealed);
    const broken = [good.slice(0, 8), good.slice(0, good.length - 1), Uint8Array.of(...good, 0), Uint8Array.of(0x58, ...good.subarray(1)), new Uint8Array(0)];
    for (const bundle of broken) expect(() => Sam.fromBundle({ bundle })).toThrow(expect.objectContaining({ code: 'bundle_corrupt' }));
    store.close();
  });
});

describe('Sam.verifyLoginResponse', () => {
  it('accepts the card’s CMAC of the challenge and refuses anything else, auditing the outcome', async () => {
    const store = await createTestStore(path);
    const loginKey = { application: 'civil', keyNo: CARD_KEY_NO.civil.workstationLogin };
    await store.addMaster({ ...loginKey, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
    const cardKey = sam.deriveCardKey({ ...request, ...loginKey }).key;
    const challenge = fromHex('00112233445566778899aabbccddeeff');
    const response = computeLoginResponse({ cardKey, challenge });
    const base = { loginKey, uid: UID, version: 'active', challenge, principal: 'login-srv-1' } as const;
    expect(sam.verifyLoginResponse({ ...base, response })).toEqual({ ok: true, version: 1 });
    const flipped = response.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(sam.verifyLoginResponse({ ...base, response: flipped })).toEqual({ ok: false, reason: 'response_mismatch' });
    expect(sam.verifyLoginResponse({ ...base, response: response.subarray(0, 8) })).toEqual({ ok: false, reason: 'response_mismatch' });
    expect(sam.verifyLoginResponse({ ...base, uid: fromHex('04000000000001'), response })).toEqual({ ok: false, reason: 'response_mismatch' });
    expect(() => sam.verifyLoginResponse({ ...base, challenge: new Uint8Array(8), response })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    const outcomes = readFileSync(store.auditLogPath, 'utf8').match(/"outcome":"(ok|refused)"/g);
    expect(outcomes).toEqual(['"outcome":"ok"', '"outcome":"refused"', '"outcome":"refused"', '"outcome":"refused"']);
    store.close();
  });
});
