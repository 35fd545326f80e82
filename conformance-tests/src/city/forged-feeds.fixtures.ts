/**
 * Fare-feed envelopes a validator must refuse, made from the one the city's
 * clearing house serves: its signature flipped; a newer version with cheaper
 * adult fares under the served signature; the same payload signed by another
 * key under the clearing house's key id, and under a key id nobody trusts;
 * truncated and empty bytes.
 */
import { SIGNING_CONTEXTS, decodeEnvelope, encodeEnvelope, generateEd25519KeyPair, signEnvelope } from '@onecard/keys';

const ADULT_CARD_PRICE_RE = /,adult,onecard,\d+,VND/g;
const FORGED_ADULT_CARD_PRICE = ',adult,onecard,1000,VND';
const TRUNCATED_BY_BYTES = 10;

interface FeedPayload {
  readonly version: number;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

export function forgedFeeds(served: Uint8Array, nextVersion: number): Record<string, Uint8Array> {
  const envelope = decodeEnvelope(served);
  const payload = JSON.parse(new TextDecoder().decode(envelope.payload)) as FeedPayload;
  const files = payload.files.map((file) => (file.name === 'fare_products.txt' ? { name: file.name, text: file.text.replace(ADULT_CARD_PRICE_RE, FORGED_ADULT_CARD_PRICE) } : file));
  if (JSON.stringify(files) === JSON.stringify(payload.files)) throw new Error('assertion failed: the forged feed changes a fare');
  const cheaper = new TextEncoder().encode(JSON.stringify({ ...payload, version: nextVersion, files }));
  const signature = envelope.signature.slice();
  signature[0] = (signature[0] ?? 0) ^ 0x01;
  const attacker = generateEd25519KeyPair();
  const signedBy = (keyId: string): Uint8Array => encodeEnvelope(signEnvelope({ context: SIGNING_CONTEXTS.fareFeed, keyId, payload: cheaper, secretKey: attacker.secretKey }));
  return {
    signatureFlipped: encodeEnvelope({ ...envelope, signature }),
    cheaperFareSameSignature: encodeEnvelope({ ...envelope, payload: cheaper }),
    signedByAnotherKeySameKeyId: signedBy(envelope.keyId),
    signedByAnUnknownKeyId: signedBy('city-attacker-1'),
    truncated: served.subarray(0, served.length - TRUNCATED_BY_BYTES),
    empty: new Uint8Array(0),
  };
}
