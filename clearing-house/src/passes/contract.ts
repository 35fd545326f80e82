/**
 * A monthly-pass contract as sold: the fields of one transit.entitlements
 * contract slot (PROFILE.md §5.2, card-os transitEntitlementsCodec) except
 * the saleId, which the sale assigns. Checked here so that a contract the
 * card's codec would refuse is never published.
 */
export const PASS_CONTRACT_KINDS = ['monthly-single-route', 'monthly-all-routes'] as const;
export type PassContractKind = (typeof PASS_CONTRACT_KINDS)[number];
export const PASS_TARIFFS = ['regular', 'concession', 'free'] as const;
export type PassTariff = (typeof PASS_TARIFFS)[number];

/** transitEntitlementsCodec: routeId is u16, 0 meaning all routes. */
export const PASS_ROUTE_ID_MAX = 0xffff;
export const PASS_ALL_ROUTES_ROUTE_ID = 0;
/** A month pass covers at most 31 civil days (inclusive). */
export const PASS_VALIDITY_DAYS_MAX = 31;
/** pricePaidVnd is u32 on the card; a month pass costs far less than this. */
export const PASS_PRICE_VND_MAX = 5_000_000;
const DAY_MS = 86_400_000;
const CIVIL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface PassContract {
  readonly kind: PassContractKind;
  readonly tariff: PassTariff;
  readonly routeId: number;
  /** Civil dates (Asia/Ho_Chi_Minh), YYYY-MM-DD, both days included. */
  readonly validFrom: string;
  readonly validUntil: string;
  readonly priceVnd: number;
}

export type ContractFailure = 'route_invalid' | 'dates_invalid' | 'price_invalid';

function civilDayMs(value: string): number | null {
  const match = CIVIL_DATE_RE.exec(value);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : null;
}

export function checkPassContract(contract: PassContract): ContractFailure | null {
  const routeValid = Number.isSafeInteger(contract.routeId) && contract.routeId >= 0 && contract.routeId <= PASS_ROUTE_ID_MAX;
  const allRoutes = contract.routeId === PASS_ALL_ROUTES_ROUTE_ID;
  if (!routeValid || allRoutes !== (contract.kind === 'monthly-all-routes')) return 'route_invalid';
  const fromMs = civilDayMs(contract.validFrom);
  const untilMs = civilDayMs(contract.validUntil);
  if (fromMs === null || untilMs === null || untilMs < fromMs || (untilMs - fromMs) / DAY_MS + 1 > PASS_VALIDITY_DAYS_MAX) return 'dates_invalid';
  if (!Number.isSafeInteger(contract.priceVnd) || contract.priceVnd < 0 || contract.priceVnd > PASS_PRICE_VND_MAX) return 'price_invalid';
  // A free pass costs nothing; any other pass costs something (a ledger transfer is never zero).
  if ((contract.tariff === 'free') !== (contract.priceVnd === 0)) return 'price_invalid';
  return null;
}
