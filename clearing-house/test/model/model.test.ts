/**
 * Model-based reliability test (after TigerBeetle's VOPR and Formance's
 * ledger tests, in miniature): a seeded random city workload; every batch
 * re-sent 1–3 times, all uploads shuffled and sent concurrently, poison
 * uploads mixed in. The clearing house must end in the reference model's
 * state: balances per account, debits = credits, purses ≥ 0, card TMCs
 * contiguous and strictly increasing, every event once, nothing held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeEnvelope, encodeEnvelope } from '@onecard/keys';
import { queryRows, toNumber } from '../../src/db/rows.js';
import { ledgerTotals } from '../../src/ledger/balances.js';
import { postPendingEvents } from '../../src/ledger/posting/job.js';
import { testBackends } from '../support/database.js';
import { openHarness, type Harness } from '../support/harness.js';
import { DeviceJournal } from '../support/journal.js';
import { Random } from '@onecard/keys/testing';
import { insertDevicesDirect } from '../support/seed.js';
import { ReferenceModel } from './workload.js';

const SEED = Number(process.env['MODEL_SEED'] ?? 20261204);
const DEVICE_COUNT = 6;
const CARD_COUNT = 25;
const STEP_COUNT = 500;
const RESEND_COUNT_MAX = 3;
const BATCH_EVENT_COUNT_MAX = 15;
const CONCURRENT_UPLOAD_COUNT = 4;

const RUNS = testBackends().flatMap((backend) => (['inline', 'deferred'] as const).map((posting) => ({ backend, posting })));

describe.each(RUNS)('model-based ingest, ledger and reconciliation ($backend, $posting posting)', ({ backend, posting }) => {
  let h: Harness;
  let model: ReferenceModel;
  const random = new Random(SEED);

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: CARD_COUNT, posting });
    model = new ReferenceModel({ random, deviceIds: Array.from({ length: DEVICE_COUNT }, (_, i) => 7001 + i), cardNumbers: h.cardNumbers });
    await insertDevicesDirect(h.database.db, model.devices);
    for (let step = 0; step < STEP_COUNT; step += 1) await model.step(h.database.db);
  }, 120_000);
  afterAll(async () => {
    await h.close();
  });

  it(`ends in the reference state after re-sent, shuffled, concurrent and poisoned uploads (seed ${SEED})`, async () => {
    const uploads: { deviceId: number; bytes: Uint8Array }[] = [];
    for (const device of model.devices) {
      for (let from = 1; from <= device.events.length; ) {
        const to = Math.min(device.events.length, from + random.int(1, BATCH_EVENT_COUNT_MAX) - 1);
        const batch = device.batch({ fromSeq: from, toSeq: to });
        for (let k = random.int(1, RESEND_COUNT_MAX); k > 0; k -= 1) uploads.push({ deviceId: device.deviceId, bytes: batch.bytes });
        if (random.next() < 0.15) {
          const envelope = decodeEnvelope(batch.bytes);
          uploads.push({ deviceId: device.deviceId, bytes: encodeEnvelope({ ...envelope, signature: Uint8Array.from(envelope.signature, (x, i) => (i === 5 ? x ^ 0x40 : x)) }) });
          uploads.push({ deviceId: device.deviceId, bytes: batch.bytes.subarray(0, random.int(0, batch.bytes.length - 1)) });
        }
        from = to + 1;
      }
    }
    // Another key claiming to be device 7001: refused by signature, changes nothing.
    const impostor = new DeviceJournal({ deviceId: 7001 });
    impostor.append({ at: '2026-12-04T05:00:00.000Z', kind: 'top-up', application: 'transit', cardNumber: h.cardNumbers[0] ?? '', tmc: 1, amountVnd: 1_000_000, balanceBeforeVnd: 0, balanceAfterVnd: 1_000_000, operatorId: 'hanoibus' });
    uploads.push({ deviceId: 7001, bytes: impostor.batch({ fromSeq: 1, toSeq: 1, batchSeq: 9999 }).bytes });

    const shuffled = random.shuffle(uploads);
    const kinds = new Map<string, number>();
    for (let i = 0; i < shuffled.length; i += CONCURRENT_UPLOAD_COUNT) {
      const outcomes = await Promise.all(shuffled.slice(i, i + CONCURRENT_UPLOAD_COUNT).map((u) => h.ingest(u.deviceId, u.bytes)));
      for (const o of outcomes) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    }
    expect(kinds.get('conflict') ?? 0).toBe(0);
    expect(kinds.get('accepted')).toBeGreaterThan(0);
    if (posting === 'deferred') expect((await postPendingEvents(h.database.db, { cardCountMax: 7 })).postedEventCount).toBeGreaterThan(0);

    const db = h.database.db;
    for (const device of model.devices) {
      const [row] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n, coalesce(max(seq), 0) AS m FROM events WHERE device_id = ${device.deviceId}`);
      expect({ count: toNumber(row?.['n']), max: toNumber(row?.['m']) }).toEqual({ count: device.events.length, max: device.events.length });
    }
    const [held] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM events WHERE posting_status NOT IN ('posted', 'recorded')`);
    expect(toNumber(held?.['n'])).toBe(0);

    const accounts = await queryRows<Record<string, unknown>>(db, sql`SELECT id, credits_posted_vnd - debits_posted_vnd AS balance, credits_pending_vnd AS pending FROM ledger_accounts`);
    const actual = new Map(accounts.map((a) => [String(a['id']), toNumber(a['balance'])]));
    for (const [id, expected] of model.expectedBalanceVnd) expect([id, actual.get(id) ?? 0]).toEqual([id, expected]);
    for (const [id, balance] of actual) expect([id, balance]).toEqual([id, model.expectedBalanceVnd.get(id) ?? 0]);
    expect(accounts.reduce((sum, a) => sum + toNumber(a['pending']), 0)).toBe(model.pendingCreditsVnd);
    for (const card of model.cards) expect(actual.get(`card:${card.cardNumber}:transit`) ?? 0).toBe(card.balanceVnd);

    const totals = await ledgerTotals(db);
    expect(totals.debitsPostedVnd).toBe(totals.creditsPostedVnd);
    expect(totals.recomputedMatches).toBe(true);

    const states = await queryRows<Record<string, unknown>>(db, sql`SELECT card_number, last_tmc FROM card_states WHERE application = 'transit'`);
    const lastTmc = new Map(states.map((s) => [String(s['card_number']), toNumber(s['last_tmc'])]));
    for (const card of model.cards) expect(lastTmc.get(card.cardNumber) ?? 0).toBe(card.tmc);
    const tmcRuns = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT card_number, count(*) AS n, count(DISTINCT tmc) AS d, min(tmc) AS lo, max(tmc) AS hi FROM events WHERE tmc IS NOT NULL AND posting_status = 'posted' GROUP BY card_number`,
    );
    for (const run of tmcRuns) expect([toNumber(run['n']), toNumber(run['d']), toNumber(run['lo'])]).toEqual([toNumber(run['hi']), toNumber(run['hi']), 1]);

    const exceptions = await queryRows<Record<string, unknown>>(db, sql`SELECT kind, count(*) AS n FROM reconciliation_exceptions GROUP BY kind`);
    expect(exceptions.map((e) => [e['kind'], toNumber(e['n'])])).toEqual([]);
    const [quarantined] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM quarantine`);
    expect(toNumber(quarantined?.['n'])).toBeGreaterThan(0);
  }, 120_000);
});
