import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeEnvelope, encodeEnvelope, generateEd25519KeyPair } from '@onecard/keys';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { testBackends } from '../../test/support/database.js';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { createTestPki, OPERATOR_ID, registerTestDevice, SCHOOL_SITE_CODE, type TestPki } from '../../test/support/seed.js';
import { queryRows, toNumber } from '../db/rows.js';
import { purseAccount } from '../ledger/accounts.js';
import { balanceOf, ledgerTotals } from '../ledger/balances.js';

const AT = '2026-12-04T01:00:00.000Z';

function topUp(cardNumber: string, tmc: number, beforeVnd: number, amountVnd: number): EventInput {
  return { at: AT, kind: 'top-up', application: 'transit', cardNumber, tmc, amountVnd, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd + amountVnd, operatorId: OPERATOR_ID };
}
function fare(cardNumber: string, tmc: number, beforeVnd: number, amountVnd = 8000): EventInput {
  return { at: AT, kind: 'fare', application: 'transit', cardNumber, tmc, amountVnd, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd - amountVnd, operatorId: OPERATOR_ID, routeId: '32' };
}

async function eventCount(h: Harness, deviceId: number): Promise<number> {
  const [row] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM events WHERE device_id = ${deviceId}`);
  return toNumber(row?.['n']);
}

describe.each(testBackends())('ingesting batches (%s)', (backend) => {
  let h: Harness;
  let pki: TestPki;
  const a = new DeviceJournal({ deviceId: 1001 });
  const b = new DeviceJournal({ deviceId: 1002 });
  let serialB = '';

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 20 });
    pki = createTestPki();
    await registerTestDevice(h.database.db, pki, a);
    serialB = await registerTestDevice(h.database.db, pki, b);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('accepts a batch, posts its money and answers duplicate for a re-send', async () => {
    const card = h.cardNumbers[0] ?? '';
    a.append(topUp(card, 1, 0, 50_000));
    a.append(fare(card, 2, 50_000));
    a.append({ at: AT, kind: 'gate-in', application: 'student', cardNumber: card, amountVnd: 0, siteCode: SCHOOL_SITE_CODE });
    const first = a.batch({ fromSeq: 1, toSeq: 3 });
    expect(await h.ingest(a.deviceId, first.bytes)).toEqual({ kind: 'accepted', batchSeq: 1, eventCount: 3, newEventCount: 3 });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(42_000);
    for (let k = 0; k < 3; k += 1) expect(await h.ingest(a.deviceId, first.bytes)).toEqual({ kind: 'duplicate', batchSeq: 1 });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(42_000);
    expect(await eventCount(h, a.deviceId)).toBe(3);
  });

  it('applies concurrent re-sends exactly once', async () => {
    const card = h.cardNumbers[1] ?? '';
    const from = a.events.length + 1;
    a.append(topUp(card, 1, 0, 20_000));
    a.append(fare(card, 2, 20_000, 7000));
    const batch = a.batch({ fromSeq: from, toSeq: a.events.length });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => h.ingest(a.deviceId, batch.bytes)));
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(5);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(13_000);
  });

  it('answers conflict for other bytes under a used batchSeq and flags the device', async () => {
    const from = a.events.length + 1;
    a.append(fare(h.cardNumbers[0] ?? '', 3, 42_000));
    const other = a.batch({ fromSeq: from, toSeq: from, batchSeq: 1 });
    expect(await h.ingest(a.deviceId, other.bytes)).toEqual({ kind: 'conflict', batchSeq: 1 });
    const [device] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT flagged_at FROM devices WHERE device_id = ${a.deviceId}`);
    expect(device?.['flagged_at']).not.toBeNull();
    const proper = a.batch({ fromSeq: from, toSeq: from });
    expect(await h.ingest(a.deviceId, proper.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await balanceOf(h.database.db, purseAccount(h.cardNumbers[0] ?? '', 'transit').id)).toBe(34_000);
  });

  it('posts in card TMC order whatever the arrival order across devices', async () => {
    const card = h.cardNumbers[2] ?? '';
    const fromA = a.events.length + 1;
    a.append(topUp(card, 1, 0, 30_000));
    const loadBatch = a.batch({ fromSeq: fromA, toSeq: fromA });
    const fromB = b.events.length + 1;
    b.append(fare(card, 2, 30_000));
    b.append(fare(card, 3, 22_000));
    const fareBatch = b.batch({ fromSeq: fromB, toSeq: b.events.length });
    expect(await h.ingest(b.deviceId, fareBatch.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(0);
    const [held] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM events WHERE card_number = ${card} AND posting_status = 'held'`);
    expect(toNumber(held?.['n'])).toBe(2);
    expect(await h.ingest(a.deviceId, loadBatch.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(14_000);
    const [open] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM reconciliation_exceptions WHERE card_number = ${card}`);
    expect(toNumber(open?.['n'])).toBe(0);
  });

  it('quarantines a bad signature whole and accepts the next batch', async () => {
    const card = h.cardNumbers[3] ?? '';
    const from = b.events.length + 1;
    b.append(topUp(card, 1, 0, 10_000));
    const good = b.batch({ fromSeq: from, toSeq: from });
    const envelope = decodeEnvelope(good.bytes);
    const forged = encodeEnvelope({ ...envelope, signature: Uint8Array.from(envelope.signature, (x, i) => (i === 0 ? x ^ 1 : x)) });
    expect(await h.ingest(b.deviceId, forged)).toEqual({ kind: 'quarantined', batchSeq: null, reason: 'signature_invalid' });
    expect(await h.ingest(b.deviceId, forged)).toEqual({ kind: 'quarantined', batchSeq: null, reason: 'signature_invalid' });
    expect(await h.ingest(b.deviceId, good.bytes)).toMatchObject({ kind: 'accepted' });
    const [q] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM quarantine WHERE device_id = ${b.deviceId} AND reason = 'signature_invalid'`);
    expect(toNumber(q?.['n'])).toBe(1);
  });

  it('quarantines a batch naming an unknown card, answers the same on re-send, and goes on', async () => {
    const from = b.events.length + 1;
    b.append(topUp('9704999999999999', 1, 0, 10_000));
    const bad = b.batch({ fromSeq: from, toSeq: from });
    expect(await h.ingest(b.deviceId, bad.bytes)).toEqual({ kind: 'quarantined', batchSeq: bad.batchSeq, reason: 'card_unknown' });
    expect(await h.ingest(b.deviceId, bad.bytes)).toEqual({ kind: 'quarantined', batchSeq: bad.batchSeq, reason: 'card_unknown' });
    b.append(topUp(h.cardNumbers[4] ?? '', 1, 0, 5000));
    expect(await h.ingest(b.deviceId, b.batch({ fromSeq: from + 1, toSeq: from + 1 }).bytes)).toMatchObject({ kind: 'accepted' });
  });

  it('quarantines a batch naming an unknown card beside cards the known-cards cache already holds', async () => {
    const from = b.events.length + 1;
    b.append(topUp(h.cardNumbers[4] ?? '', 2, 5000, 1000));
    b.append(topUp('9704999999999998', 1, 0, 10_000));
    const mixed = b.batch({ fromSeq: from, toSeq: from + 1 });
    expect(await h.ingest(b.deviceId, mixed.bytes)).toEqual({ kind: 'quarantined', batchSeq: mixed.batchSeq, reason: 'card_unknown' });
  });

  it('quarantines records whose money does not add up and a card counter going backwards', async () => {
    const card = h.cardNumbers[5] ?? '';
    const from = b.events.length + 1;
    b.append({ ...fare(card, 5, 10_000), balanceAfterVnd: 9000 });
    expect(await h.ingest(b.deviceId, b.batch({ fromSeq: from, toSeq: from }).bytes)).toMatchObject({ kind: 'quarantined', reason: 'record_malformed' });
    b.append(topUp(card, 7, 0, 1000));
    b.append(topUp(card, 6, 1000, 1000));
    expect(await h.ingest(b.deviceId, b.batch({ fromSeq: from + 1, toSeq: from + 2 }).bytes)).toMatchObject({ kind: 'quarantined', reason: 'counter_backwards' });
  });

  it('checks the chain link to stored neighbours, also when the predecessor arrives late', async () => {
    const device = new DeviceJournal({ deviceId: 1003 });
    await registerTestDevice(h.database.db, pki, device);
    const card = h.cardNumbers[6] ?? '';
    device.append(topUp(card, 1, 0, 9000));
    device.append(fare(card, 2, 9000));
    const impostor = new DeviceJournal({ deviceId: 1003, keyPair: device.keyPair });
    impostor.append({ ...topUp(card, 1, 0, 9000), at: '2026-12-04T01:00:01.000Z' });
    impostor.append(fare(card, 2, 9000));
    expect(await h.ingest(1003, device.batch({ fromSeq: 2, toSeq: 2, batchSeq: 2 }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await h.ingest(1003, impostor.batch({ fromSeq: 1, toSeq: 1, batchSeq: 1 }).bytes)).toMatchObject({ kind: 'quarantined', reason: 'chain_link_broken' });
    expect(await h.ingest(1003, device.batch({ fromSeq: 1, toSeq: 1, batchSeq: 3 }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(1000);
  });

  it('refuses unknown, revoked and expired devices and non-envelopes before looking further', async () => {
    const stranger = new DeviceJournal({ deviceId: 4040 });
    stranger.append(topUp(h.cardNumbers[7] ?? '', 1, 0, 1000));
    expect(await h.ingest(4040, stranger.batch({ fromSeq: 1, toSeq: 1 }).bytes)).toEqual({ kind: 'refused', code: 'device_unknown' });
    const bytes = b.batch({ fromSeq: 1, toSeq: 1 }).bytes;
    for (const cut of [0, 3, 10, bytes.length - 1]) expect(await h.ingest(b.deviceId, bytes.subarray(0, cut))).toEqual({ kind: 'refused', code: 'envelope_malformed' });
    await h.database.db.execute(sql`UPDATE devices SET status = 'revoked' WHERE certificate_serial_hex = ${serialB}`);
    expect(await h.ingest(b.deviceId, bytes)).toEqual({ kind: 'refused', code: 'device_revoked' });
    await h.database.db.execute(sql`UPDATE devices SET status = 'active', not_after = '2026-01-01T00:00:00Z' WHERE device_id = ${b.deviceId}`);
    expect(await h.ingest(b.deviceId, bytes)).toEqual({ kind: 'refused', code: 'certificate_expired' });
  });

  it('keeps the ledger balanced and its stored totals equal to the transfers', async () => {
    const totals = await ledgerTotals(h.database.db);
    expect(totals.debitsPostedVnd).toBe(totals.creditsPostedVnd);
    expect(totals.recomputedMatches).toBe(true);
  });

  it('refuses a batch signed by another key as key_id_unknown or signature_invalid', async () => {
    const other = new DeviceJournal({ deviceId: a.deviceId, keyPair: generateEd25519KeyPair() });
    other.append(topUp(h.cardNumbers[8] ?? '', 1, 0, 1000));
    expect(await h.ingest(a.deviceId, other.batch({ fromSeq: 1, toSeq: 1, batchSeq: 99 }).bytes)).toEqual({ kind: 'quarantined', batchSeq: null, reason: 'signature_invalid' });
  });
});
