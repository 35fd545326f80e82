import { describe, expect, it } from 'vitest';
import { Ed25519BulkVerifier } from './bulk-verifier.js';
import { generateEd25519KeyPair } from './ed25519.js';
import {
  ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX,
  SIGNING_CONTEXTS,
  decodeEnvelope,
  encodeEnvelope,
  envelopeSigningInput,
  signEnvelope,
  verifyEnvelope,
  type SignedEnvelope,
} from './envelope.js';
import { SigningError } from './errors.js';

const pair = generateEd25519KeyPair();
const other = generateEd25519KeyPair();
const payload = new TextEncoder().encode('{"events":[1,2,3]}');
const batch = SIGNING_CONTEXTS.journalBatch;

function signed(): SignedEnvelope {
  return signEnvelope({ context: batch, keyId: 'validator-0042.v1', payload, secretKey: pair.secretKey });
}

describe('SignedEnvelope', () => {
  it('round-trips through the wire encoding and verifies with tweetnacl and node:crypto', () => {
    const envelope = decodeEnvelope(encodeEnvelope(signed()));
    expect(envelope.keyId).toBe('validator-0042.v1');
    expect(envelope.payload).toEqual(payload);
    expect(verifyEnvelope({ envelope, context: batch, publicKey: pair.publicKey })).toBe(true);
    const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 4 });
    expect(verifyEnvelope({ envelope, context: batch, publicKey: pair.publicKey, verifier })).toBe(true);
  });

  it('has an exact layout: magic, version, key id, u32le payload length, payload, signature', () => {
    const bytes = encodeEnvelope(signed());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('OCSE');
    expect(bytes[4]).toBe(1);
    expect(bytes[5]).toBe('validator-0042.v1'.length);
    const payloadLengthOffset = 6 + 'validator-0042.v1'.length;
    expect(Buffer.from(bytes).readUInt32LE(payloadLengthOffset)).toBe(payload.length);
    expect(bytes.length).toBe(payloadLengthOffset + 4 + payload.length + 64);
  });

  it('never verifies under another context: a list signature is not a batch signature', () => {
    const list = signEnvelope({ context: SIGNING_CONTEXTS.denyList, keyId: 'ch.lists.1', payload, secretKey: pair.secretKey });
    expect(verifyEnvelope({ envelope: list, context: SIGNING_CONTEXTS.denyList, publicKey: pair.publicKey })).toBe(true);
    expect(verifyEnvelope({ envelope: list, context: batch, publicKey: pair.publicKey })).toBe(false);
    expect(envelopeSigningInput({ context: batch, keyId: 'k', payload })).not.toEqual(
      envelopeSigningInput({ context: SIGNING_CONTEXTS.denyList, keyId: 'k', payload }),
    );
  });

  it('fails on a tampered payload, signature, key id or the wrong key', () => {
    const envelope = signed();
    const tamperedPayload = Uint8Array.from(payload);
    tamperedPayload[0] = (tamperedPayload[0] ?? 0) ^ 1;
    const tamperedSignature = Uint8Array.from(envelope.signature);
    tamperedSignature[10] = (tamperedSignature[10] ?? 0) ^ 1;
    const cases: SignedEnvelope[] = [
      { ...envelope, payload: tamperedPayload },
      { ...envelope, signature: tamperedSignature },
      { ...envelope, keyId: 'validator-0043.v1' },
      { ...envelope, version: 2 },
    ];
    for (const envelopeCase of cases) {
      expect(verifyEnvelope({ envelope: envelopeCase, context: batch, publicKey: pair.publicKey })).toBe(false);
    }
    expect(verifyEnvelope({ envelope, context: batch, publicKey: other.publicKey })).toBe(false);
  });

  it('rejects malformed encodings with envelope_corrupt', () => {
    const bytes = encodeEnvelope(signed());
    const attempts: Uint8Array[] = [
      bytes.subarray(0, bytes.length - 1),
      Uint8Array.of(...bytes, 0),
      Uint8Array.of(0x58, ...bytes.subarray(1)),
      new Uint8Array(0),
    ];
    for (const attempt of attempts) {
      expect(() => decodeEnvelope(attempt)).toThrow(SigningError);
      try {
        decodeEnvelope(attempt);
      } catch (error) {
        expect((error as SigningError).code).toBe('envelope_corrupt');
      }
    }
  });

  it('validates context and key id, and bounds the payload', () => {
    const attempt = (context: string, keyId: string): unknown => {
      try {
        signEnvelope({ context, keyId, payload, secretKey: pair.secretKey });
        return null;
      } catch (error) {
        return error instanceof SigningError ? error.code : error;
      }
    };
    expect(attempt('journal', 'k')).toBe('context_invalid');
    expect(attempt('onecard/journal-batch', 'k')).toBe('context_invalid');
    expect(attempt(batch, '')).toBe('key_id_invalid');
    expect(attempt(batch, 'a b')).toBe('key_id_invalid');
    expect(attempt(batch, 'x'.repeat(65))).toBe('key_id_invalid');
    const bytes = encodeEnvelope(signed());
    const lengthOffset = 6 + 'validator-0042.v1'.length;
    const forged = Uint8Array.from(bytes);
    Buffer.from(forged.buffer).writeUInt32LE(ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX + 1, lengthOffset);
    expect(() => decodeEnvelope(forged)).toThrow(expect.objectContaining({ code: 'envelope_too_large' }) as Error);
  });
});
