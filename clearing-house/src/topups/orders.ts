/**
 * Top-up orders, the database side. An order holds a pending ledger transfer
 * (Stripe clearing → the card's purse) from the start; the payment webhook
 * turns a paid order into an action-list entry (autoload) for validators, and
 * the card's journaled autoload with that actionId posts the pending transfer
 * (src/ledger/posting). The gateway is the other engineer's PaymentGateway
 * (src/stripe/payment-gateway.ts).
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { withTransactionRetry } from '../db/retry.js';
import { cards } from '../db/schema/cards.js';
import { topupOrders } from '../db/schema/topups.js';
import { ensureAccounts, purseAccount, STRIPE_CLEARING_ACCOUNT, type PurseApplication } from '../ledger/accounts.js';
import { deterministicUuid, insertTransfers } from '../ledger/transfers.js';
import type { CreatedPaymentIntent, PaymentGateway } from '../stripe/payment-gateway.js';

export const TOPUP_AMOUNT_VND_MIN = 10_000;
/** The transit purse holds at most 2,000,000 VND (PROFILE.md); one top-up stays below it. */
export const TOPUP_AMOUNT_VND_MAX = 2_000_000;
export const IDEMPOTENCY_KEY_LENGTH_CHARS_MAX = 128;
const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export const pendingTopupTransferId = (orderId: string): string => deterministicUuid(`topup-pending:${orderId}`);
export const voidTopupTransferId = (orderId: string): string => deterministicUuid(`topup-void:${orderId}`);
export const actionIdOfOrder = (orderId: string): string => `topup:${orderId}`;

export type CreateOrderFailure = 'card_unknown' | 'card_blocked' | 'amount_out_of_range' | 'idempotency_key_invalid' | 'idempotency_key_reused';

export type CreateOrderResult =
  | { readonly ok: true; readonly orderId: string; readonly actionId: string; readonly payment: CreatedPaymentIntent }
  | { readonly ok: false; readonly code: CreateOrderFailure };

export interface CreateOrderInput {
  readonly cardNumber: string;
  readonly application: PurseApplication;
  readonly amountVnd: number;
  /** The caller's retry key: the same key answers the same order and PaymentIntent. */
  readonly idempotencyKey: string;
  readonly at: string;
}

async function insertOrder(db: Executor, input: CreateOrderInput, orderId: string): Promise<CreateOrderFailure | null> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(topupOrders).where(eq(topupOrders.idempotencyKey, input.idempotencyKey));
    if (existing !== undefined) {
      const same = existing.cardNumber === input.cardNumber && existing.application === input.application && existing.amountVnd === input.amountVnd;
      return same ? null : 'idempotency_key_reused';
    }
    const [card] = await tx.select({ status: cards.status }).from(cards).where(eq(cards.cardNumber, input.cardNumber));
    if (card === undefined) return 'card_unknown';
    if (card.status !== 'active') return 'card_blocked';
    const purse = purseAccount(input.cardNumber, input.application);
    await ensureAccounts(tx, [purse, STRIPE_CLEARING_ACCOUNT]);
    const pendingTransferId = pendingTopupTransferId(orderId);
    await insertTransfers(tx, [
      { id: pendingTransferId, debitAccountId: STRIPE_CLEARING_ACCOUNT.id, creditAccountId: purse.id, amountVnd: input.amountVnd, phase: 'pending', pendingId: null, code: 'autoload', eventDeviceId: null, eventSeq: null, at: input.at },
    ]);
    await tx.insert(topupOrders).values({ id: orderId, cardNumber: input.cardNumber, application: input.application, amountVnd: input.amountVnd, status: 'created', idempotencyKey: input.idempotencyKey, pendingTransferId, actionId: actionIdOfOrder(orderId) });
    return null;
  });
}

/** Creates (or finds again) an order and its PaymentIntent. The client secret is answered, never stored. */
export async function createTopupOrder(context: { readonly db: Executor; readonly gateway: PaymentGateway }, input: CreateOrderInput): Promise<CreateOrderResult> {
  if (!IDEMPOTENCY_KEY_RE.test(input.idempotencyKey)) return { ok: false, code: 'idempotency_key_invalid' };
  if (!Number.isSafeInteger(input.amountVnd) || input.amountVnd < TOPUP_AMOUNT_VND_MIN || input.amountVnd > TOPUP_AMOUNT_VND_MAX) return { ok: false, code: 'amount_out_of_range' };
  const orderId = deterministicUuid(`topup-order:${input.idempotencyKey}`);
  const failure = await withTransactionRetry(() => insertOrder(context.db, input, orderId));
  if (failure !== null) return { ok: false, code: failure };
  const payment = await context.gateway.createPaymentIntent({ orderId, amountVnd: input.amountVnd, idempotencyKey: `topup-${input.idempotencyKey}`, description: 'OneCard top-up' });
  await context.db.update(topupOrders).set({ paymentIntentId: payment.paymentIntentId }).where(eq(topupOrders.id, orderId));
  return { ok: true, orderId, actionId: actionIdOfOrder(orderId), payment };
}
