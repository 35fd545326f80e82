/**
 * `npx tsx validator/bench/fares.bench.ts`: the fare engine's speed.
 *   - the bus-tap decision (target ≤ 1 ms p99, issue 5) on the Hanoi sample
 *     feed: a single fare (the baseline), a monthly pass, a free category,
 *     a capped fare, a transfer (Hanoi feed + a 60-minute transfer rule);
 *   - journey quotes: three Hanoi legs, and the TransLink worked example
 *     (zones, rule_priority, transfer rules, an Intl time zone);
 *   - loading the Hanoi feed folder (done once at start-up, for scale).
 * Prints median and p99 in µs and the ratio to the single-fare decision.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialFareState, type TransitFareState } from '@onecard/card-os/profile';
import { runBench, type BenchTask } from '@onecard/keys/bench';
import type { BusTapContext, CardFareView } from '../src/ports.js';
import { decideBusTap, loadFeedFromDirectory, loadFeedFromFiles, quoteJourney, type FareFeed, type Journey } from '../src/fares/index.js';

const HANOI_DIR = fileURLToPath(new URL('../feeds/hanoi', import.meta.url));
const TRANSLINK_DIR = fileURLToPath(new URL('../src/fares/fixtures/gtfs-org-translink', import.meta.url));
const BENCH_TIME_MS = 1_000;
const DECISION_TARGET_MS = 1;
const BASELINE = 'bus tap: single fare (adult, 12k route)';

async function load(directory: string): Promise<FareFeed> {
  const loaded = await loadFeedFromDirectory(directory);
  if (!loaded.ok) throw new Error(`bench feed does not load: ${loaded.error.message}`);
  return loaded.value;
}

function withOverlay(directory: string, overlay: Readonly<Record<string, string>>): FareFeed {
  const files = new Map<string, string>();
  for (const name of readdirSync(directory)) if (name.endsWith('.txt')) files.set(name, readFileSync(join(directory, name), 'utf8'));
  for (const [name, text] of Object.entries(overlay)) files.set(name, text);
  const loaded = loadFeedFromFiles(files);
  if (!loaded.ok) throw new Error(`bench feed does not load: ${loaded.error.message}`);
  return loaded.value;
}

const hanoi = await load(HANOI_DIR);
const translink = await load(TRANSLINK_DIR);
const hanoiWithTransfers = withOverlay(HANOI_DIR, { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type\n,,1,3600,1,0\n' });
const hanoiWithCaps = withOverlay(HANOI_DIR, { 'onecard_fare_caps.txt': 'fare_cap_id,rider_category_id,cap_period,amount,currency\nday,,day,20000,VND\nmonth,,month,200000,VND\n' });

const AT = new Date('2026-12-04T01:00:00Z');
const context: BusTapContext = { at: AT, routeId: '01', stopId: 'HN_GIALAM', fareMediaId: 'onecard' };
function cardView(options: { category?: CardFareView['entitlements']['fareCategory']; state?: TransitFareState; contracts?: CardFareView['entitlements']['contracts'] } = {}): CardFareView {
  return {
    entitlements: { fareCategory: options.category ?? 'adult', fareCategoryValidFrom: '2024-01-01', fareCategoryValidUntil: '2030-12-31', contracts: options.contracts ?? [] },
    fareState: options.state ?? initialFareState('2026-01-15'),
    balanceVnd: 150_000,
  };
}
const adult = cardView();
const passHolder = cardView({ contracts: [{ kind: 'monthly-single-route', tariff: 'regular', routeId: 2, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 100_000, saleId: 1 }, { kind: 'monthly-all-routes', tariff: 'regular', routeId: 0, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 200_000, saleId: 2 }] });
const elderly = cardView({ category: 'elderly-60-plus' });
const capReached = cardView({ state: { ...initialFareState('2026-12-01'), capDay: '2026-12-04', capDaySpentVnd: 20_000, capMonth: '2026-12', capMonthSpentVnd: 90_000 } });
const midJourney = cardView({ state: { ...initialFareState('2026-12-01'), journeyStartedAt: new Date(AT.getTime() - 20 * 60_000), lastTapAt: new Date(AT.getTime() - 20 * 60_000), lastRouteId: 2, capDay: '2026-12-04', capDaySpentVnd: 10_000, capMonth: '2026-12', capMonthSpentVnd: 10_000 } });

const hanoiJourney: Journey = {
  legs: [
    { route_id: '01', from_stop_id: 'HN_GIALAM', to_stop_id: 'HN_YENNGHIA', start_time: '2026-12-04T07:00:00+07:00', end_time: '2026-12-04T08:00:00+07:00', rider_category_id: 'adult', fare_media_id: 'onecard' },
    { route_id: 'BRT01', from_stop_id: 'HN_YENNGHIA', to_stop_id: 'HN_KIMMA', start_time: '2026-12-04T08:10:00+07:00', end_time: '2026-12-04T08:40:00+07:00', rider_category_id: 'adult', fare_media_id: 'onecard' },
    { route_id: '09A', from_stop_id: 'HN_CAUGIAY', to_stop_id: 'HN_BOHO', start_time: '2026-12-04T08:50:00+07:00', end_time: '2026-12-04T09:20:00+07:00', rider_category_id: 'adult', fare_media_id: 'onecard' },
  ],
};
const translinkJourney: Journey = {
  legs: [
    { route_id: 'seabus', from_stop_id: 'lonsdale_quay', to_stop_id: '8039', start_time: '2026-06-01T08:00:00-07:00', end_time: '2026-06-01T08:15:00-07:00', fare_media_id: 'contactless' },
    { route_id: 'expo', from_stop_id: '8039', to_stop_id: 'commercial_broadway', start_time: '2026-06-01T08:20:00-07:00', end_time: '2026-06-01T08:35:00-07:00', fare_media_id: 'contactless' },
    { route_id: '30052', from_stop_id: 'commercial_broadway', to_stop_id: 'lake_city_way', start_time: '2026-06-01T08:45:00-07:00', end_time: '2026-06-01T09:20:00-07:00', fare_media_id: 'contactless' },
  ],
};

let sink = 0;
function expectOk(decision: ReturnType<typeof decideBusTap>): void {
  if (!decision.ok) throw new Error(`bench decision refused: ${decision.reason}`);
  sink += decision.amountVnd;
}
// Each task is checked once before it is timed, so a broken engine cannot bench fast.
const checks: [string, () => ReturnType<typeof decideBusTap>, string][] = [
  [BASELINE, () => decideBusTap(hanoi, adult, context), 'fare'],
  ['bus tap: monthly pass (second slot)', () => decideBusTap(hanoi, passHolder, context), 'pass-use'],
  ['bus tap: free category (60+)', () => decideBusTap(hanoi, elderly, context), 'free-ride'],
  ['bus tap: daily cap reached', () => decideBusTap(hanoiWithCaps, capReached, context), 'capped'],
  ['bus tap: transfer within 60 min', () => decideBusTap(hanoiWithTransfers, midJourney, context), 'transfer'],
];
const tasks: BenchTask[] = checks.map(([name, decide, outcome]) => {
  const probe = decide();
  if (!probe.ok || probe.outcome !== outcome) throw new Error(`${name}: expected ${outcome}, got ${JSON.stringify(probe)}`);
  return { name, fn: () => { expectOk(decide()); } };
});
for (const [name, feed, journey] of [['quote: 3 Hanoi legs', hanoi, hanoiJourney], ['quote: TransLink worked example (3 legs)', translink, translinkJourney]] as const) {
  const probe = quoteJourney(feed, journey);
  if (!probe.ok) throw new Error(`${name}: ${probe.message}`);
  tasks.push({ name, fn: () => { const q = quoteJourney(feed, journey); sink += q.ok ? q.quote.totalMinorUnits : 0; } });
}
tasks.push({ name: 'load the Hanoi feed folder', fn: async () => { sink += (await loadFeedFromDirectory(HANOI_DIR)).ok ? 1 : 0; } });

const rows = await runBench({ title: 'validator fare engine', tasks, baseline: BASELINE, timeMs: BENCH_TIME_MS });
const decisions = rows.filter((row) => row.name.startsWith('bus tap'));
const worstP99Ms = Math.max(...decisions.map((row) => row.p99Us)) / 1000;
console.log(`\nbus-tap decision: worst p99 ${worstP99Ms.toFixed(4)} ms (target ≤ ${DECISION_TARGET_MS} ms): ${worstP99Ms <= DECISION_TARGET_MS ? 'within' : 'OVER'} target; sink ${sink > 0 ? 'ok' : 'empty'}`);
