import { readFileSync } from 'node:fs';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { Ed25519BulkVerifier, ed25519PublicKeyToSpkiDer } from './bulk-verifier.js';
import { ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify, generateEd25519KeyPair, isCanonicalScalar } from './ed25519.js';

interface Rfc8032Vector {
  id: string;
  secretKeyHex: string;
  publicKeyHex: string;
  messageHex: string;
  signatureHex: string;
}
const VECTORS = (
  JSON.parse(readFileSync(new URL('./vectors/rfc8032-ed25519.json', import.meta.url), 'utf8')) as { vectors: Rfc8032Vector[] }
).vectors;

/** L little-endian (RFC 8032 §5.1), added to S to build a malleated signature. */
const L_LE = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

function addL(signature: Uint8Array): Uint8Array {
  const out = Uint8Array.from(signature);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = (out[32 + i] ?? 0) + (L_LE[i] ?? 0) + carry;
    out[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

describe('Ed25519 against RFC 8032 §7.1', () => {
  it('has the five vectors, TEST 1024 with a 1023-byte message', () => {
    expect(VECTORS.map((v) => v.id)).toEqual([
      'rfc8032-7.1-test-1',
      'rfc8032-7.1-test-2',
      'rfc8032-7.1-test-3',
      'rfc8032-7.1-test-1024',
      'rfc8032-7.1-test-sha-abc',
    ]);
    expect(fromHex(VECTORS[3]?.messageHex ?? '').length).toBe(1023);
  });

  const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 8 });
  for (const v of VECTORS) {
    it(`${v.id}: public key, signature and both verifiers`, () => {
      const pair = ed25519KeyPairFromSeed(fromHex(v.secretKeyHex));
      expect(toHex(pair.publicKey)).toBe(v.publicKeyHex);
      const message = fromHex(v.messageHex);
      const signature = ed25519Sign({ message, secretKey: pair.secretKey });
      expect(toHex(signature)).toBe(v.signatureHex);
      const expected = fromHex(v.signatureHex);
      expect(ed25519Verify({ message, signature: expected, publicKey: pair.publicKey })).toBe(true);
      expect(verifier.verify({ keyId: v.id, publicKey: pair.publicKey, message, signature: expected })).toBe(true);
      const flipped = Uint8Array.from(expected);
      flipped[0] = (flipped[0] ?? 0) ^ 0x01;
      expect(ed25519Verify({ message, signature: flipped, publicKey: pair.publicKey })).toBe(false);
      expect(verifier.verify({ keyId: v.id, publicKey: pair.publicKey, message, signature: flipped })).toBe(false);
    });
  }

  it('rejects a malleated signature (S + L) in both verifiers, which raw tweetnacl accepts', () => {
    const v = VECTORS[0];
    if (v === undefined) throw new Error('missing vector');
    const publicKey = fromHex(v.publicKeyHex);
    const message = fromHex(v.messageHex);
    const malleated = addL(fromHex(v.signatureHex));
    expect(isCanonicalScalar(malleated)).toBe(false);
    expect(nacl.sign.detached.verify(message, malleated, publicKey)).toBe(true);
    expect(ed25519Verify({ message, signature: malleated, publicKey })).toBe(false);
    expect(new Ed25519BulkVerifier({ cachedKeyCountMax: 1 }).verify({ keyId: 'k', publicKey, message, signature: malleated })).toBe(false);
  });

  it('treats a signature of the wrong length as invalid, a public key of the wrong length as a bug', () => {
    const pair = generateEd25519KeyPair();
    const message = Uint8Array.of(1, 2, 3);
    const signature = ed25519Sign({ message, secretKey: pair.secretKey });
    expect(ed25519Verify({ message, signature: signature.subarray(0, 63), publicKey: pair.publicKey })).toBe(false);
    expect(() => ed25519Verify({ message, signature, publicKey: pair.publicKey.subarray(0, 31) })).toThrow(RangeError);
    expect(() => ed25519KeyPairFromSeed(new Uint8Array(31))).toThrow(RangeError);
  });

  it('wraps raw keys in the RFC 8410 SPKI', () => {
    const spki = ed25519PublicKeyToSpkiDer(fromHex(VECTORS[0]?.publicKeyHex ?? ''));
    expect(toHex(spki)).toBe(`302a300506032b6570032100${VECTORS[0]?.publicKeyHex ?? ''}`);
  });
});

describe('Ed25519BulkVerifier cache', () => {
  it('is bounded, evicts the least recently used key and never trusts a stale key id', () => {
    const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 2 });
    const [a, b, c] = [generateEd25519KeyPair(), generateEd25519KeyPair(), generateEd25519KeyPair()];
    const message = Uint8Array.of(9);
    const sign = (secretKey: Uint8Array): Uint8Array => ed25519Sign({ message, secretKey });
    expect(verifier.verify({ keyId: 'a', publicKey: a.publicKey, message, signature: sign(a.secretKey) })).toBe(true);
    expect(verifier.verify({ keyId: 'b', publicKey: b.publicKey, message, signature: sign(b.secretKey) })).toBe(true);
    expect(verifier.verify({ keyId: 'c', publicKey: c.publicKey, message, signature: sign(c.secretKey) })).toBe(true);
    expect(verifier.cachedKeyCount).toBe(2);
    // Key id 'a' now presented with b's key: b's signature verifies, a's does not.
    expect(verifier.verify({ keyId: 'a', publicKey: b.publicKey, message, signature: sign(b.secretKey) })).toBe(true);
    expect(verifier.verify({ keyId: 'a', publicKey: b.publicKey, message, signature: sign(a.secretKey) })).toBe(false);
    expect(verifier.verifyMany([
      { keyId: 'c', publicKey: c.publicKey, message, signature: sign(c.secretKey) },
      { keyId: 'c', publicKey: c.publicKey, message: Uint8Array.of(8), signature: sign(c.secretKey) },
    ])).toEqual([true, false]);
    expect(() => new Ed25519BulkVerifier({ cachedKeyCountMax: 0 })).toThrow(RangeError);
  });
});
