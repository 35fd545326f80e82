import { readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CA_DIR_FILES, initCaDirectory, issueFromCaDirectory, publishCrlFromCaDirectory, readCaIndex, revokeInCaDirectory, verifyWithCaDirectory } from './ca-dir.js';
import { PkiError } from './errors.js';
import { DAY_MS, scratchDir, testDevice } from './fixtures.test-util.js';

const scratch = scratchDir('onecard-ca-dir-');
const dir = join(scratch.path, 'ca');
const passphrase = 'test passphrase for the CA';
const nowMs = Date.now();
afterAll(() => {
  scratch.remove();
});

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'ok';
  } catch (error) {
    if (error instanceof PkiError) return error.code;
    throw error;
  }
}

describe('CA directory', () => {
  const device = testDevice('pos', 'canteen-pos-3');
  let revokedSerial = '';
  let keptSerial = '';

  it('initialises the layout with an encrypted key readable only by the owner', async () => {
    await initCaDirectory({ dir, commonName: 'OneCard Test CA', validityDays: 3650, nowMs, passphrase });
    expect(readdirSync(dir).sort()).toEqual([CA_DIR_FILES.certificate, CA_DIR_FILES.privateKey, CA_DIR_FILES.certificates, CA_DIR_FILES.index].sort());
    expect(readFileSync(join(dir, CA_DIR_FILES.privateKey), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(statSync(join(dir, CA_DIR_FILES.privateKey)).mode & 0o777).toBe(0o600);
    expect(await readCaIndex(dir)).toEqual({ formatVersion: 1, crlNumber: 0, certificates: [] });
    expect(await codeOf(() => initCaDirectory({ dir, commonName: 'Again', validityDays: 10, nowMs, passphrase }))).toBe('ca_dir_exists');
  });

  it('issues and records certificates; refuses a wrong passphrase', async () => {
    expect(await codeOf(() => issueFromCaDirectory({ dir, passphrase: 'not the passphrase', csrPem: device.csrPem, validityDays: 30, nowMs }))).toBe('passphrase_invalid');
    const first = await issueFromCaDirectory({ dir, passphrase, csrPem: device.csrPem, validityDays: 30, nowMs });
    const second = await issueFromCaDirectory({ dir, passphrase, csrPem: device.csrPem, validityDays: 30, nowMs });
    revokedSerial = first.identity.serialHex;
    keptSerial = second.identity.serialHex;
    const index = await readCaIndex(dir);
    expect(index.certificates.map((c) => c.serialHex)).toEqual([revokedSerial, keptSerial]);
    expect(index.certificates[0]).toMatchObject({ deviceId: 'canteen-pos-3', role: 'pos', notAfterMs: first.identity.notAfterMs, revocation: null });
    expect(readFileSync(join(dir, CA_DIR_FILES.certificates, `${revokedSerial}.pem`), 'utf8')).toBe(first.certificatePem);
  });

  it('revokes by serial, once, and only serials it issued', async () => {
    const entry = await revokeInCaDirectory({ dir, serialHex: revokedSerial.toUpperCase(), reason: 'keyCompromise', nowMs });
    expect(entry.revocation).toEqual({ revokedAtMs: nowMs, reason: 'keyCompromise' });
    expect(await codeOf(() => revokeInCaDirectory({ dir, serialHex: revokedSerial, reason: 'superseded', nowMs }))).toBe('already_revoked');
    expect(await codeOf(() => revokeInCaDirectory({ dir, serialHex: '7abc', reason: 'superseded', nowMs }))).toBe('serial_unknown');
    expect(await codeOf(() => revokeInCaDirectory({ dir, serialHex: 'zz', reason: 'superseded', nowMs }))).toBe('serial_unknown');
  });

  it('needs a published CRL to verify, then refuses the revoked certificate', async () => {
    const pem = (serial: string): string => readFileSync(join(dir, CA_DIR_FILES.certificates, `${serial}.pem`), 'utf8');
    const before = await verifyWithCaDirectory({ dir, certificatePem: pem(keptSerial), nowMs });
    expect(before.ok ? 'ok' : before.code).toBe('crl_missing');
    const published = await publishCrlFromCaDirectory({ dir, passphrase, nextUpdateDays: 7, nowMs });
    expect(published).toEqual({ crlNumber: 1, revokedCount: 1, nextUpdateMs: nowMs + 7 * DAY_MS });
    expect((await publishCrlFromCaDirectory({ dir, passphrase, nextUpdateDays: 7, nowMs })).crlNumber).toBe(2);
    const kept = await verifyWithCaDirectory({ dir, certificatePem: pem(keptSerial), nowMs });
    expect(kept.ok ? kept.identity.serialHex : kept.code).toBe(keptSerial);
    const revoked = await verifyWithCaDirectory({ dir, certificatePem: pem(revokedSerial), nowMs });
    expect(revoked.ok ? 'ok' : revoked.code).toBe('certificate_revoked');
    const late = await verifyWithCaDirectory({ dir, certificatePem: pem(keptSerial), nowMs: nowMs + 8 * DAY_MS });
    expect(late.ok ? 'ok' : late.code).toBe('crl_expired');
  });

  it('refuses concurrent operations while locked and leaves no temporary files', async () => {
    writeFileSync(join(dir, CA_DIR_FILES.lock), '1\n');
    expect(await codeOf(() => publishCrlFromCaDirectory({ dir, passphrase, nextUpdateDays: 7, nowMs }))).toBe('ca_dir_locked');
    unlinkSync(join(dir, CA_DIR_FILES.lock));
    const leftovers = [...readdirSync(dir), ...readdirSync(join(dir, CA_DIR_FILES.certificates))].filter((name) => name.endsWith('.tmp') || name === CA_DIR_FILES.lock);
    expect(leftovers).toEqual([]);
  });

  it('rejects a damaged index and a directory that is not a CA', async () => {
    expect(await codeOf(() => readCaIndex(scratch.path))).toBe('ca_dir_invalid');
    const copy = join(scratch.path, 'bad');
    await initCaDirectory({ dir: copy, commonName: 'Bad', validityDays: 10, nowMs, passphrase });
    writeFileSync(join(copy, CA_DIR_FILES.index), '{"formatVersion":1,"crlNumber":-1,"certificates":[]}');
    expect(await codeOf(() => readCaIndex(copy))).toBe('ca_dir_invalid');
  });
});
