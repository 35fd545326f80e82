import { spawnSync } from 'node:child_process';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { createRootCa } from './ca.js';
import { issueCrl } from './crl.js';
import { verifyCrl } from './crl-verify.js';
import { PkiError } from './errors.js';
import { DAY_MS, scratchDir, testDevice, testRoot } from './fixtures.test-util.js';
import { issueDeviceCertificate } from './issue.js';
import { hasOpenssl } from './openssl.test-util.js';
import { verifyDeviceCertificate } from './verify.js';

// OpenSSL checks against the real clock, so this file works around now.
const nowMs = Math.floor(Date.now() / 1000) * 1000;
const root = testRoot(nowMs);
const sameNameRoot = testRoot(nowMs);
const otherCa = createRootCa({ commonName: 'Someone Else', validityDays: 30, nowMs: nowMs - DAY_MS });
const trust = { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [] };
const device = testDevice('encoding-station', 'school-17-enc-1');
const revokedCert = issueDeviceCertificate({ issuer: root, csrPem: device.csrPem, validityDays: 90, nowMs: nowMs - 60_000 });
const supersededCert = issueDeviceCertificate({ issuer: root, csrPem: device.csrPem, validityDays: 90, nowMs: nowMs - 60_000 });
const goodCert = issueDeviceCertificate({ issuer: root, csrPem: device.csrPem, validityDays: 90, nowMs: nowMs - 60_000 });
const crlPem = issueCrl({
  issuer: root,
  revoked: [
    { serialHex: revokedCert.identity.serialHex, revokedAtMs: nowMs - 30_000, reason: 'keyCompromise' },
    { serialHex: supersededCert.identity.serialHex, revokedAtMs: nowMs - 20_000, reason: 'unspecified' },
  ],
  crlNumber: 7n,
  thisUpdateMs: nowMs - 10_000,
  nextUpdateMs: nowMs + 7 * DAY_MS,
});
const scratch = scratchDir('onecard-crl-');
afterAll(() => {
  scratch.remove();
});

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof PkiError) return error.code;
    throw error;
  }
}

describe('CRL issue and verify', () => {
  it('lists revoked serials with dates, reasons and the CRL number', () => {
    const crl = verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs });
    expect(crl.crlNumber).toBe(7n);
    expect(crl.nextUpdateMs).toBe(nowMs + 7 * DAY_MS);
    expect(crl.revoked.get(revokedCert.identity.serialHex)).toEqual({ revokedAtMs: nowMs - 30_000, reason: 'keyCompromise' });
    expect(crl.revoked.get(supersededCert.identity.serialHex)?.reason).toBe('unspecified');
    expect(crl.revoked.has(goodCert.identity.serialHex)).toBe(false);
  });

  it('makes verifyDeviceCertificate refuse revoked serials only', () => {
    const crl = verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs });
    const verify = (certificatePem: string): string => {
      const result = verifyDeviceCertificate({ certificatePem, trust, crl, nowMs });
      return result.ok ? 'ok' : result.code;
    };
    expect(verify(revokedCert.certificatePem)).toBe('certificate_revoked');
    expect(verify(supersededCert.certificatePem)).toBe('certificate_revoked');
    expect(verify(goodCert.certificatePem)).toBe('ok');
    const stale = verifyDeviceCertificate({ certificatePem: goodCert.certificatePem, trust, crl, nowMs: nowMs + 8 * DAY_MS });
    expect(stale.ok ? 'ok' : stale.code).toBe('crl_expired');
  });

  it('refuses a CRL past nextUpdate or before thisUpdate, from another CA, or tampered', () => {
    expect(codeOf(() => verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs: nowMs + 8 * DAY_MS }))).toBe('crl_expired');
    expect(codeOf(() => verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs: nowMs - DAY_MS }))).toBe('crl_not_yet_valid');
    expect(codeOf(() => verifyCrl({ crlPem, issuerCertificatePem: otherCa.certificatePem, nowMs }))).toBe('crl_issuer_mismatch');
    // Same name, other key: only the signature tells them apart.
    expect(codeOf(() => verifyCrl({ crlPem, issuerCertificatePem: sameNameRoot.certificatePem, nowMs }))).toBe('crl_signature_invalid');
    const der = Buffer.from(forge.pem.decode(crlPem)[0]?.body ?? '', 'binary');
    const tamperedSignature = Buffer.from(der);
    tamperedSignature[der.length - 3] = (tamperedSignature[der.length - 3] ?? 0) ^ 0x01;
    const pem = (body: Buffer): string => forge.pem.encode({ type: 'X509 CRL', body: body.toString('binary') });
    expect(codeOf(() => verifyCrl({ crlPem: pem(tamperedSignature), issuerCertificatePem: root.certificatePem, nowMs }))).toBe('crl_signature_invalid');
    // Change one byte of a revoked serial inside tbsCertList.
    const serialAt = der.indexOf(Buffer.from(revokedCert.identity.serialHex, 'hex'));
    const tamperedEntry = Buffer.from(der);
    tamperedEntry[serialAt + 5] = (tamperedEntry[serialAt + 5] ?? 0) ^ 0x01;
    expect(codeOf(() => verifyCrl({ crlPem: pem(tamperedEntry), issuerCertificatePem: root.certificatePem, nowMs }))).toBe('crl_signature_invalid');
    expect(codeOf(() => verifyCrl({ crlPem: pem(der.subarray(0, der.length - 1)), issuerCertificatePem: root.certificatePem, nowMs }))).toBe('crl_corrupt');
    expect(codeOf(() => verifyCrl({ crlPem: root.certificatePem, issuerCertificatePem: root.certificatePem, nowMs }))).toBe('crl_corrupt');
  });

  it('omits revokedCertificates when empty and uses GeneralizedTime from 2050', () => {
    const at2051 = Date.UTC(2051, 0, 1);
    const farRoot = testRoot(at2051);
    const empty = issueCrl({ issuer: farRoot, revoked: [], crlNumber: 1n, thisUpdateMs: at2051, nextUpdateMs: at2051 + DAY_MS });
    const crl = verifyCrl({ crlPem: empty, issuerCertificatePem: farRoot.certificatePem, nowMs: at2051 });
    expect(crl.revoked.size).toBe(0);
    expect(crl.thisUpdateMs).toBe(at2051);
    const tbs = forge.asn1.fromDer(forge.pem.decode(empty)[0]?.body ?? '');
    const fields = ((tbs.value as forge.asn1.Asn1[])[0]?.value ?? []) as forge.asn1.Asn1[];
    expect(fields.map((f) => f.type)).toEqual([
      forge.asn1.Type.INTEGER,
      forge.asn1.Type.SEQUENCE,
      forge.asn1.Type.SEQUENCE,
      forge.asn1.Type.GENERALIZEDTIME,
      forge.asn1.Type.GENERALIZEDTIME,
      0, // [0] crlExtensions, no revokedCertificates
    ]);
  });
});

describe.skipIf(!hasOpenssl())('CRL cross-checked with the openssl CLI', () => {
  const caPath = scratch.file('ca.pem', root.certificatePem);
  const crlPath = scratch.file('crl.pem', crlPem);
  const openssl = (args: string[]): { status: number | null; out: string } => {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  };

  it('verifies the CRL signature and reads the v2 fields', () => {
    const checked = openssl(['crl', '-in', crlPath, '-CAfile', caPath, '-noout']);
    expect(checked.status).toBe(0);
    expect(checked.out).toContain('verify OK');
    const text = openssl(['crl', '-in', crlPath, '-noout', '-text']).out;
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toContain('X509v3 CRL Number');
    expect(text).toMatch(/CRL Number:\s*\n\s*7/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain('Key Compromise');
    expect(text.toUpperCase()).toContain(revokedCert.identity.serialHex.toUpperCase());
  });

  it('makes `openssl verify -crl_check` reject the revoked certificate and accept the good one', () => {
    const revokedPath = scratch.file('revoked.pem', revokedCert.certificatePem);
    const goodPath = scratch.file('good.pem', goodCert.certificatePem);
    const revoked = openssl(['verify', '-crl_check', '-CAfile', caPath, '-CRLfile', crlPath, revokedPath]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.out).toContain('certificate revoked');
    const good = openssl(['verify', '-crl_check', '-CAfile', caPath, '-CRLfile', crlPath, goodPath]);
    expect(good.out.trim()).toBe(`${goodPath}: OK`);
    expect(good.status).toBe(0);
  });
});
