/**
 * No public API returns a master key. Every public method and getter of
 * KeyStore and Sam (and exportDeviceBundle) is called, and every returned
 * value and thrown error is searched deeply for the master bytes (raw, hex,
 * base64). The method lists are pinned: a new public method fails this test
 * until it is added here.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { KeyStore } from '../store/key-store.js';
import { createTestStore, makeTempDir, openTestStore, TEST_KDF, TEST_PRINCIPAL, type TempDir } from '../store/key-store.fixtures.js';
import { provisionalApplicationAids } from './application-aids.js';
import { exportDeviceBundle } from './export-device-bundle.js';
import { CARD_KEY_NO } from './key-bundle-roles.js';
import { computeLoginResponse } from './login.js';
import { Sam } from './sam.js';
import { findSecret, makeTestDevice } from './sam.fixtures.js';

const MASTERS = {
  transitDebit: fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'),
  transitDebitV2: fromHex('b0b1b2b3b4b5b6b7b8b9babbbcbdbebf'),
  transitRead: fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf'),
  identityRead: fromHex('d0d1d2d3d4d5d6d7d8d9dadbdcdddedf'),
  login: fromHex('e0e1e2e3e4e5e6e7e8e9eaebecedeeef'),
};
const SECRETS = Object.values(MASTERS);
const UID = fromHex('04112233445566');

let dir: TempDir;
let outputs: [string, unknown][];
beforeEach(() => {
  dir = makeTempDir('onecard-leak-');
  outputs = [];
});
afterEach(() => {
  dir.remove();
});

async function capture(label: string, call: () => unknown): Promise<void> {
  try {
    outputs.push([label, await call()]);
  } catch (error: unknown) {
    outputs.push([`${label} (thrown)`, error]);
  }
}

function publicMembers(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor').sort();
}

it('pins the public surface of KeyStore and Sam', () => {
  expect(publicMembers(KeyStore.prototype)).toEqual(
    ['addMaster', 'auditLogPath', 'changePassphrase', 'close', 'environment', 'listMasters', 'retireVersion', 'revision', 'rotateMaster', 'scryptCostLog2', 'storeId', 'systemIdentifierHex'].sort(),
  );
  expect(Object.getOwnPropertyNames(KeyStore).filter((n) => !['length', 'name', 'prototype'].includes(n)).sort()).toEqual(['create', 'open']);
  expect(publicMembers(Sam.prototype)).toEqual(['close', 'deriveCardKey', 'derivationCount', 'listKeys', 'source', 'systemIdentifierHex', 'verifyLoginResponse'].sort());
  expect(Object.getOwnPropertyNames(Sam).filter((n) => !['length', 'name', 'prototype'].includes(n)).sort()).toEqual(['fromBundle', 'fromStore']);
});

it('no value returned or thrown by any public method contains master key bytes', async () => {
  const path = join(dir.path, 'masters.json');
  const principal = TEST_PRINCIPAL;
  const imported = (keyBytes: Uint8Array, version: number) => ({ source: 'import', keyBytes: keyBytes.slice(), version }) as const;
  const store = await createTestStore(path);
  outputs.push(['create', store]);
  await capture('addMaster', () => store.addMaster({ application: 'transit', keyNo: CARD_KEY_NO.transit.debit, keyType: 'aes128', material: imported(MASTERS.transitDebit, 1), principal }));
  await capture('addMaster', () => store.addMaster({ application: 'transit', keyNo: CARD_KEY_NO.transit.read, keyType: 'aes128', material: imported(MASTERS.transitRead, 1), principal }));
  await capture('addMaster', () => store.addMaster({ application: 'identity', keyNo: CARD_KEY_NO.identity.read, keyType: 'aes128', material: imported(MASTERS.identityRead, 1), principal }));
  await capture('addMaster', () => store.addMaster({ application: 'civil', keyNo: CARD_KEY_NO.civil.workstationLogin, keyType: 'aes128', material: imported(MASTERS.login, 1), principal }));
  await capture('addMaster dup', () => store.addMaster({ application: 'civil', keyNo: CARD_KEY_NO.civil.workstationLogin, keyType: 'aes128', material: imported(MASTERS.login, 1), principal }));
  await capture('rotateMaster', () => store.rotateMaster({ application: 'transit', keyNo: CARD_KEY_NO.transit.debit, material: imported(MASTERS.transitDebitV2, 2), principal }));
  await capture('rotateMaster again', () => store.rotateMaster({ application: 'transit', keyNo: CARD_KEY_NO.transit.read, material: { source: 'generate' }, principal }));
  await capture('retireVersion', () => store.retireVersion({ application: 'transit', keyNo: CARD_KEY_NO.transit.read, version: 1, principal }));
  await capture('retireVersion active', () => store.retireVersion({ application: 'transit', keyNo: CARD_KEY_NO.transit.debit, version: 2, principal }));
  for (const getter of ['storeId', 'environment', 'revision', 'scryptCostLog2', 'systemIdentifierHex', 'auditLogPath'] as const) await capture(getter, () => store[getter]);
  await capture('listMasters', () => store.listMasters());

  const sam = Sam.fromStore({ store, applicationAids: provisionalApplicationAids() });
  outputs.push(['fromStore', sam]);
  for (const getter of ['source', 'systemIdentifierHex'] as const) await capture(getter, () => sam[getter]);
  await capture('listKeys', () => sam.listKeys());
  await capture('derivationCount', () => sam.derivationCount());
  const derive = { application: 'transit', keyNo: CARD_KEY_NO.transit.debit, uid: UID, principal, purpose: 'test' } as const;
  await capture('deriveCardKey active', () => sam.deriveCardKey({ ...derive, version: 'active' }));
  await capture('deriveCardKey v1', () => sam.deriveCardKey({ ...derive, version: 1 }));
  await capture('deriveCardKey retired', () => sam.deriveCardKey({ ...derive, keyNo: CARD_KEY_NO.transit.read, version: 1 }));
  const loginKey = { application: 'civil', keyNo: CARD_KEY_NO.civil.workstationLogin };
  const cardKey = sam.deriveCardKey({ ...derive, ...loginKey, version: 'active' }).key;
  const challenge = new Uint8Array(16).fill(7);
  await capture('verifyLoginResponse', () => sam.verifyLoginResponse({ loginKey, uid: UID, version: 'active', challenge, response: computeLoginResponse({ cardKey, challenge }), principal }));

  const device = makeTestDevice();
  const exported = await exportDeviceBundle({ store, role: 'bus-validator', deviceId: 'bus-1', applicationAids: provisionalApplicationAids(), principal, seal: device.seal });
  outputs.push(['exportDeviceBundle', exported]);
  const onDevice = Sam.fromBundle({ bundle: device.unseal(exported.sealed) });
  outputs.push(['fromBundle', onDevice]);
  await capture('bundle listKeys', () => onDevice.listKeys());
  await capture('bundle deriveCardKey', () => onDevice.deriveCardKey({ ...derive, version: 'active' }));
  await capture('bundle close', () => {
    onDevice.close();
  });
  await capture('close', () => {
    sam.close();
  });
  await capture('changePassphrase', () => store.changePassphrase({ newPassphrase: 'another long passphrase', kdf: TEST_KDF, principal }));
  await capture('close', () => {
    store.close();
  });
  await capture('open wrong passphrase', () => openTestStore(path, { access: 'read-only' }));
  const reopened = await openTestStore(path, { access: 'read-only', passphrase: 'another long passphrase' });
  outputs.push(['open', reopened]);
  reopened.close();

  expect(outputs.length).toBeGreaterThan(30);
  for (const [label, value] of outputs) expect(findSecret(value, SECRETS), label).toBeUndefined();
  // The detector works: it finds a master placed anywhere in a returned shape.
  expect(findSecret({ a: [{ b: new Map([['k', MASTERS.login.slice()]]) }] }, SECRETS)).toBe('$.a.0.b<map 0>.1');
  expect(findSecret({ hex: `x${Buffer.from(MASTERS.transitRead).toString('hex').toUpperCase()}` }, SECRETS)).toBe('$.hex');
});
