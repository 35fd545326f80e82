import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { DeviceJournal } from '../../test/support/journal.js';
import { RecordingPaymentGateway } from '../../test/support/payment-gateway.js';
import { insertDevicesDirect } from '../../test/support/seed.js';
import { queryRows, toNumber } from '../db/rows.js';
import { purseAccount } from '../ledger/accounts.js';
import { accountBalances, ledgerTotals } from '../ledger/balances.js';
import { listSnapshot } from '../lists/entries.js';
import { createTopupOrder } from './orders.js';
import { applyPaymentEvent } from './webhook.js';

const AT = '2026-12-04T02:00:00.000Z';

describe.each(testBackends())('top-ups, database side (%s)', (backend) => {
  let h: Harness;
  const gateway = new RecordingPaymentGateway();
  const validator = new DeviceJournal({ deviceId: 2001 });

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 5 });
    await insertDevicesDirect(h.database.db, [validator]);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  async function deliver(signed: { readonly body: string; readonly signature: string }): Promise<string> {
    const parsed = gateway.parseWebhook(signed.body, signed.signature);
    if (!parsed.ok) return parsed.failure;
    return applyPaymentEvent(h.database.db, parsed.event);
  }

  async function order(cardIndex: number, key: string, amountVnd = 50_000): Promise<{ orderId: string; actionId: string; paymentIntentId: string }> {
    const created = await createTopupOrder({ db: h.database.db, gateway }, { cardNumber: h.cardNumbers[cardIndex] ?? '', application: 'transit', amountVnd, idempotencyKey: key, at: AT });
    if (!created.ok) throw new Error(created.code);
    return { orderId: created.orderId, actionId: created.actionId, paymentIntentId: created.payment.paymentIntentId };
  }

  it('creates an order once per idempotency key, holding a pending transfer', async () => {
    const first = await order(0, 'order-key-0001');
    const again = await order(0, 'order-key-0001');
    expect(again).toEqual(first);
    expect(gateway.calls.map((c) => c.idempotencyKey)).toEqual(['topup-order-key-0001', 'topup-order-key-0001']);
    const purse = (await accountBalances(h.database.db, [purseAccount(h.cardNumbers[0] ?? '', 'transit').id])).get(purseAccount(h.cardNumbers[0] ?? '', 'transit').id);
    expect(purse).toMatchObject({ balanceVnd: 0, creditsPendingVnd: 50_000 });
    expect(await createTopupOrder({ db: h.database.db, gateway }, { cardNumber: h.cardNumbers[0] ?? '', application: 'transit', amountVnd: 60_000, idempotencyKey: 'order-key-0001', at: AT })).toEqual({ ok: false, code: 'idempotency_key_reused' });
    expect(await createTopupOrder({ db: h.database.db, gateway }, { cardNumber: '9704000000009999', application: 'transit', amountVnd: 60_000, idempotencyKey: 'order-key-0002', at: AT })).toEqual({ ok: false, code: 'card_unknown' });
    expect(await createTopupOrder({ db: h.database.db, gateway }, { cardNumber: h.cardNumbers[0] ?? '', application: 'transit', amountVnd: 5, idempotencyKey: 'order-key-0003', at: AT })).toEqual({ ok: false, code: 'amount_out_of_range' });
  });

  it('applies a signed payment webhook once and lists the autoload; the card confirming it posts the ledger', async () => {
    const o = await order(1, 'order-key-1001');
    const event = gateway.paymentIntentEvent({ eventId: 'evt_paid_1', type: 'payment_intent.succeeded', paymentIntentId: o.paymentIntentId, orderId: o.orderId, amountVnd: 50_000 });
    expect(await deliver({ ...event, body: event.body.replace('50000', '50001') })).toBe('signature_invalid');
    expect(await deliver(event)).toBe('paid');
    expect(await deliver(event)).toBe('duplicate');
    const listed = await listSnapshot(h.database.db, 'action', 0);
    expect(listed.status === 'full' && listed.entries.map((e) => e.entryKey)).toContain(o.actionId);
    const versionBefore = listed.version;
    const card = h.cardNumbers[1] ?? '';
    validator.append({ at: AT, kind: 'autoload', application: 'transit', cardNumber: card, tmc: 1, amountVnd: 50_000, balanceBeforeVnd: 0, balanceAfterVnd: 50_000, actionId: o.actionId });
    const batch = validator.batch({ fromSeq: 1, toSeq: 1 });
    expect(await h.ingest(validator.deviceId, batch.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await h.ingest(validator.deviceId, batch.bytes)).toMatchObject({ kind: 'duplicate' });
    const purseId = purseAccount(card, 'transit').id;
    expect((await accountBalances(h.database.db, [purseId])).get(purseId)).toMatchObject({ balanceVnd: 50_000, creditsPendingVnd: 0 });
    const delta = await listSnapshot(h.database.db, 'action', versionBefore);
    expect(delta).toMatchObject({ status: 'delta', removedKeys: [o.actionId] });
    const [row] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT status FROM topup_orders WHERE id = ${o.orderId}`);
    expect(row?.['status']).toBe('applied');
  });

  it('voids the pending transfer of a canceled payment and of a refund before the card loaded it', async () => {
    const canceled = await order(2, 'order-key-2001');
    expect(await deliver(gateway.paymentIntentEvent({ eventId: 'evt_fail_2', type: 'payment_intent.payment_failed', paymentIntentId: canceled.paymentIntentId, orderId: canceled.orderId, amountVnd: 50_000 }))).toBe('attempt_failed');
    expect(await deliver(gateway.paymentIntentEvent({ eventId: 'evt_cancel_2', type: 'payment_intent.canceled', paymentIntentId: canceled.paymentIntentId, orderId: canceled.orderId, amountVnd: 50_000 }))).toBe('canceled');
    const refunded = await order(3, 'order-key-3001', 30_000);
    expect(await deliver(gateway.paymentIntentEvent({ eventId: 'evt_paid_3', type: 'payment_intent.succeeded', paymentIntentId: refunded.paymentIntentId, orderId: refunded.orderId, amountVnd: 30_000 }))).toBe('paid');
    expect(await deliver(gateway.refundEvent({ eventId: 'evt_refund_3a', paymentIntentId: refunded.paymentIntentId, amountVnd: 30_000, refundedVnd: 10_000 }))).toBe('partial_refund');
    expect(await deliver(gateway.refundEvent({ eventId: 'evt_refund_3b', paymentIntentId: refunded.paymentIntentId, amountVnd: 30_000, refundedVnd: 30_000 }))).toBe('refunded');
    const snapshot = await listSnapshot(h.database.db, 'action', 0);
    expect(snapshot.status === 'full' && snapshot.entries.map((e) => e.entryKey)).not.toContain(refunded.actionId);
    const ids = [2, 3].map((i) => purseAccount(h.cardNumbers[i] ?? '', 'transit').id);
    const balances = await accountBalances(h.database.db, ids);
    for (const id of ids) expect(balances.get(id)).toMatchObject({ balanceVnd: 0, creditsPendingVnd: 0 });
  });

  it('flags an autoload with no paid order and a refund after the card loaded, and stays balanced', async () => {
    const card = h.cardNumbers[4] ?? '';
    validator.append({ at: AT, kind: 'autoload', application: 'transit', cardNumber: card, tmc: 1, amountVnd: 20_000, balanceBeforeVnd: 0, balanceAfterVnd: 20_000, actionId: 'topup:not-an-order' });
    expect(await h.ingest(validator.deviceId, validator.batch({ fromSeq: 2, toSeq: 2 }).bytes)).toMatchObject({ kind: 'accepted' });
    const loaded = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT o.payment_intent_id FROM topup_orders o WHERE o.status = 'applied'`);
    const paymentIntentId = String(loaded[0]?.['payment_intent_id']);
    expect(await deliver(gateway.refundEvent({ eventId: 'evt_refund_late', paymentIntentId, amountVnd: 50_000, refundedVnd: 50_000 }))).toBe('refund_after_load');
    const kinds = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT kind FROM reconciliation_exceptions ORDER BY kind`);
    expect(kinds.map((k) => k['kind'])).toEqual(['autoload_without_order', 'refund_after_load']);
    const totals = await ledgerTotals(h.database.db);
    expect(totals.recomputedMatches).toBe(true);
    const [suspense] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT debits_posted_vnd FROM ledger_accounts WHERE id = 'suspense'`);
    expect(toNumber(suspense?.['debits_posted_vnd'])).toBe(20_000);
  });
});
