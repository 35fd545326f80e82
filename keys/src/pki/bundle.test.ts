import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import type { KeyBundle } from './bundle-codec.js';
import { openKeyBundle, openPayloadFromCertificate, sealKeyBundle, sealPayloadToCertificate } from './bundle.js';
import { issueCrl } from './crl.js';
import { verifyCrl } from './crl-verify.js';
import { PkiError } from './errors.js';
import { DAY_MS, T0_MS, testDevice, testRoot } from './fixtures.test-util.js';
import { issueDeviceCertificate } from './issue.js';

const root = testRoot();
const trust = { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [] };
const device = testDevice('validator', 'hn-bus-0042-v1');
const stranger = testDevice('validator', 'hn-bus-0043-v1');
const cert = issueDeviceCertificate({ issuer: root, csrPem: device.csrPem, validityDays: 365, nowMs: T0_MS });
const keyBytes = [Uint8Array.from(randomBytes(16)), Uint8Array.from(randomBytes(24))];
const bundle: KeyBundle = {
  deviceId: 'hn-bus-0042-v1',
  issuedAtMs: T0_MS + 1234,
  keys: [
    { application: 'transit', keyNo: 1, version: 3, keyType: 'aes128', key: keyBytes[0] ?? new Uint8Array(16) },
    { application: 'legacy-purse', keyNo: 13, version: 0, keyType: '3tdea', key: keyBytes[1] ?? new Uint8Array(24) },
  ],
};
const check = { trust, crl: null, nowMs: T0_MS + DAY_MS };
const sealed = sealKeyBundle({ certificatePem: cert.certificatePem, bundle, certificateCheck: check });

function failure(action: () => unknown): PkiError {
  try {
    action();
  } catch (error) {
    if (error instanceof PkiError) return error;
    throw error;
  }
  throw new Error('expected a PkiError');
}

function expectNoKeyMaterial(error: PkiError): void {
  for (const key of keyBytes) {
    expect(error.message).not.toContain(toHex(key));
    expect(error.message).not.toContain(Buffer.from(key).toString('base64'));
  }
}

function mutate(field: string, edit: (value: string) => string): string {
  const json = JSON.parse(sealed) as Record<string, string>;
  json[field] = edit(json[field] ?? '');
  return JSON.stringify(json);
}

function flipBase64(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('key bundle sealed to a device certificate', () => {
  it('round-trips for the device holding the certificate key', () => {
    const opened = openKeyBundle({ privateKeyPem: device.privateKeyPem, sealed });
    expect(opened).toEqual({ ...bundle, certificateSerialHex: cert.identity.serialHex });
    expect(sealed).not.toContain(toHex(keyBytes[0] ?? new Uint8Array(0)));
  });

  it('uses a fresh content key and IV each time', () => {
    const again = sealKeyBundle({ certificatePem: cert.certificatePem, bundle, certificateCheck: check });
    const [a, b] = [JSON.parse(sealed) as Record<string, string>, JSON.parse(again) as Record<string, string>];
    expect(a['iv']).not.toBe(b['iv']);
    expect(a['wrappedKey']).not.toBe(b['wrappedKey']);
  });

  it('fails with the wrong private key', () => {
    const error = failure(() => openKeyBundle({ privateKeyPem: stranger.privateKeyPem, sealed }));
    expect(error.code).toBe('bundle_decrypt_failed');
    expectNoKeyMaterial(error);
  });

  it('fails on tampered ciphertext, tag, IV, wrapped key or AAD fields', () => {
    const cases: [string, string][] = [
      [mutate('ciphertext', flipBase64), 'bundle_decrypt_failed'],
      [mutate('tag', flipBase64), 'bundle_decrypt_failed'],
      [mutate('iv', flipBase64), 'bundle_decrypt_failed'],
      [mutate('wrappedKey', flipBase64), 'bundle_decrypt_failed'],
      [mutate('deviceId', () => 'hn-bus-0043-v1'), 'bundle_decrypt_failed'],
      [mutate('certificateSerialHex', (s) => `${s.slice(0, -1)}${s.endsWith('0') ? '1' : '0'}`), 'bundle_decrypt_failed'],
      [mutate('format', () => 'onecard/key-bundle/v2'), 'bundle_corrupt'],
      [sealed.slice(0, -2), 'bundle_corrupt'],
      ['{}', 'bundle_corrupt'],
    ];
    for (const [tampered, code] of cases) {
      const error = failure(() => openKeyBundle({ privateKeyPem: device.privateKeyPem, sealed: tampered }));
      expect(error.code).toBe(code);
      expectNoKeyMaterial(error);
    }
  });

  it('refuses to seal to an expired or revoked certificate, or for another device', () => {
    const expired = failure(() =>
      sealKeyBundle({ certificatePem: cert.certificatePem, bundle, certificateCheck: { ...check, nowMs: T0_MS + 400 * DAY_MS } }),
    );
    expect(expired.code).toBe('certificate_expired');
    const crlPem = issueCrl({
      issuer: root,
      revoked: [{ serialHex: cert.identity.serialHex, revokedAtMs: T0_MS, reason: 'keyCompromise' }],
      crlNumber: 2n,
      thisUpdateMs: T0_MS,
      nextUpdateMs: T0_MS + 7 * DAY_MS,
    });
    const crl = verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs: T0_MS + DAY_MS });
    const revoked = failure(() => sealKeyBundle({ certificatePem: cert.certificatePem, bundle, certificateCheck: { ...check, crl } }));
    expect(revoked.code).toBe('certificate_revoked');
    const mismatch = failure(() =>
      sealKeyBundle({ certificatePem: cert.certificatePem, bundle: { ...bundle, deviceId: 'hn-bus-0043-v1' }, certificateCheck: null }),
    );
    expect(mismatch.code).toBe('bundle_device_mismatch');
  });

  it('checks key lengths against the key type', () => {
    const bad: KeyBundle = { ...bundle, keys: [{ application: 'transit', keyNo: 0, version: 0, keyType: 'aes128', key: new Uint8Array(24) }] };
    expect(() => sealKeyBundle({ certificatePem: cert.certificatePem, bundle: bad, certificateCheck: null })).toThrow(RangeError);
  });
});

describe('opaque payload sealed to a device certificate', () => {
  it('round-trips and cannot be opened as a key bundle (format is in the AAD)', () => {
    const payload = Uint8Array.from(randomBytes(100));
    const sealedPayload = sealPayloadToCertificate({ certificatePem: cert.certificatePem, payload, certificateCheck: check });
    const opened = openPayloadFromCertificate({ privateKeyPem: device.privateKeyPem, sealed: sealedPayload });
    expect(opened.payload).toEqual(payload);
    expect(opened.deviceId).toBe('hn-bus-0042-v1');
    const relabelled = new TextDecoder().decode(sealedPayload).replace('onecard/sealed-payload/v1', 'onecard/key-bundle/v1');
    expect(failure(() => openKeyBundle({ privateKeyPem: device.privateKeyPem, sealed: relabelled })).code).toBe('bundle_decrypt_failed');
  });
});
