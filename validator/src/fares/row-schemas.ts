/**
 * zod schemas of the rows of every file the loader reads: the GTFS-Fares v2
 * files and the GTFS files they refer to (google/transit
 * gtfs/spec/en/reference.md, "Dataset Files"), and the OneCard extension
 * files (validator/feeds/README.md). Empty CSV fields are "absent" (GTFS).
 * Cross-field and cross-file rules are checked in build-feed.ts.
 */
import { z } from 'zod';
import { CONTRACT_KIND, HOLDER_CATEGORY, TARIFF } from '@onecard/card-os/profile';
import { FIELD_CHARS_MAX } from './csv-table.js';
import { SECONDS_PER_DAY } from './local-time.js';
import { CURRENCY_PATTERN } from './money.js';

export const ID_CHARS_MAX = 128;
export const ROUTE_CODE_MAX = 0xffff;
export const ROUTE_LENGTH_KM_MAX = 1000;
export const DURATION_LIMIT_SECONDS_MAX = 7 * SECONDS_PER_DAY;
export const RULE_PRIORITY_MAX = 1_000_000;

const empty = z.literal('').transform(() => undefined);
const id = z.string().min(1, 'required').max(ID_CHARS_MAX, `at most ${ID_CHARS_MAX} characters`);
const optionalId = z.union([empty, id]).optional();
const text = z.string().max(FIELD_CHARS_MAX).optional();

function integerIn(min: number, max: number, what: string) {
  return z
    .string()
    .regex(/^-?\d+$/, `${what}: expected an integer`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `${what}: expected ${min}..${max}`);
}
function optionalInteger(min: number, max: number, what: string) {
  return z.union([empty, integerIn(min, max, what)]).optional();
}
function enumOf<const T extends readonly number[]>(values: T, what: string) {
  return z
    .string()
    .regex(/^\d+$/, `${what}: expected one of ${values.join(', ')}`)
    .transform(Number)
    .refine((value): value is T[number] => values.includes(value), `${what}: expected one of ${values.join(', ')}`);
}

/** "HH:MM:SS" with HH ≤ 24 and at most 24:00:00; the value is seconds since midnight. */
const localTime = z
  .string()
  .regex(/^\d{1,2}:\d{2}:\d{2}$/, 'expected HH:MM:SS')
  .transform((value) => {
    const [h, m, s] = value.split(':').map(Number) as [number, number, number];
    return m < 60 && s < 60 ? h * 3600 + m * 60 + s : Number.NaN;
  })
  .refine((seconds) => seconds >= 0 && seconds <= SECONDS_PER_DAY, 'expected 00:00:00 .. 24:00:00');
/** GTFS "Date": YYYYMMDD; the value is the number yyyymmdd. */
const gtfsDate = z
  .string()
  .regex(/^\d{8}$/, 'expected YYYYMMDD')
  .refine((value) => {
    const [y, m, d] = [Number(value.slice(0, 4)), Number(value.slice(4, 6)), Number(value.slice(6, 8))];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'not a calendar date')
  .transform(Number);
const dayFlag = enumOf([0, 1] as const, 'day flag');

export const agencyRow = z.object({ agency_timezone: z.string().min(1, 'required'), agency_id: optionalId });
export const routeRow = z.object({ route_id: id, network_id: optionalId, route_short_name: text, route_long_name: text });
export const stopRow = z.object({ stop_id: id, parent_station: optionalId, stop_name: text, stop_timezone: text });
export const calendarRow = z.object({
  service_id: id,
  monday: dayFlag,
  tuesday: dayFlag,
  wednesday: dayFlag,
  thursday: dayFlag,
  friday: dayFlag,
  saturday: dayFlag,
  sunday: dayFlag,
  start_date: gtfsDate,
  end_date: gtfsDate,
});
export const calendarDateRow = z.object({ service_id: id, date: gtfsDate, exception_type: enumOf([1, 2] as const, 'exception_type') });
export const fareMediaRow = z.object({ fare_media_id: id, fare_media_name: text, fare_media_type: enumOf([0, 1, 2, 3, 4] as const, 'fare_media_type') });
export const riderCategoryRow = z.object({
  rider_category_id: id,
  rider_category_name: z.string().min(1, 'required'),
  is_default_fare_category: z.union([empty, enumOf([0, 1] as const, 'is_default_fare_category')]).optional(),
  eligibility_url: text,
});
export const fareProductRow = z.object({
  fare_product_id: id,
  fare_product_name: text,
  rider_category_id: optionalId,
  fare_media_id: optionalId,
  amount: z.string().min(1, 'required'),
  currency: z.string().regex(CURRENCY_PATTERN, 'expected an ISO 4217 code such as VND'),
});
export const timeframeRow = z.object({
  timeframe_group_id: id,
  start_time: z.union([empty, localTime]).optional(),
  end_time: z.union([empty, localTime]).optional(),
  service_id: id,
});
export const fareLegRuleRow = z.object({
  leg_group_id: optionalId,
  network_id: optionalId,
  from_area_id: optionalId,
  to_area_id: optionalId,
  from_timeframe_group_id: optionalId,
  to_timeframe_group_id: optionalId,
  fare_product_id: id,
  rule_priority: optionalInteger(0, RULE_PRIORITY_MAX, 'rule_priority'),
});
export const fareLegJoinRuleRow = z.object({ from_network_id: id, to_network_id: id, from_stop_id: optionalId, to_stop_id: optionalId });
export const fareTransferRuleRow = z.object({
  from_leg_group_id: optionalId,
  to_leg_group_id: optionalId,
  transfer_count: z
    .union([empty, integerIn(-1, 0xff_ffff, 'transfer_count').refine((value) => value !== 0, 'transfer_count: -1 or ≥ 1 (0 is not allowed)')])
    .optional(),
  duration_limit: optionalInteger(1, DURATION_LIMIT_SECONDS_MAX, 'duration_limit (seconds)'),
  duration_limit_type: z.union([empty, enumOf([0, 1, 2, 3] as const, 'duration_limit_type')]).optional(),
  fare_transfer_type: enumOf([0, 1, 2] as const, 'fare_transfer_type'),
  fare_product_id: optionalId,
});
export const areaRow = z.object({ area_id: id, area_name: text });
export const stopAreaRow = z.object({ area_id: id, stop_id: id });
export const networkRow = z.object({ network_id: id, network_name: text });
export const routeNetworkRow = z.object({ network_id: id, route_id: id });

// ---------------------------------------------------------------- OneCard extension (feeds/README.md)

export const onecardRouteRow = z.object({
  route_id: id,
  card_route_code: integerIn(1, ROUTE_CODE_MAX, 'card_route_code'),
  route_length_km: z
    .union([
      empty,
      z
        .string()
        .regex(/^\d{1,4}(\.\d{1,3})?$/, 'expected kilometres with at most 3 decimals')
        .transform((value) => Math.round(Number(value) * 1000))
        .refine((meters) => meters <= ROUTE_LENGTH_KM_MAX * 1000, `at most ${ROUTE_LENGTH_KM_MAX} km`),
    ])
    .optional(),
});
const kmBound = z
  .string()
  .regex(/^\d{1,4}(\.\d{1,3})?$/, 'expected kilometres with at most 3 decimals')
  .transform((value) => Math.round(Number(value) * 1000));
export const onecardDistanceBandRow = z.object({
  distance_band_id: id,
  network_id: id,
  min_route_length_km: kmBound,
  max_route_length_km: z.union([empty, kmBound]).optional(),
});
export const onecardHolderCategoryRow = z.object({
  holder_category: z.enum(HOLDER_CATEGORY.names as [string, ...string[]], { error: `expected one of ${HOLDER_CATEGORY.names.join(', ')}` }),
  rider_category_id: id,
});
export const onecardContractProductRow = z.object({
  contract_kind: z.enum(CONTRACT_KIND.names as [string, ...string[]], { error: `expected one of ${CONTRACT_KIND.names.join(', ')}` }),
  tariff: z.enum(TARIFF.names as [string, ...string[]], { error: `expected one of ${TARIFF.names.join(', ')}` }),
  fare_product_id: id,
});
export const onecardFareCapRow = z.object({
  fare_cap_id: id,
  rider_category_id: optionalId,
  cap_period: z.enum(['day', 'month'], { error: 'expected day or month' }),
  amount: z.string().min(1, 'required'),
  currency: z.string().regex(CURRENCY_PATTERN, 'expected an ISO 4217 code such as VND'),
});
