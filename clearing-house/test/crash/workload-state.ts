/** The crash tests' workload: seeding it, writing its uploads for the child, and checking the end state. */
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { toHex } from '@onecard/keys';
import { generateDay, signUploads, type BenchDay } from '../../bench/workload.js';
import type { Executor } from '../../src/db/open.js';
import { jsonRecordset, queryRows, toNumber } from '../../src/db/rows.js';
import { ledgerTotals } from '../../src/ledger/balances.js';
import { Random } from '@onecard/keys/testing';

export interface CrashWorkload {
  readonly day: BenchDay;
  readonly uploadCount: number;
}

/** Seeds reference data and writes the shuffled uploads to `file` (JSON, base64). */
export async function seedWorkload(db: Executor, input: { readonly file: string; readonly tapCount: number; readonly seed: number }): Promise<CrashWorkload> {
  const day = generateDay({ deviceCount: 10, cardCount: 500, tapCount: input.tapCount, seed: input.seed });
  await db.execute(sql`INSERT INTO organisations (id, kind, name) VALUES ('hanoibus', 'operator', 'Hanoi Bus')`);
  await db.execute(sql`INSERT INTO cards (card_number) SELECT x.n FROM ${jsonRecordset(day.cardNumbers.map((n) => ({ n })), 'n text')}`);
  const devices = day.devices.map((d) => ({ id: d.deviceId, k: d.keyId, h: toHex(d.keyPair.publicKey), s: d.deviceId.toString(16) }));
  await db.execute(sql`INSERT INTO devices (device_id, role, certificate_pem, certificate_serial_hex, not_after, journal_key_id, journal_public_key_hex)
    SELECT x.id, 'validator', 'crash-test', x.s, '2030-01-01T00:00:00Z', x.k, x.h FROM ${jsonRecordset(devices, 'id bigint, k text, h text, s text')}`);
  const uploads = new Random(input.seed).shuffle(signUploads(day, 40));
  writeFileSync(input.file, JSON.stringify(uploads.map((u) => ({ deviceId: u.deviceId, base64: Buffer.from(u.bytes).toString('base64') }))));
  return { day, uploadCount: uploads.length };
}

/** Every event once and posted, every batch accepted, purses equal to the cards' last balances, ledger balanced, nothing flagged. */
export async function expectFinalState(db: Executor, workload: CrashWorkload): Promise<void> {
  const [events] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n, count(*) FILTER (WHERE posting_status <> 'posted') AS unposted FROM events`);
  expect([toNumber(events?.['n']), toNumber(events?.['unposted'])]).toEqual([workload.day.eventCount, 0]);
  const [batches] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM batches WHERE status = 'accepted'`);
  expect(toNumber(batches?.['n'])).toBe(workload.uploadCount);
  const expected = new Map<string, { tmc: number; balanceVnd: number }>();
  for (const device of workload.day.devices) {
    for (const e of device.events) {
      const previous = expected.get(e.cardNumber);
      if (previous === undefined || (e.tmc ?? 0) > previous.tmc) expected.set(e.cardNumber, { tmc: e.tmc ?? 0, balanceVnd: e.balanceAfterVnd ?? 0 });
    }
  }
  const purses = await queryRows<Record<string, unknown>>(db, sql`SELECT card_number, credits_posted_vnd - debits_posted_vnd AS balance FROM ledger_accounts WHERE kind = 'card_purse'`);
  expect(purses.length).toBe(expected.size);
  for (const purse of purses) expect(toNumber(purse['balance'])).toBe(expected.get(String(purse['card_number']))?.balanceVnd);
  const totals = await ledgerTotals(db);
  expect(totals.recomputedMatches && totals.debitsPostedVnd === totals.creditsPostedVnd).toBe(true);
  const [exceptions] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM reconciliation_exceptions`);
  expect(toNumber(exceptions?.['n'])).toBe(0);
}
