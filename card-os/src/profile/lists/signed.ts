/**
 * Signed lists: a list document as the payload of a keys/ SignedEnvelope,
 * context `onecard/deny-list/v1` or `onecard/action-list/v1`, signed by the
 * clearing house's list key. Opening checks, in this order: envelope shape,
 * a trusted key id, the signature for this list kind, then the document.
 */
import { SIGNING_CONTEXTS, SigningError, decodeEnvelope, encodeEnvelope, signEnvelope, verifyEnvelope, type Ed25519BulkVerifier } from '@onecard/keys';
import { decodeActionList, encodeActionList, type ActionListDocument } from './action-list.js';
import { decodeDenyList, encodeDenyList, type DenyListDocument } from './deny-list.js';
import { listFailure, type ListDecodeResult } from './failure.js';

export interface ListSigner {
  /** Key id the validators know the list key by. */
  readonly keyId: string;
  /** Ed25519 secret key (64 bytes, tweetnacl layout). */
  readonly secretKey: Uint8Array;
}

/** A list-signing public key a device was provisioned with. Several during a key rotation. */
export interface TrustedListKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

export interface OpenListOptions {
  readonly trustedKeys: readonly TrustedListKey[];
  /** node:crypto verification (keys/ Ed25519BulkVerifier); tweetnacl otherwise. Same answers. */
  readonly verifier?: Ed25519BulkVerifier;
}

export function signDenyList(document: DenyListDocument, signer: ListSigner): Uint8Array {
  return encodeEnvelope(signEnvelope({ context: SIGNING_CONTEXTS.denyList, keyId: signer.keyId, payload: encodeDenyList(document), secretKey: signer.secretKey }));
}

export function signActionList(document: ActionListDocument, signer: ListSigner): Uint8Array {
  return encodeEnvelope(signEnvelope({ context: SIGNING_CONTEXTS.actionList, keyId: signer.keyId, payload: encodeActionList(document), secretKey: signer.secretKey }));
}

/** The verified payload of a list envelope. Never throws on hostile bytes. */
export function openListEnvelope(bytes: Uint8Array, context: string, options: OpenListOptions): ListDecodeResult<Uint8Array> {
  let envelope;
  try {
    envelope = decodeEnvelope(bytes);
  } catch (error) {
    if (error instanceof SigningError || error instanceof TypeError) return listFailure('envelope_malformed', 'envelope');
    throw error;
  }
  const trusted = options.trustedKeys.find((key) => key.keyId === envelope.keyId);
  if (trusted === undefined) return listFailure('key_unknown', 'envelope.keyId');
  const verified = verifyEnvelope({ envelope, context, publicKey: trusted.publicKey, ...(options.verifier === undefined ? {} : { verifier: options.verifier }) });
  return verified ? { ok: true, value: envelope.payload } : listFailure('signature_invalid', 'envelope.signature');
}

export function openDenyList(bytes: Uint8Array, options: OpenListOptions): ListDecodeResult<DenyListDocument> {
  const payload = openListEnvelope(bytes, SIGNING_CONTEXTS.denyList, options);
  return payload.ok ? decodeDenyList(payload.value) : payload;
}

export function openActionList(bytes: Uint8Array, options: OpenListOptions): ListDecodeResult<ActionListDocument> {
  const payload = openListEnvelope(bytes, SIGNING_CONTEXTS.actionList, options);
  return payload.ok ? decodeActionList(payload.value) : payload;
}
