/**
 * `keys bundle export` with the real sealer: a CA directory, a device
 * certificate and CRL from the PKI module; the bundle is opened with the
 * device's private key and loaded into a device SAM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { openPayloadFromCertificate } from '../pki/bundle.js';
import { initCaDirectory, issueFromCaDirectory, publishCrlFromCaDirectory } from '../pki/ca-dir.js';
import { createDeviceCsr, type DeviceCsr } from '../pki/csr.js';
import { generateEd25519KeyPair } from '../signing/ed25519.js';
import { Sam } from '../sam/sam.js';
import { makeTempDir, TEST_PASSPHRASE, type TempDir } from '../store/key-store.fixtures.js';
import { runCli } from './main.js';

const CA_PASSPHRASE = 'test CA passphrase, long enough';
const NOW_MS = Date.UTC(2026, 2, 1);
const UID_HEX = '04a1b2c3d4e5f6';
let dir: TempDir;
let caDir: string;
let busCsr: DeviceCsr;
let busCertFile: string;
let gateCertFile: string;

async function keys(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), env: { ONECARD_KEYSTORE_PASSPHRASE: TEST_PASSPHRASE } };
  const code = await runCli(['--weak-kdf-for-testing', '--principal', 'cli-tester', ...args], io, { clockMs: () => NOW_MS });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = makeTempDir('onecard-bundle-');
  caDir = join(dir.path, 'ca');
  await initCaDirectory({ dir: caDir, commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - 1000, passphrase: CA_PASSPHRASE });
  busCsr = createDeviceCsr({ role: 'validator', deviceId: 'hn-bus-0042-v1', journalKeyPair: generateEd25519KeyPair() });
  const gateCsr = createDeviceCsr({ role: 'pos', deviceId: 'hn-bus-0042-v1', journalKeyPair: generateEd25519KeyPair() });
  busCertFile = join(dir.path, 'bus.pem');
  gateCertFile = join(dir.path, 'pos.pem');
  writeFileSync(busCertFile, (await issueFromCaDirectory({ dir: caDir, passphrase: CA_PASSPHRASE, csrPem: busCsr.csrPem, validityDays: 365, nowMs: NOW_MS })).certificatePem);
  writeFileSync(gateCertFile, (await issueFromCaDirectory({ dir: caDir, passphrase: CA_PASSPHRASE, csrPem: gateCsr.csrPem, validityDays: 365, nowMs: NOW_MS })).certificatePem);
  await publishCrlFromCaDirectory({ dir: caDir, passphrase: CA_PASSPHRASE, nextUpdateDays: 7, nowMs: NOW_MS });
}, 60_000);

afterAll(() => {
  dir.remove();
});

it('seals to a verified certificate; the device opens it and derives what the store derives', async () => {
  const store = join(dir.path, 'masters.json');
  expect((await keys(['init', '--store', store, '--environment', 'test', '--scrypt-cost-log2', '10'])).code).toBe(0);
  for (const [app, keyNo] of [['transit', '2'], ['transit', '3'], ['identity', '1']] as const) {
    expect((await keys(['master', 'add', '--store', store, '--app', app, '--key-no', keyNo, '--type', 'aes128'])).code).toBe(0);
  }
  const out = join(dir.path, 'bus.bundle');
  const base = ['bundle', 'export', '--store', store, '--role', 'bus-validator', '--device-id', 'hn-bus-0042-v1', '--ca-dir', caDir];
  const wrongRole = await keys([...base, '--cert', gateCertFile, '--out', out]);
  expect(wrongRole).toMatchObject({ code: 1, stderr: "error: this bundle role needs a 'validator' certificate\n" });
  const wrongDevice = await keys(['bundle', 'export', '--store', store, '--role', 'bus-validator', '--device-id', 'hn-bus-0043-v1', '--ca-dir', caDir, '--cert', busCertFile, '--out', out]);
  expect(wrongDevice).toMatchObject({ code: 1, stderr: 'error: the device certificate names another device\n' });
  expect((await keys([...base, '--cert', busCertFile, '--out', out])).code).toBe(0);

  const opened = openPayloadFromCertificate({ privateKeyPem: busCsr.privateKeyPem, sealed: readFileSync(out) });
  expect(opened.deviceId).toBe('hn-bus-0042-v1');
  const sam = Sam.fromBundle({ bundle: opened.payload });
  const onDevice = sam.deriveCardKey({ application: 'transit', keyNo: 2, uid: fromHex(UID_HEX), version: 'active', principal: 'hn-bus-0042-v1', purpose: 'tap' });
  const derived = await keys(['derive', '--store', store, '--app', 'transit', '--key-no', '2', '--uid', UID_HEX, '--json']);
  expect(toHex(onDevice.key)).toBe((JSON.parse(derived.stdout) as { keyHex: string }).keyHex);
}, 60_000);
