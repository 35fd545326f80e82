import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { verifyAuditLog } from '../audit/verify-audit-log.js';
import { KeyStore } from './key-store.js';
import { KEY_STORE_INTERNALS } from './key-store-internals.js';
import { KeyStoreError, StoreCorruptError, StoreLockedError, WrongPassphraseError } from './key-store-error.js';
import { createTestStore, makeTempDir, openTestStore, TEST_KDF, TEST_PASSPHRASE, TEST_PRINCIPAL, TEST_SYSTEM_IDENTIFIER, type TempDir } from './key-store.fixtures.js';

const IMPORTED_AES = fromHex('00112233445566778899aabbccddeeff');
const OTHER_AES = fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0');

let dir: TempDir;
let path: string;

beforeEach(() => {
  dir = makeTempDir('onecard-store-');
  path = join(dir.path, 'masters.json');
});
afterEach(() => {
  dir.remove();
});

type Json = Record<string, unknown> & { masters: { application: string; keyNo: number; versions: Record<string, unknown>[] }[] };
const readJson = (): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const writeJson = (json: unknown): void => {
  writeFileSync(path, JSON.stringify(json));
};

/** Exposes master bytes only for the assertions of this test file. */
function masterHex(store: KeyStore, ref: { application: string; keyNo: number; version: number | 'active' }): string {
  return store[KEY_STORE_INTERNALS]().useMasterKey(ref, (master) => toHex(master.keyBytes));
}

async function storeWithTwoImportedMasters(): Promise<void> {
  const store = await createTestStore(path);
  await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'import', keyBytes: IMPORTED_AES, version: 1 }, principal: TEST_PRINCIPAL });
  await store.addMaster({ application: 'student', keyNo: 2, keyType: 'aes128', material: { source: 'import', keyBytes: OTHER_AES, version: 1 }, principal: TEST_PRINCIPAL });
  store.close();
}

describe('KeyStore lifecycle', () => {
  it('creates, reopens and lists metadata only; the file is owner-only and holds no plaintext key', async () => {
    await storeWithTwoImportedMasters();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(toHex(IMPORTED_AES));
    const store = await openTestStore(path, { access: 'read-only' });
    expect(store.listMasters()).toEqual([
      expect.objectContaining({ application: 'transit', keyNo: 2, keyType: 'aes128', activeVersion: 1 }),
      expect.objectContaining({ application: 'student', keyNo: 2, keyType: 'aes128', activeVersion: 1 }),
    ]);
    expect(masterHex(store, { application: 'transit', keyNo: 2, version: 'active' })).toBe(toHex(IMPORTED_AES));
    expect(store.revision).toBe(2);
    expect(store.systemIdentifierHex).toBe(toHex(TEST_SYSTEM_IDENTIFIER));
    store.close();
    expect(() => store.listMasters()).toThrow(expect.objectContaining({ code: 'store_closed' }));
  });

  it('refuses to create over an existing store', async () => {
    (await createTestStore(path)).close();
    await expect(createTestStore(path)).rejects.toMatchObject({ code: 'store_exists' });
  });

  it('enforces the scrypt floor unless the testing-only option is given for a test store', async () => {
    const base = { path, passphrase: TEST_PASSPHRASE, systemIdentifier: TEST_SYSTEM_IDENTIFIER, principal: TEST_PRINCIPAL };
    await expect(KeyStore.create({ ...base, environment: 'test', kdf: { scryptCostLog2: 10 } })).rejects.toMatchObject({ code: 'kdf_too_weak' });
    await expect(KeyStore.create({ ...base, environment: 'production', kdf: TEST_KDF })).rejects.toMatchObject({ code: 'kdf_too_weak' });
    await expect(KeyStore.create({ ...base, environment: 'test', kdf: { scryptCostLog2: 9, weakKdfForTestingOnly: true } })).rejects.toMatchObject({ code: 'kdf_too_weak' });
    expect(existsSync(`${path}.lock`)).toBe(false);
    (await createTestStore(path)).close();
    await expect(KeyStore.open({ path, passphrase: TEST_PASSPHRASE, access: 'read-only' })).rejects.toMatchObject({ code: 'kdf_too_weak' });
  });

  it('refuses a short new passphrase', async () => {
    await expect(KeyStore.create({ path, passphrase: 'short', kdf: TEST_KDF, environment: 'test', systemIdentifier: TEST_SYSTEM_IDENTIFIER, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'weak_passphrase' });
  });
});

describe('KeyStore failures at open', () => {
  it('a wrong passphrase is WrongPassphraseError', async () => {
    await storeWithTwoImportedMasters();
    const opening = openTestStore(path, { access: 'read-only', passphrase: 'incorrect horse battery staple' });
    await expect(opening).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('a flipped ciphertext byte is StoreCorruptError(entry_authentication), not a wrong passphrase', async () => {
    await storeWithTwoImportedMasters();
    const json = readJson();
    const sealed = json.masters[0]?.versions[0]?.['sealed'] as { ciphertextHex: string };
    const bytes = fromHex(sealed.ciphertextHex);
    bytes[3] = (bytes[3] ?? 0) ^ 0x01;
    sealed.ciphertextHex = toHex(bytes);
    writeJson(json);
    await expect(openTestStore(path, { access: 'read-only' })).rejects.toMatchObject({ name: 'StoreCorruptError', detail: 'entry_authentication' });
  });

  it('entries swapped between slots fail their AAD', async () => {
    await storeWithTwoImportedMasters();
    const json = readJson();
    const [first, second] = [json.masters[0]?.versions[0], json.masters[1]?.versions[0]];
    if (first === undefined || second === undefined) throw new Error('fixture');
    [first['sealed'], second['sealed']] = [second['sealed'], first['sealed']];
    writeJson(json);
    await expect(openTestStore(path, { access: 'read-only' })).rejects.toMatchObject({ detail: 'entry_authentication' });
  });

  it('an edited status or revision is caught by the metadata MAC', async () => {
    await storeWithTwoImportedMasters();
    const json = readJson();
    writeJson({ ...json, revision: 1 });
    await expect(openTestStore(path, { access: 'read-only' })).rejects.toMatchObject({ detail: 'metadata_authentication' });
    const moved = readJson();
    const master = moved.masters[0];
    if (master === undefined) throw new Error('fixture');
    master.keyNo = 3;
    writeJson({ ...json, masters: [master, ...json.masters.slice(1)] });
    await expect(openTestStore(path, { access: 'read-only' })).rejects.toMatchObject({ detail: 'entry_authentication' });
  });

  it.each([
    ['garbage', '{"format": onecard', 'unreadable'],
    ['empty', '', 'unreadable'],
    ['wrong shape', '{"format":"onecard-keystore","formatVersion":1}', 'schema'],
    ['extra field', null, 'schema'],
  ] as const)('a %s file is StoreCorruptError', async (_label, text, detail) => {
    await storeWithTwoImportedMasters();
    writeFileSync(path, text ?? JSON.stringify({ ...readJson(), note: 'x' }));
    const error: unknown = await openTestStore(path, { access: 'read-only' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect(error).toMatchObject({ detail });
  });

  it('a truncated file is corrupt, and the lock is released after the failure', async () => {
    await storeWithTwoImportedMasters();
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
    await expect(openTestStore(path, { access: 'read-write' })).rejects.toBeInstanceOf(StoreCorruptError);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('KeyStore locking', () => {
  it('a second writer is refused while the first holds the lock; readers are not', async () => {
    const writer = await createTestStore(path);
    await expect(openTestStore(path, { access: 'read-write' })).rejects.toBeInstanceOf(StoreLockedError);
    const reader = await openTestStore(path, { access: 'read-only' });
    await expect(reader.addMaster({ application: 'transit', keyNo: 1, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'store_read_only' });
    reader.close();
    writer.close();
    const next = await openTestStore(path, { access: 'read-write' });
    next.close();
  });

  it('serialises concurrent mutations within one process', async () => {
    const store = await createTestStore(path);
    await Promise.all(
      [0, 1, 2, 3].map((keyNo) => store.addMaster({ application: 'health', keyNo, keyType: '3tdea', material: { source: 'generate' }, principal: TEST_PRINCIPAL })),
    );
    expect(store.revision).toBe(4);
    store.close();
    const reopened = await openTestStore(path, { access: 'read-only' });
    expect(reopened.listMasters().map((m) => m.keyNo)).toEqual([0, 1, 2, 3]);
    reopened.close();
  });
});

describe('KeyStore versions', () => {
  it('rotation keeps the old version usable as retiring; retirement destroys it', async () => {
    const store = await createTestStore(path);
    await store.addMaster({ application: 'transit', keyNo: 2, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    const v1 = masterHex(store, { application: 'transit', keyNo: 2, version: 1 });
    const rotated = await store.rotateMaster({ application: 'transit', keyNo: 2, material: { source: 'generate' }, principal: TEST_PRINCIPAL });
    expect(rotated.activeVersion).toBe(2);
    expect(rotated.versions.map((v) => [v.version, v.status])).toEqual([[1, 'retiring'], [2, 'active']]);
    expect(masterHex(store, { application: 'transit', keyNo: 2, version: 1 })).toBe(v1);
    expect(masterHex(store, { application: 'transit', keyNo: 2, version: 'active' })).not.toBe(v1);
    await expect(store.retireVersion({ application: 'transit', keyNo: 2, version: 2, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'cannot_retire_active' });
    await store.retireVersion({ application: 'transit', keyNo: 2, version: 1, principal: TEST_PRINCIPAL });
    expect(() => masterHex(store, { application: 'transit', keyNo: 2, version: 1 })).toThrow(expect.objectContaining({ code: 'key_version_retired' }));
    await expect(store.retireVersion({ application: 'transit', keyNo: 2, version: 1, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'key_version_retired' });
    store.close();
    expect(readJson().masters[0]?.versions[0]?.['sealed']).toBeNull();
    const audit = verifyAuditLog(`${path}.audit.jsonl`);
    expect(audit).toMatchObject({ ok: true, entryCount: 4, lastStoreRevision: 3 });
  });

  it('refuses duplicates, unknown slots, bad material and bad names', async () => {
    const store = await createTestStore(path);
    const add = (options: Partial<Parameters<KeyStore['addMaster']>[0]>): Promise<unknown> =>
      store.addMaster({ application: 'civil', keyNo: 3, keyType: 'aes128', material: { source: 'generate' }, principal: TEST_PRINCIPAL, ...options });
    await add({});
    await expect(add({})).rejects.toMatchObject({ code: 'key_exists' });
    await expect(add({ keyNo: 14 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(add({ application: 'Transit!' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(add({ keyNo: 4, material: { source: 'import', keyBytes: new Uint8Array(15), version: 1 } })).rejects.toMatchObject({ code: 'invalid_key_material' });
    await expect(add({ keyNo: 4, keyType: '2tdea', material: { source: 'import', keyBytes: fromHex('0123456789abcdef0123456789abcdef'), version: 1 } })).rejects.toMatchObject({ code: 'invalid_key_material' });
    await expect(store.rotateMaster({ application: 'civil', keyNo: 9, material: { source: 'generate' }, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(store.rotateMaster({ application: 'civil', keyNo: 3, material: { source: 'import', keyBytes: IMPORTED_AES, version: 1 }, principal: TEST_PRINCIPAL })).rejects.toMatchObject({ code: 'key_version_exists' });
    expect(() => masterHex(store, { application: 'civil', keyNo: 3, version: 7 })).toThrow(KeyStoreError);
    store.close();
  });
});

describe('KeyStore passphrase change', () => {
  it('re-encrypts under the new passphrase; masters are unchanged; the old passphrase fails', async () => {
    await storeWithTwoImportedMasters();
    const store = await openTestStore(path, { access: 'read-write' });
    const saltBefore = (readJson()['kdf'] as { saltHex: string }).saltHex;
    await store.changePassphrase({ newPassphrase: 'a much better passphrase 2025', kdf: TEST_KDF, principal: TEST_PRINCIPAL });
    expect(masterHex(store, { application: 'transit', keyNo: 2, version: 1 })).toBe(toHex(IMPORTED_AES));
    store.close();
    expect((readJson()['kdf'] as { saltHex: string }).saltHex).not.toBe(saltBefore);
    await expect(openTestStore(path, { access: 'read-only' })).rejects.toBeInstanceOf(WrongPassphraseError);
    const reopened = await openTestStore(path, { access: 'read-only', passphrase: 'a much better passphrase 2025' });
    expect(masterHex(reopened, { application: 'student', keyNo: 2, version: 1 })).toBe(toHex(OTHER_AES));
    reopened.close();
  });
});
