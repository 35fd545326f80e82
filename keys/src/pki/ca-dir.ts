/**
 * A CA on disk. Layout of DIR (mode 0700):
 *   ca.cert.pem   CA certificate
 *   ca.key.pem    CA private key, PKCS#8 encrypted under a passphrase (rsa-keys.ts), mode 0600
 *   ca.crl.pem    last CRL published (absent until `crl publish`)
 *   index.json    every issued certificate: serial, device id, role, validity, revocation (ca-index.ts)
 *   certs/<serial>.pem  copy of each issued certificate
 *   .lock         present while an operation changes the directory
 * Every write is atomic (../fs/atomic-file.ts); operations that change the
 * directory hold the lock, so two operators cannot interleave.
 */
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createRootCa, type CaCredentials } from './ca.js';
import { emptyCaIndex, parseCaIndex, serializeCaIndex, CA_INDEX_CERTIFICATE_COUNT_MAX, type CaIndex, type CaIndexEntry } from './ca-index.js';
import { issueCrl, type RevocationReason } from './crl.js';
import { verifyCrl } from './crl-verify.js';
import { PkiError } from './errors.js';
import { issueDeviceCertificate, type IssuedCertificate } from './issue.js';
import { isErrnoException, writeFileAtomic } from '../fs/atomic-file.js';
import { checkPassphrase, decryptPrivateKeyPem, encryptPrivateKeyPem } from './rsa-keys.js';
import { normalizeSerialHex, randomSerialHex } from './serial.js';
import { CRL_NEXT_UPDATE_DAYS_MAX, MS_PER_DAY, checkDays, checkNowMs } from './validity.js';
import { verifyDeviceCertificate, type DeviceVerification } from './verify.js';

export const CA_DIR_FILES = {
  certificate: 'ca.cert.pem',
  privateKey: 'ca.key.pem',
  crl: 'ca.crl.pem',
  index: 'index.json',
  certificates: 'certs',
  lock: '.lock',
} as const;
const DIR_MODE = 0o700;
const SECRET_FILE_MODE = 0o600;
const PUBLIC_FILE_MODE = 0o644;
/** With 126 random bits a collision is never expected; the bound keeps a broken RNG from looping. */
const SERIAL_ATTEMPT_COUNT_MAX = 4;

async function readText(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) throw new PkiError('ca_dir_invalid', `not a CA directory: ${name} is missing`);
    throw error;
  }
}

async function withLock<T>(dir: string, operation: () => Promise<T>): Promise<T> {
  const lockPath = join(dir, CA_DIR_FILES.lock);
  let handle;
  try {
    handle = await open(lockPath, 'wx', SECRET_FILE_MODE);
  } catch (error) {
    if (isErrnoException(error, 'EEXIST')) {
      throw new PkiError('ca_dir_locked', `CA directory is busy (${CA_DIR_FILES.lock} exists; remove it only if no operation is running)`);
    }
    if (isErrnoException(error, 'ENOENT')) throw new PkiError('ca_dir_invalid', 'CA directory does not exist');
    throw error;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    return await operation();
  } finally {
    await handle.close();
    await unlink(lockPath);
  }
}

async function loadIssuer(dir: string, passphrase: string): Promise<CaCredentials> {
  const certificatePem = await readText(dir, CA_DIR_FILES.certificate);
  const encryptedPem = await readText(dir, CA_DIR_FILES.privateKey);
  return { certificatePem, privateKeyPem: decryptPrivateKeyPem({ encryptedPem, passphrase }) };
}

export async function readCaIndex(dir: string): Promise<CaIndex> {
  return parseCaIndex(await readText(dir, CA_DIR_FILES.index));
}

async function writeIndex(dir: string, index: CaIndex): Promise<void> {
  await writeFileAtomic(join(dir, CA_DIR_FILES.index), serializeCaIndex(index), { fileMode: PUBLIC_FILE_MODE, ifExists: 'replace' });
}

/** Creates DIR with a new root CA. DIR must not exist or be empty. */
export async function initCaDirectory(input: {
  dir: string;
  commonName: string;
  validityDays: number;
  nowMs: number;
  passphrase: string;
}): Promise<{ certificatePem: string }> {
  checkPassphrase(input.passphrase);
  await mkdir(input.dir, { recursive: true, mode: DIR_MODE });
  if ((await readdir(input.dir)).length > 0) throw new PkiError('ca_dir_exists', 'CA directory is not empty');
  return withLock(input.dir, async () => {
    const ca = createRootCa({ commonName: input.commonName, validityDays: input.validityDays, nowMs: input.nowMs });
    const encryptedPem = encryptPrivateKeyPem({ privateKeyPem: ca.privateKeyPem, passphrase: input.passphrase });
    await mkdir(join(input.dir, CA_DIR_FILES.certificates), { mode: DIR_MODE });
    await writeFileAtomic(join(input.dir, CA_DIR_FILES.privateKey), encryptedPem, { fileMode: SECRET_FILE_MODE, ifExists: 'fail' });
    await writeFileAtomic(join(input.dir, CA_DIR_FILES.certificate), ca.certificatePem, { fileMode: PUBLIC_FILE_MODE, ifExists: 'fail' });
    await writeIndex(input.dir, emptyCaIndex());
    return { certificatePem: ca.certificatePem };
  });
}

/** Issues a device certificate from a request and records it. */
export async function issueFromCaDirectory(input: {
  dir: string;
  passphrase: string;
  csrPem: string;
  validityDays: number;
  nowMs: number;
}): Promise<IssuedCertificate> {
  return withLock(input.dir, async () => {
    const index = await readCaIndex(input.dir);
    if (index.certificates.length >= CA_INDEX_CERTIFICATE_COUNT_MAX) throw new PkiError('index_full', 'CA index is full');
    const used = new Set(index.certificates.map((c) => c.serialHex));
    let serialHex = randomSerialHex();
    for (let attempt = 1; used.has(serialHex); attempt++) {
      if (attempt >= SERIAL_ATTEMPT_COUNT_MAX) throw new PkiError('serial_collision', 'could not draw an unused serial number');
      serialHex = randomSerialHex();
    }
    const issuer = await loadIssuer(input.dir, input.passphrase);
    const issued = issueDeviceCertificate({ issuer, csrPem: input.csrPem, validityDays: input.validityDays, nowMs: input.nowMs, serialHex });
    const certPath = join(input.dir, CA_DIR_FILES.certificates, `${serialHex}.pem`);
    await writeFileAtomic(certPath, issued.certificatePem, { fileMode: PUBLIC_FILE_MODE, ifExists: 'fail' });
    const { identity } = issued;
    const entry: CaIndexEntry = {
      serialHex,
      deviceId: identity.deviceId,
      role: identity.role,
      issuedAtMs: input.nowMs,
      notBeforeMs: identity.notBeforeMs,
      notAfterMs: identity.notAfterMs,
      revocation: null,
    };
    await writeIndex(input.dir, { ...index, certificates: [...index.certificates, entry] });
    return issued;
  });
}

/** Marks a certificate revoked in the index. It reaches relying parties with the next `publishCrl`. */
export async function revokeInCaDirectory(input: { dir: string; serialHex: string; reason: RevocationReason; nowMs: number }): Promise<CaIndexEntry> {
  const serialHex = normalizeSerialHex(input.serialHex);
  if (serialHex === null) throw new PkiError('serial_unknown', 'serial must be a positive hex number');
  return withLock(input.dir, async () => {
    const index = await readCaIndex(input.dir);
    const entry = index.certificates.find((c) => c.serialHex === serialHex);
    if (entry === undefined) throw new PkiError('serial_unknown', 'this CA did not issue that serial');
    if (entry.revocation !== null) throw new PkiError('already_revoked', 'certificate is already revoked');
    const revoked: CaIndexEntry = { ...entry, revocation: { revokedAtMs: checkNowMs(input.nowMs), reason: input.reason } };
    await writeIndex(input.dir, { ...index, certificates: index.certificates.map((c) => (c === entry ? revoked : c)) });
    return revoked;
  });
}

/** Signs and writes a new CRL (number = last + 1) listing every revoked certificate not yet expired. */
export async function publishCrlFromCaDirectory(input: {
  dir: string;
  passphrase: string;
  nextUpdateDays: number;
  nowMs: number;
}): Promise<{ crlNumber: number; revokedCount: number; nextUpdateMs: number }> {
  const nextUpdateDays = checkDays(input.nextUpdateDays, CRL_NEXT_UPDATE_DAYS_MAX, 'nextUpdateDays');
  return withLock(input.dir, async () => {
    const index = await readCaIndex(input.dir);
    const issuer = await loadIssuer(input.dir, input.passphrase);
    const thisUpdateMs = checkNowMs(input.nowMs);
    const nextUpdateMs = thisUpdateMs + nextUpdateDays * MS_PER_DAY;
    // RFC 5280 §3.3: an entry may leave the CRL once the certificate has expired.
    const revoked = index.certificates.flatMap((c) =>
      c.revocation !== null && c.notAfterMs >= thisUpdateMs ? [{ serialHex: c.serialHex, ...c.revocation }] : [],
    );
    const crlNumber = index.crlNumber + 1;
    const crlPem = issueCrl({ issuer, revoked, crlNumber: BigInt(crlNumber), thisUpdateMs, nextUpdateMs });
    await writeFileAtomic(join(input.dir, CA_DIR_FILES.crl), crlPem, { fileMode: PUBLIC_FILE_MODE, ifExists: 'replace' });
    await writeIndex(input.dir, { ...index, crlNumber });
    return { crlNumber, revokedCount: revoked.length, nextUpdateMs };
  });
}

/** Verifies a device certificate against this CA and its published CRL, which must exist. */
export async function verifyWithCaDirectory(input: { dir: string; certificatePem: string; nowMs: number }): Promise<DeviceVerification> {
  const rootCertificatePem = await readText(input.dir, CA_DIR_FILES.certificate);
  let crlPem: string;
  try {
    crlPem = await readFile(join(input.dir, CA_DIR_FILES.crl), 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return { ok: false, code: 'crl_missing', message: 'no CRL published yet: run `crl publish`' };
    throw error;
  }
  try {
    const crl = verifyCrl({ crlPem, issuerCertificatePem: rootCertificatePem, nowMs: input.nowMs });
    const trust = { rootCertificatePem, intermediateCertificatePems: [] };
    return verifyDeviceCertificate({ certificatePem: input.certificatePem, trust, crl, nowMs: input.nowMs });
  } catch (error) {
    if (error instanceof PkiError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
