/**
 * SignedEnvelope: one Ed25519 signature over a payload (journal batch, deny
 * list, action list …), bound to a context string and a key id.
 *
 * Signed bytes (never transmitted, rebuilt by the verifier):
 *   "OneCard-SignedEnvelope" 0x00 ‖ version u8 ‖ len u8 ‖ context ‖ len u8 ‖ keyId ‖ len u32le ‖ payload
 * The context is not carried in the envelope: the verifier states which kind
 * of document it expects, so a deny-list signature never verifies as a batch.
 *
 * Wire encoding (exact, no trailing bytes):
 *   "OCSE" ‖ version u8 ‖ len u8 ‖ keyId (ASCII) ‖ len u32le ‖ payload ‖ signature (64)
 */
import { abytes, concatBytes, readUintLe, uintLe } from '../bytes.js';
import { ED25519_SIGNATURE_LENGTH_BYTES, ed25519Sign, ed25519Verify } from './ed25519.js';
import type { Ed25519BulkVerifier } from './bulk-verifier.js';
import { SigningError } from './errors.js';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_KEY_ID_LENGTH_BYTES_MAX = 64;
export const ENVELOPE_CONTEXT_LENGTH_BYTES_MAX = 64;
/** A day of one depot's journal fits comfortably; larger uploads are split into batches. */
export const ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX = 64 * 1024 * 1024;

const ENVELOPE_MAGIC = new TextEncoder().encode('OCSE');
const SIGNING_DOMAIN = new TextEncoder().encode('OneCard-SignedEnvelope\u0000');
const PAYLOAD_LENGTH_WIDTH_BYTES = 4;
const SHORT_LENGTH_WIDTH_BYTES = 1;

/** Contexts in use. New document kinds add a line here; a format change bumps the /vN suffix. */
export const SIGNING_CONTEXTS = {
  journalBatch: 'onecard/journal-batch/v1',
  denyList: 'onecard/deny-list/v1',
  actionList: 'onecard/action-list/v1',
  fareFeed: 'onecard/fare-feed/v1',
  keyBundle: 'onecard/key-bundle/v1',
  csrPossession: 'onecard/csr-journal-key-possession/v1',
} as const;

const CONTEXT_RE = /^onecard\/[a-z0-9-]+(?:\/[a-z0-9-]+)*\/v[0-9]+$/;
const KEY_ID_RE = /^[A-Za-z0-9._:-]+$/;

export interface SignedEnvelope {
  readonly version: number;
  readonly keyId: string;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

function checkContext(context: string): Uint8Array {
  if (context.length > ENVELOPE_CONTEXT_LENGTH_BYTES_MAX || !CONTEXT_RE.test(context)) {
    throw new SigningError('context_invalid', 'context must look like onecard/<kind>/v<N> (ASCII, at most 64 bytes)');
  }
  return new TextEncoder().encode(context);
}

function checkKeyId(keyId: string): Uint8Array {
  if (keyId.length > ENVELOPE_KEY_ID_LENGTH_BYTES_MAX || !KEY_ID_RE.test(keyId)) {
    throw new SigningError('key_id_invalid', 'keyId must be 1..64 characters of [A-Za-z0-9._:-]');
  }
  return new TextEncoder().encode(keyId);
}

function checkPayload(payload: Uint8Array): Uint8Array {
  abytes(payload, undefined, 'payload');
  if (payload.length > ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX) {
    throw new SigningError('envelope_too_large', `payload exceeds ${ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX} bytes`);
  }
  return payload;
}

/** The exact bytes that are signed. Exported for verifiers that batch (see Ed25519BulkVerifier). */
export function envelopeSigningInput(input: { context: string; keyId: string; payload: Uint8Array }): Uint8Array {
  const context = checkContext(input.context);
  const keyId = checkKeyId(input.keyId);
  const payload = checkPayload(input.payload);
  return concatBytes(
    SIGNING_DOMAIN,
    uintLe(ENVELOPE_VERSION, SHORT_LENGTH_WIDTH_BYTES),
    uintLe(context.length, SHORT_LENGTH_WIDTH_BYTES),
    context,
    uintLe(keyId.length, SHORT_LENGTH_WIDTH_BYTES),
    keyId,
    uintLe(payload.length, PAYLOAD_LENGTH_WIDTH_BYTES),
    payload,
  );
}

export function signEnvelope(input: {
  context: string;
  keyId: string;
  payload: Uint8Array;
  secretKey: Uint8Array;
}): SignedEnvelope {
  const message = envelopeSigningInput(input);
  const signature = ed25519Sign({ message, secretKey: input.secretKey });
  return { version: ENVELOPE_VERSION, keyId: input.keyId, payload: Uint8Array.from(input.payload), signature };
}

/**
 * True when `envelope` was signed for `context` by the holder of `publicKey`.
 * With `verifier`, node:crypto checks the signature (cached key objects); the
 * answer is the same as tweetnacl's.
 */
export function verifyEnvelope(input: {
  envelope: SignedEnvelope;
  context: string;
  publicKey: Uint8Array;
  verifier?: Ed25519BulkVerifier;
}): boolean {
  const { envelope } = input;
  if (envelope.version !== ENVELOPE_VERSION) return false;
  const message = envelopeSigningInput({ context: input.context, keyId: envelope.keyId, payload: envelope.payload });
  if (input.verifier === undefined) {
    return ed25519Verify({ message, signature: envelope.signature, publicKey: input.publicKey });
  }
  return input.verifier.verify({
    keyId: envelope.keyId,
    publicKey: input.publicKey,
    message,
    signature: envelope.signature,
  });
}

export function encodeEnvelope(envelope: SignedEnvelope): Uint8Array {
  if (envelope.version !== ENVELOPE_VERSION) {
    throw new SigningError('envelope_version_unsupported', `envelope version must be ${ENVELOPE_VERSION}`);
  }
  const keyId = checkKeyId(envelope.keyId);
  const payload = checkPayload(envelope.payload);
  abytes(envelope.signature, ED25519_SIGNATURE_LENGTH_BYTES, 'signature');
  return concatBytes(
    ENVELOPE_MAGIC,
    uintLe(envelope.version, SHORT_LENGTH_WIDTH_BYTES),
    uintLe(keyId.length, SHORT_LENGTH_WIDTH_BYTES),
    keyId,
    uintLe(payload.length, PAYLOAD_LENGTH_WIDTH_BYTES),
    payload,
    envelope.signature,
  );
}

/** Parses the wire encoding. Does not verify: call verifyEnvelope with the key for `keyId`. */
export function decodeEnvelope(bytes: Uint8Array): SignedEnvelope {
  abytes(bytes, undefined, 'envelope bytes');
  const corrupt = (what: string): SigningError => new SigningError('envelope_corrupt', `envelope ${what}`);
  let offset = 0;
  const take = (lengthBytes: number, what: string): Uint8Array => {
    if (offset + lengthBytes > bytes.length) throw corrupt(`truncated in ${what}`);
    const part = bytes.subarray(offset, offset + lengthBytes);
    offset += lengthBytes;
    return part;
  };
  const magic = take(ENVELOPE_MAGIC.length, 'magic');
  if (!magic.every((b, i) => b === ENVELOPE_MAGIC[i])) throw corrupt('magic mismatch');
  const version = readUintLe(take(SHORT_LENGTH_WIDTH_BYTES, 'version'), 0, SHORT_LENGTH_WIDTH_BYTES);
  if (version !== ENVELOPE_VERSION) {
    throw new SigningError('envelope_version_unsupported', `envelope version must be ${ENVELOPE_VERSION}`);
  }
  const keyIdLengthBytes = readUintLe(take(SHORT_LENGTH_WIDTH_BYTES, 'key id length'), 0, SHORT_LENGTH_WIDTH_BYTES);
  const keyId = new TextDecoder('utf-8', { fatal: false }).decode(take(keyIdLengthBytes, 'key id'));
  if (keyId.length !== keyIdLengthBytes || keyIdLengthBytes === 0 || !KEY_ID_RE.test(keyId)) throw corrupt('key id invalid');
  const payloadLengthBytes = readUintLe(take(PAYLOAD_LENGTH_WIDTH_BYTES, 'payload length'), 0, PAYLOAD_LENGTH_WIDTH_BYTES);
  if (payloadLengthBytes > ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX) {
    throw new SigningError('envelope_too_large', `payload exceeds ${ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX} bytes`);
  }
  const payload = Uint8Array.from(take(payloadLengthBytes, 'payload'));
  const signature = Uint8Array.from(take(ED25519_SIGNATURE_LENGTH_BYTES, 'signature'));
  if (offset !== bytes.length) throw corrupt('has trailing bytes');
  return { version, keyId, payload, signature };
}
