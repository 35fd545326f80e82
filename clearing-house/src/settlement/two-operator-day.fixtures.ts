/**
 * Test fixture: one Hanoi business day (2026-12-04) of two operators in a real
 * database, through the real ingest (signed batches, posting) and pass sales:
 * - card 0 (adult): 03A fare (hanoibus) → free transfer on 32 (bus-two);
 *   then 32 fare (bus-two) → 2,000 transfer on 18 (hanoibus);
 * - card 1 (elderly): free rides at 23:59:59 on 3 Dec, 00:00 and 24:00 (local)
 *   on 4 Dec: only the 00:00 one is on the day; its TMC is also replayed by
 *   another device (tmc_duplicate);
 * - card 2 (student): a 32 fare at the student price;
 * - card 3 (pupil): a pass ride on 32;
 * - card 4 (adult): a 03A fare, its TMC replayed by another device as a 32 fare of bus-two;
 * - cards 6 and 7 (adult): 03A fare at 23:50 → free transfer on 32 at 00:10,
 *   from 3 to 4 Dec and from 4 to 5 Dec (local time);
 * - pass sales: hanoibus a 03A pass (card route code 301, sold twice with the
 *   same idempotency key), an all-routes pass, a free pass and one the day
 *   before; bus-two a concession pass for 32.
 * The fare table is Hanoi's with a student single fare of 6,000 on single_10k
 * (the sample charges students the adult fare, so its concession would be 0).
 */
import { insertDevicesDirect, OPERATOR_2_ID, OPERATOR_ID } from '../../test/support/seed.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import type { Backend } from '../../test/support/database.js';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { sellPass, type SellPassInput } from '../passes/sales.js';
import type { PassContract } from '../passes/contract.js';
import { readFareTable, type FareTable } from './fare-table.js';
import { hanoiFeedFiles } from './hanoi-feed.fixtures.js';

export const DAY = '2026-12-04';
/** 08:00 in Hanoi. */
export const MORNING = '2026-12-04T01:00:00.000Z';
export const STUDENT_FARE_VND = 6_000;

export interface TwoOperatorDay {
  readonly harness: Harness;
  readonly fares: FareTable;
}

export function studentDiscountFareTable(): FareTable {
  const files = hanoiFeedFiles().map((file) =>
    file.name === 'fare_products.txt' ? { ...file, text: file.text.replace('single_10k,Vé lượt 10.000đ / single ride 10000 VND,student,onecard,10000,VND', `single_10k,Vé lượt 10.000đ / single ride 10000 VND,student,onecard,${STUDENT_FARE_VND},VND`) } : file,
  );
  const read = readFareTable({ feedVersion: 2, files });
  if (!read.ok) throw new Error(read.code);
  return read.table;
}

const minutesAfter = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export async function openTwoOperatorDay(backend: Backend): Promise<TwoOperatorDay> {
  const harness = await openHarness(backend, { cardCount: 8 });
  const card = (index: number): string => harness.cardNumbers[index] ?? '';
  const bus1 = new DeviceJournal({ deviceId: 4101 });
  const bus2 = new DeviceJournal({ deviceId: 4102 });
  const replayer = new DeviceJournal({ deviceId: 4103 });
  await insertDevicesDirect(harness.database.db, [bus1, bus2, replayer]);

  const a = { operatorId: OPERATOR_ID } as const;
  const b = { operatorId: OPERATOR_2_ID } as const;
  const ride = (input: Omit<EventInput, 'application'>): EventInput => ({ application: 'transit', ...input });
  const topUp = (cardNumber: string, amountVnd: number, at = minutesAfter(MORNING, -30)): EventInput => ride({ at, kind: 'top-up', cardNumber, tmc: 1, amountVnd, balanceBeforeVnd: 0, balanceAfterVnd: amountVnd, ...a });

  // Card 0: two journeys, each spanning both operators.
  bus1.append(topUp(card(0), 100_000));
  bus1.append(ride({ at: MORNING, kind: 'fare', cardNumber: card(0), tmc: 2, amountVnd: 8_000, balanceBeforeVnd: 100_000, balanceAfterVnd: 92_000, ...a, routeId: '03A', fareProductId: 'single_8k', riderCategory: 'adult' }));
  bus2.append(ride({ at: minutesAfter(MORNING, 20), kind: 'transfer', cardNumber: card(0), tmc: 3, amountVnd: 0, balanceBeforeVnd: 92_000, balanceAfterVnd: 92_000, ...b, routeId: '32', fareProductId: 'free_transfer', riderCategory: 'adult' }));
  bus2.append(ride({ at: minutesAfter(MORNING, 300), kind: 'fare', cardNumber: card(0), tmc: 4, amountVnd: 10_000, balanceBeforeVnd: 92_000, balanceAfterVnd: 82_000, ...b, routeId: '32', fareProductId: 'single_10k', riderCategory: 'adult' }));
  bus1.append(ride({ at: minutesAfter(MORNING, 330), kind: 'transfer', cardNumber: card(0), tmc: 5, amountVnd: 2_000, balanceBeforeVnd: 82_000, balanceAfterVnd: 80_000, ...a, routeId: '18', fareProductId: 'transfer_2k', riderCategory: 'adult' }));
  // Card 1: elderly free rides around the business day's edges (17:00 UTC).
  const free = (tmc: number, at: string): EventInput => ride({ at, kind: 'free-ride', cardNumber: card(1), tmc, amountVnd: 0, balanceBeforeVnd: 0, balanceAfterVnd: 0, ...a, routeId: '03A', fareProductId: 'single_8k', riderCategory: 'elderly_60_plus' });
  bus1.append(free(1, '2026-12-03T16:59:59.999Z'));
  bus1.append(free(2, '2026-12-03T17:00:00.000Z'));
  bus1.append(free(3, '2026-12-04T17:00:00.000Z'));
  // Card 2: a student fare; card 3: a pupil's pass ride.
  bus1.append(ride({ ...topUp(card(2), 50_000) }));
  bus1.append(ride({ at: MORNING, kind: 'fare', cardNumber: card(2), tmc: 2, amountVnd: STUDENT_FARE_VND, balanceBeforeVnd: 50_000, balanceAfterVnd: 50_000 - STUDENT_FARE_VND, ...a, routeId: '32', fareProductId: 'single_10k', riderCategory: 'student' }));
  bus1.append(ride({ at: MORNING, kind: 'pass-use', cardNumber: card(3), tmc: 1, amountVnd: 0, ...a, routeId: '32', fareProductId: 'monthly_route_concession', riderCategory: 'pupil', contractSlot: 0 }));
  // Card 4: a fare, replayed by another device with the same TMC.
  bus1.append(topUp(card(4), 20_000));
  bus1.append(ride({ at: MORNING, kind: 'fare', cardNumber: card(4), tmc: 2, amountVnd: 8_000, balanceBeforeVnd: 20_000, balanceAfterVnd: 12_000, ...a, routeId: '03A', fareProductId: 'single_8k', riderCategory: 'adult' }));
  replayer.append(ride({ at: MORNING, kind: 'fare', cardNumber: card(4), tmc: 2, amountVnd: 10_000, balanceBeforeVnd: 20_000, balanceAfterVnd: 10_000, ...b, routeId: '32', fareProductId: 'single_10k', riderCategory: 'adult' }));
  replayer.append(ride({ ...free(2, '2026-12-03T17:00:00.000Z'), ...b, routeId: '32' }));

  // Cards 6 and 7: night journeys over the edges of the day (23:50 fare, 00:10 transfer, local time).
  const night = (cardNumber: string, fareAt: string): void => {
    bus1.append(topUp(cardNumber, 20_000, minutesAfter(fareAt, -60)));
    bus1.append(ride({ at: fareAt, kind: 'fare', cardNumber, tmc: 2, amountVnd: 8_000, balanceBeforeVnd: 20_000, balanceAfterVnd: 12_000, ...a, routeId: '03A', fareProductId: 'single_8k', riderCategory: 'adult' }));
    bus2.append(ride({ at: minutesAfter(fareAt, 20), kind: 'transfer', cardNumber, tmc: 3, amountVnd: 0, balanceBeforeVnd: 12_000, balanceAfterVnd: 12_000, ...b, routeId: '32', fareProductId: 'free_transfer', riderCategory: 'adult' }));
  };
  night(card(6), '2026-12-03T16:50:00.000Z');
  night(card(7), '2026-12-04T16:50:00.000Z');

  for (const device of [bus1, bus2, replayer]) {
    const outcome = await harness.ingest(device.deviceId, device.batch({ fromSeq: 1, toSeq: device.events.length }).bytes);
    if (outcome.kind !== 'accepted') throw new Error(`fixture batch of ${device.deviceId} was ${outcome.kind}`);
  }

  const contract = (input: Partial<PassContract>): PassContract => ({ kind: 'monthly-single-route', tariff: 'regular', routeId: 301, validFrom: '2026-12-01', validUntil: '2026-12-31', priceVnd: 100_000, ...input });
  const sales: SellPassInput[] = [
    { operatorId: OPERATOR_ID, cardNumber: card(5), contract: contract({}), payment: { method: 'cash' }, idempotencyKey: 'fixture-pass-0001', at: MORNING },
    { operatorId: OPERATOR_ID, cardNumber: card(6), contract: contract({ kind: 'monthly-all-routes', routeId: 0, priceVnd: 200_000 }), payment: { method: 'cash' }, idempotencyKey: 'fixture-pass-0002', at: MORNING },
    { operatorId: OPERATOR_ID, cardNumber: card(7), contract: contract({ validFrom: '2026-12-03', validUntil: '2026-12-31' }), payment: { method: 'cash' }, idempotencyKey: 'fixture-pass-0003', at: '2026-12-03T16:30:00.000Z' },
    { operatorId: OPERATOR_2_ID, cardNumber: card(3), contract: contract({ tariff: 'concession', routeId: 32, priceVnd: 70_000 }), payment: { method: 'cash' }, idempotencyKey: 'fixture-pass-0004', at: MORNING },
    // A free pass moves no money (no pass_sale transfer): it is not a pass sold.
    { operatorId: OPERATOR_ID, cardNumber: card(1), contract: contract({ kind: 'monthly-all-routes', tariff: 'free', routeId: 0, priceVnd: 0 }), payment: { method: 'cash' }, idempotencyKey: 'fixture-pass-0005', at: MORNING },
  ];
  // A client's retry of the first sale (same idempotency key) answers the same sale: counted once.
  sales.push({ ...(sales[0] as SellPassInput) });
  for (const sale of sales) {
    const sold = await sellPass(harness.database.db, sale);
    if (!sold.ok) throw new Error(`fixture pass sale refused: ${sold.code}`);
  }
  return { harness, fares: studentDiscountFareTable() };
}
