import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { createIntermediateCa } from './ca.js';
import { PkiError } from './errors.js';
import { DAY_MS, T0_MS, scratchDir, testDevice, testRoot } from './fixtures.test-util.js';
import { issueDeviceCertificate } from './issue.js';
import { hasOpenssl } from './openssl.test-util.js';
import { verifyDeviceCertificate, type DeviceTrust } from './verify.js';

const root = testRoot();
const otherRoot = testRoot();
const trust: DeviceTrust = { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [] };
const validator = testDevice('validator', 'hn-bus-0042-v1');
const loginServer = testDevice('login-server', 'hcm-login-01');
const issued = issueDeviceCertificate({ issuer: root, csrPem: validator.csrPem, validityDays: 365, nowMs: T0_MS });
const scratch = scratchDir('onecard-verify-');
afterAll(() => {
  scratch.remove();
});

function failureCode(result: ReturnType<typeof verifyDeviceCertificate>): string {
  return result.ok ? 'ok' : result.code;
}

describe('issueDeviceCertificate', () => {
  it('certifies role, device id and the journal key for validityDays from nowMs', () => {
    expect(issued.identity.role).toBe('validator');
    expect(issued.identity.deviceId).toBe('hn-bus-0042-v1');
    expect(issued.identity.journalPublicKey).toEqual(validator.journalKeyPair.publicKey);
    expect(issued.identity.notBeforeMs).toBe(T0_MS);
    expect(issued.identity.notAfterMs - issued.identity.notBeforeMs).toBe(365 * DAY_MS);
  });

  it('uses unique random 16-byte positive serials', () => {
    const serials = new Set<string>();
    for (let i = 0; i < 8; i++) {
      serials.add(issueDeviceCertificate({ issuer: root, csrPem: validator.csrPem, validityDays: 30, nowMs: T0_MS }).identity.serialHex);
    }
    expect(serials.size).toBe(8);
    for (const serial of serials) expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
  });

  it('sets the end-entity profile: CA false, critical key usage, role-dependent EKU', () => {
    const cert = forge.pki.certificateFromPem(issued.certificatePem);
    expect(cert.getExtension('basicConstraints')).toMatchObject({ cA: false, critical: true });
    expect(cert.getExtension('keyUsage')).toMatchObject({ digitalSignature: true, keyEncipherment: true, keyCertSign: false, critical: true });
    expect(cert.getExtension('extKeyUsage')).toMatchObject({ clientAuth: true });
    expect(cert.getExtension('extKeyUsage')).not.toMatchObject({ serverAuth: true });
    const server = issueDeviceCertificate({ issuer: root, csrPem: loginServer.csrPem, validityDays: 30, nowMs: T0_MS });
    expect(forge.pki.certificateFromPem(server.certificatePem).getExtension('extKeyUsage')).toMatchObject({ serverAuth: true, clientAuth: true });
  });

  it('refuses validity beyond the issuer, zero days or more than the maximum', () => {
    const codeOf = (validityDays: number): string => {
      try {
        issueDeviceCertificate({ issuer: root, csrPem: validator.csrPem, validityDays, nowMs: T0_MS + 3000 * DAY_MS });
        return 'ok';
      } catch (error) {
        return error instanceof PkiError ? error.code : 'other';
      }
    };
    expect(codeOf(1000)).toBe('validity_invalid');
    expect(codeOf(0)).toBe('validity_invalid');
    expect(codeOf(1.5)).toBe('validity_invalid');
    expect(codeOf(10_000)).toBe('validity_invalid');
    expect(codeOf(30)).toBe('ok');
  });

  it.skipIf(!hasOpenssl())('is accepted by `openssl verify` against the root', () => {
    const caPath = scratch.file('root.pem', root.certificatePem);
    const certPath = scratch.file('device.pem', issued.certificatePem);
    const out = execFileSync('openssl', ['verify', '-attime', String(T0_MS / 1000 + 60), '-CAfile', caPath, certPath], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${certPath}: OK`);
  });
});

describe('verifyDeviceCertificate', () => {
  it('returns the identity for a valid certificate at a time within its validity', () => {
    const result = verifyDeviceCertificate({ certificatePem: issued.certificatePem, trust, crl: null, nowMs: T0_MS + DAY_MS });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.identity).toEqual(issued.identity);
  });

  it('checks expiry and not-yet-valid against nowMs', () => {
    const at = (nowMs: number): string => failureCode(verifyDeviceCertificate({ certificatePem: issued.certificatePem, trust, crl: null, nowMs }));
    expect(at(issued.identity.notAfterMs)).toBe('ok');
    expect(at(issued.identity.notAfterMs + 1000)).toBe('certificate_expired');
    expect(at(issued.identity.notBeforeMs - 1000)).toBe('certificate_not_yet_valid');
  });

  it('refuses a certificate from another root (chain_invalid) and a forged signature (signature_invalid)', () => {
    const foreign = issueDeviceCertificate({ issuer: otherRoot, csrPem: validator.csrPem, validityDays: 30, nowMs: T0_MS });
    expect(failureCode(verifyDeviceCertificate({ certificatePem: foreign.certificatePem, trust, crl: null, nowMs: T0_MS }))).toBe('chain_invalid');
    const cert = forge.pki.certificateFromPem(issued.certificatePem);
    const signature = Buffer.from(cert.signature as string, 'binary');
    signature[7] = (signature[7] ?? 0) ^ 0x01;
    cert.signature = signature.toString('binary');
    const forged = forge.pki.certificateToPem(cert);
    expect(failureCode(verifyDeviceCertificate({ certificatePem: forged, trust, crl: null, nowMs: T0_MS }))).toBe('signature_invalid');
  });

  it('refuses a CA certificate posing as a device, and garbage', () => {
    expect(failureCode(verifyDeviceCertificate({ certificatePem: root.certificatePem, trust, crl: null, nowMs: T0_MS }))).toBe('identity_invalid');
    expect(failureCode(verifyDeviceCertificate({ certificatePem: 'not a certificate', trust, crl: null, nowMs: T0_MS }))).toBe('certificate_corrupt');
  });

  it('follows an intermediate CA, and needs it', () => {
    const intermediate = createIntermediateCa({ issuer: root, commonName: 'OneCard Devices Hanoi', validityDays: 1825, nowMs: T0_MS });
    const viaIntermediate = issueDeviceCertificate({ issuer: intermediate, csrPem: validator.csrPem, validityDays: 30, nowMs: T0_MS });
    const withIntermediate = { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [intermediate.certificatePem] };
    expect(failureCode(verifyDeviceCertificate({ certificatePem: viaIntermediate.certificatePem, trust: withIntermediate, crl: null, nowMs: T0_MS }))).toBe('ok');
    expect(failureCode(verifyDeviceCertificate({ certificatePem: viaIntermediate.certificatePem, trust, crl: null, nowMs: T0_MS }))).toBe('chain_invalid');
    // Another certificate in the intermediate slot does not make a chain.
    const fakeChain = { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [issued.certificatePem] };
    expect(failureCode(verifyDeviceCertificate({ certificatePem: viaIntermediate.certificatePem, trust: fakeChain, crl: null, nowMs: T0_MS }))).toBe('chain_invalid');
  });
});
