/**
 * A transit contract on the wire: exactly the 16-byte contract slot of
 * transit.entitlements (PROFILE.md §5.2), encoded and checked by
 * transitEntitlementsCodec itself, so a list can never carry a contract the
 * card layout would refuse. The codec has no single-contract entry point, so
 * the slot travels inside a carrier record whose other fields are fixed.
 */
import { transitEntitlementsCodec, type TransitContract, type TransitEntitlements } from '../codecs/transit-entitlements.js';
import { CONTRACT_LENGTH_BYTES } from './codes.js';
/** Offset of contract slot 0 in transit.entitlements (PROFILE.md §5.2). */
const CONTRACT_SLOT_OFFSET_BYTES = 8;
const CARRIER_DATE = '2020-01-01';
const carrier = (contracts: readonly TransitContract[]): TransitEntitlements => ({ fareCategory: 'adult', fareCategoryValidFrom: CARRIER_DATE, fareCategoryValidUntil: CARRIER_DATE, contracts });
const CARRIER_HEADER = transitEntitlementsCodec.encode(carrier([])).slice(0, CONTRACT_SLOT_OFFSET_BYTES);
const CONTRACT_COUNT_OFFSET_BYTES = 6;

/** Throws RangeError (naming the field) for a contract the card layout cannot hold. */
export function encodeContract(contract: TransitContract): Uint8Array {
  return transitEntitlementsCodec.encode(carrier([contract])).slice(CONTRACT_SLOT_OFFSET_BYTES, CONTRACT_SLOT_OFFSET_BYTES + CONTRACT_LENGTH_BYTES);
}

/** The contract in 16 bytes, or the field of transit.entitlements that failed. Never throws. */
export function decodeContract(bytes: Uint8Array): { readonly ok: true; readonly value: TransitContract } | { readonly ok: false; readonly field: string } {
  if (bytes.length !== CONTRACT_LENGTH_BYTES) return { ok: false, field: 'length' };
  const record = new Uint8Array(transitEntitlementsCodec.lengthBytes);
  record.set(CARRIER_HEADER);
  record[CONTRACT_COUNT_OFFSET_BYTES] = 1;
  record.set(bytes, CONTRACT_SLOT_OFFSET_BYTES);
  const decoded = transitEntitlementsCodec.decode(record);
  if (!decoded.ok) return { ok: false, field: decoded.field };
  const contract = decoded.value.contracts[0];
  return contract === undefined ? { ok: false, field: 'contractCount' } : { ok: true, value: contract };
}
