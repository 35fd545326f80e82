import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../signing/ed25519.js';
import { createDeviceCsr, deviceSubject, parseDeviceCsr, rsaSpkiDer } from './csr.js';
import { identityExtension, journalKeyExtension, possessionExtension } from './device-extensions.js';
import { PkiError } from './errors.js';
import { scratchDir, testDevice } from './fixtures.test-util.js';
import { OID_ONECARD_DEVICE_IDENTITY, OID_ONECARD_JOURNAL_KEY } from './oids.js';
import { hasOpenssl } from './openssl.test-util.js';
import { generateRsaKeyPair } from './rsa-keys.js';
import type { DeviceRole } from './roles.js';

const device = testDevice('validator', 'hn-bus-0042-v1');
const scratch = scratchDir('onecard-csr-');
afterAll(() => {
  scratch.remove();
});

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof PkiError) return error.code;
    throw error;
  }
  return 'no error';
}

/** A request built by hand so tests can lie in one field at a time. */
function handmadeCsr(options: { subjectRole: DeviceRole; identityRole: DeviceRole; proofSignedByOtherKey: boolean }): string {
  const keys = generateRsaKeyPair({ modulusLengthBits: 2048 });
  const journal = generateEd25519KeyPair();
  const prover = options.proofSignedByOtherKey ? generateEd25519KeyPair() : journal;
  const csr = forge.pki.createCertificationRequest();
  const publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.publicKey = publicKey;
  csr.setSubject(deviceSubject(options.subjectRole, 'dev-1'));
  csr.setAttributes([
    {
      name: 'extensionRequest',
      extensions: [
        identityExtension(options.identityRole, 'dev-1'),
        journalKeyExtension(journal.publicKey),
        possessionExtension({ role: options.identityRole, deviceId: 'dev-1', rsaSpkiDer: rsaSpkiDer(publicKey), journalSecretKey: prover.secretKey }),
      ],
    },
  ]);
  csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

describe('device CSR', () => {
  it('carries role, device id and the Ed25519 journal key, with proof of possession', () => {
    const contents = parseDeviceCsr(device.csrPem);
    expect(contents.role).toBe('validator');
    expect(contents.deviceId).toBe('hn-bus-0042-v1');
    expect(contents.journalPublicKey).toEqual(device.journalKeyPair.publicKey);
    expect(contents.publicKey.n.bitLength()).toBe(2048);
  });

  it.skipIf(!hasOpenssl())('is a valid PKCS#10 request for the openssl CLI, extensions included', () => {
    const path = scratch.file('device.csr', device.csrPem);
    const text = execFileSync('openssl', ['req', '-in', path, '-verify', '-noout', '-text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(text).toContain('CN = hn-bus-0042-v1');
    expect(text).toContain(OID_ONECARD_DEVICE_IDENTITY);
    expect(text).toContain(OID_ONECARD_JOURNAL_KEY);
  });

  it('refuses a possession proof made with another key', () => {
    expect(codeOf(() => parseDeviceCsr(handmadeCsr({ subjectRole: 'pos', identityRole: 'pos', proofSignedByOtherKey: true })))).toBe('csr_invalid');
    expect(codeOf(() => parseDeviceCsr(handmadeCsr({ subjectRole: 'pos', identityRole: 'pos', proofSignedByOtherKey: false })))).toBe('no error');
  });

  it('refuses a subject that disagrees with the identity extension', () => {
    expect(codeOf(() => parseDeviceCsr(handmadeCsr({ subjectRole: 'pos', identityRole: 'clearing-house', proofSignedByOtherKey: false })))).toBe('csr_invalid');
  });

  it('refuses a request whose signature was tampered with, and garbage', () => {
    const der = Buffer.from(forge.pem.decode(device.csrPem)[0]?.body ?? '', 'binary');
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01;
    const tampered = forge.pem.encode({ type: 'CERTIFICATE REQUEST', body: der.toString('binary') });
    expect(codeOf(() => parseDeviceCsr(tampered))).toBe('csr_invalid');
    expect(codeOf(() => parseDeviceCsr('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'))).toBe('csr_invalid');
  });

  it('refuses malformed device ids', () => {
    const journalKeyPair = generateEd25519KeyPair();
    expect(codeOf(() => createDeviceCsr({ role: 'pos', deviceId: 'has space', journalKeyPair }))).toBe('identity_invalid');
    expect(codeOf(() => createDeviceCsr({ role: 'pos', deviceId: 'x'.repeat(65), journalKeyPair }))).toBe('identity_invalid');
  });
});
