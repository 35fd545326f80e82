/**
 * transit.entitlements (PROFILE.md §5.2): the fare category the fare engine
 * applies (a copy of the identity category, so a bus tap needs no second
 * application) and up to three monthly-pass contracts. Written only with
 * the top-up key; the validator reads it with its debit key.
 */
import { CONTRACT_KIND, HOLDER_CATEGORY, TARIFF, type ContractKind, type HolderCategory, type Tariff } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const ENTITLEMENTS_RECORD_LENGTH_BYTES = 64;
export const ENTITLEMENTS_RECORD_VERSION = 1;
export const CONTRACT_COUNT_MAX = 3;
export const ROUTE_ID_MAX = 0xffff;
/** route 0 in a contract means "all routes". */
export const ALL_ROUTES = 0;
const CONTRACT_BYTES = 16;
const HEADER_RESERVED_BYTES = 1;
const TRAILER_RESERVED_BYTES = 8;

export interface TransitContract {
  readonly kind: ContractKind;
  readonly tariff: Tariff;
  /** 1..65535 for a single-route pass; ALL_ROUTES for an all-routes pass. */
  readonly routeId: number;
  readonly validFrom: CivilDate;
  readonly validUntil: CivilDate;
  readonly pricePaidVnd: number;
  /** The clearing house's sale reference: a contract without a known sale is a forgery. */
  readonly saleId: number;
}

export interface TransitEntitlements {
  readonly fareCategory: HolderCategory;
  readonly fareCategoryValidFrom: CivilDate;
  readonly fareCategoryValidUntil: CivilDate;
  readonly contracts: readonly TransitContract[];
}

const layout = { lengthBytes: ENTITLEMENTS_RECORD_LENGTH_BYTES, version: ENTITLEMENTS_RECORD_VERSION };

function contractRouteValid(kind: ContractKind, routeId: number): boolean {
  return kind === 'monthly-all-routes' ? routeId === ALL_ROUTES : routeId !== ALL_ROUTES;
}

function encode(value: TransitEntitlements): Uint8Array {
  if (value.contracts.length > CONTRACT_COUNT_MAX) throw new RangeError(`contracts: at most ${CONTRACT_COUNT_MAX}`);
  if (value.fareCategoryValidUntil < value.fareCategoryValidFrom) throw new RangeError('fareCategoryValidUntil must not be before fareCategoryValidFrom');
  const w = new FieldWriter(layout)
    .code(value.fareCategory, 'fareCategory', HOLDER_CATEGORY)
    .date(value.fareCategoryValidFrom, 'fareCategoryValidFrom')
    .date(value.fareCategoryValidUntil, 'fareCategoryValidUntil')
    .u8(value.contracts.length, 'contractCount')
    .reserved(HEADER_RESERVED_BYTES);
  for (const c of value.contracts) {
    if (!contractRouteValid(c.kind, c.routeId)) throw new RangeError('routeId: 0 exactly for all-routes passes');
    if (c.validUntil < c.validFrom) throw new RangeError('contract validUntil must not be before validFrom');
    w.code(c.kind, 'contractKind', CONTRACT_KIND)
      .code(c.tariff, 'tariff', TARIFF)
      .u16(c.routeId, 'routeId')
      .date(c.validFrom, 'contractValidFrom')
      .date(c.validUntil, 'contractValidUntil')
      .u32(c.pricePaidVnd, 'pricePaidVnd')
      .u32(c.saleId, 'saleId');
  }
  return w.reserved((CONTRACT_COUNT_MAX - value.contracts.length) * CONTRACT_BYTES + TRAILER_RESERVED_BYTES).finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<TransitEntitlements> {
  const r = new FieldReader(bytes, layout);
  const fareCategory = r.code('fareCategory', HOLDER_CATEGORY);
  const fareCategoryValidFrom = r.date('fareCategoryValidFrom');
  const fareCategoryValidUntil = r.date('fareCategoryValidUntil');
  if (fareCategoryValidUntil < fareCategoryValidFrom) r.fail('fareCategoryValidUntil');
  const count = Math.min(r.u8('contractCount', { max: CONTRACT_COUNT_MAX }), CONTRACT_COUNT_MAX);
  r.reserved(HEADER_RESERVED_BYTES);
  const contracts: TransitContract[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.code('contractKind', CONTRACT_KIND);
    const tariff = r.code('tariff', TARIFF);
    const routeId = r.u16('routeId');
    if (!contractRouteValid(kind, routeId)) r.fail('routeId');
    const validFrom = r.date('contractValidFrom');
    const validUntil = r.date('contractValidUntil');
    if (validUntil < validFrom) r.fail('contractValidUntil');
    const pricePaidVnd = r.u32('pricePaidVnd');
    const saleId = r.u32('saleId');
    contracts.push({ kind, tariff, routeId, validFrom, validUntil, pricePaidVnd, saleId });
  }
  r.reserved((CONTRACT_COUNT_MAX - count) * CONTRACT_BYTES + TRAILER_RESERVED_BYTES);
  return r.result(() => ({ fareCategory, fareCategoryValidFrom, fareCategoryValidUntil, contracts }));
}

export const transitEntitlementsCodec: RecordCodec<TransitEntitlements> = { name: 'transit.entitlements', ...layout, encode, decode };
