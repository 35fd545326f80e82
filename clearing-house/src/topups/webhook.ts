/**
 * Applies a verified payment webhook event exactly once: the event id is
 * recorded in the same transaction as its effects, so a re-delivery (Stripe
 * retries for days) finds its row and changes nothing.
 *   payment_succeeded  created → paid, action-list entry (autoload) added
 *   payment_failed     an attempt failed; the PaymentIntent may still succeed: recorded only
 *   payment_canceled   created → failed, pending transfer voided
 *   refunded (full)    paid → refunded, pending voided, action entry withdrawn;
 *                      after the card applied the load → refund_after_load exception for a person
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { withTransactionRetry } from '../db/retry.js';
import { paymentEvents, topupOrders } from '../db/schema/topups.js';
import { addListEntries, removeListEntries } from '../lists/entries.js';
import { purseAccount, STRIPE_CLEARING_ACCOUNT, isPurseApplication } from '../ledger/accounts.js';
import { insertTransfers } from '../ledger/transfers.js';
import { raiseExceptions } from '../reconcile/exceptions.js';
import type { PaymentWebhookEvent } from '../stripe/payment-gateway.js';
import { voidTopupTransferId } from './orders.js';

export const PAYMENT_OUTCOMES = ['paid', 'attempt_failed', 'canceled', 'refunded', 'refund_after_load', 'partial_refund', 'amount_mismatch', 'order_unknown', 'state_ignored', 'ignored', 'duplicate'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Order = typeof topupOrders.$inferSelect;

async function lockOrder(tx: Executor, by: { readonly orderId: string } | { readonly paymentIntentId: string }): Promise<Order | undefined> {
  if ('orderId' in by) {
    if (!UUID_RE.test(by.orderId)) return undefined;
    const [order] = await tx.select().from(topupOrders).where(eq(topupOrders.id, by.orderId)).for('update');
    return order;
  }
  const [order] = await tx.select().from(topupOrders).where(eq(topupOrders.paymentIntentId, by.paymentIntentId)).for('update');
  return order;
}

async function voidPending(tx: Executor, order: Order, at: string): Promise<void> {
  if (!isPurseApplication(order.application)) throw new Error('assertion failed: order for a non-purse application');
  await insertTransfers(tx, [
    { id: voidTopupTransferId(order.id), debitAccountId: STRIPE_CLEARING_ACCOUNT.id, creditAccountId: purseAccount(order.cardNumber, order.application).id, amountVnd: order.amountVnd, phase: 'void_pending', pendingId: order.pendingTransferId, code: 'autoload', eventDeviceId: null, eventSeq: null, at },
  ]);
}

async function setStatus(tx: Executor, order: Order, status: Order['status'], paymentIntentId?: string): Promise<void> {
  await tx
    .update(topupOrders)
    .set({ status, updatedAt: new Date().toISOString(), ...(paymentIntentId === undefined ? {} : { paymentIntentId }) })
    .where(eq(topupOrders.id, order.id));
}

async function apply(tx: Executor, event: Exclude<PaymentWebhookEvent, { kind: 'ignored' }>): Promise<PaymentOutcome> {
  const at = event.occurredAt.toISOString();
  const order = await lockOrder(tx, event.kind === 'refunded' ? { paymentIntentId: event.paymentIntentId } : { orderId: event.orderId });
  if (order === undefined) return 'order_unknown';
  switch (event.kind) {
    case 'payment_succeeded':
      if (order.status !== 'created') return 'state_ignored';
      if (event.amountVnd !== order.amountVnd) return 'amount_mismatch';
      await setStatus(tx, order, 'paid', event.paymentIntentId);
      await addListEntries(tx, 'action', [{ entryKey: order.actionId, cardNumber: order.cardNumber, payload: { kind: 'autoload', actionId: order.actionId, application: order.application, amountVnd: order.amountVnd } }]);
      return 'paid';
    case 'payment_failed':
      return 'attempt_failed';
    case 'payment_canceled':
      if (order.status !== 'created') return 'state_ignored';
      await voidPending(tx, order, at);
      await setStatus(tx, order, 'failed');
      return 'canceled';
    case 'refunded': {
      if (order.status === 'applied') {
        await raiseExceptions(tx, [{ kind: 'refund_after_load', dedupeKey: `refund_after_load:${order.id}`, cardNumber: order.cardNumber, application: order.application, deviceId: null, seq: null, operatorId: null, amountVnd: event.amountRefundedVndTotal, detail: { chargedVnd: event.amountChargedVnd, refundedVnd: event.amountRefundedVndTotal }, at }]);
        return 'refund_after_load';
      }
      if (order.status !== 'paid') return 'state_ignored';
      if (event.amountRefundedVndTotal < order.amountVnd) return 'partial_refund';
      await voidPending(tx, order, at);
      await removeListEntries(tx, 'action', [order.actionId]);
      await setStatus(tx, order, 'refunded');
      return 'refunded';
    }
  }
}

export async function applyPaymentEvent(db: Executor, event: PaymentWebhookEvent): Promise<PaymentOutcome> {
  return withTransactionRetry(() =>
    db.transaction(async (tx) => {
      const executor = tx as unknown as Executor;
      const recorded = await tx.insert(paymentEvents).values({ eventId: event.eventId, type: event.kind, orderId: null, outcome: 'pending' }).onConflictDoNothing().returning({ eventId: paymentEvents.eventId });
      if (recorded.length === 0) return 'duplicate';
      const outcome = event.kind === 'ignored' ? 'ignored' : await apply(executor, event);
      const orderId = event.kind === 'payment_succeeded' || event.kind === 'payment_failed' || event.kind === 'payment_canceled' ? event.orderId : null;
      await tx
        .update(paymentEvents)
        .set({ outcome, orderId: orderId !== null && UUID_RE.test(orderId) && outcome !== 'order_unknown' ? orderId : null })
        .where(eq(paymentEvents.eventId, event.eventId));
      return outcome;
    }),
  );
}
