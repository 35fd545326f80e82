/**
 * Monthly-pass sales. A sale paid in cash at an operator's counter posts the
 * cash into the operator's pass revenue and publishes a `load-contract`
 * action entry that an autoload-capable validator writes on the card at its
 * next tap (PROFILE.md §12); the card's journaled `contract-load` with the
 * actionId withdraws the entry (src/lists/actions.ts).
 *
 * The sale is recorded by its action-list row (kept whole after withdrawal:
 * list history is never deleted) and its ledger transfer, both keyed by a
 * UUID derived from the client's idempotency key: a retry finds the row and
 * answers the same sale; the same key with another body is refused.
 *
 * The card's saleId (u32 in the contract slot) is per card: one more than the
 * card's highest, under a per-card transaction lock. The action's seq is the
 * list version that added it, as for autoloads (the city's list encoder), so
 * a card's actions keep one strictly increasing order.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { withTransactionRetry } from '../db/retry.js';
import { queryRows, toNumber } from '../db/rows.js';
import { cards } from '../db/schema/cards.js';
import { listEntries } from '../db/schema/lists.js';
import { cashAccount, ensureAccounts } from '../ledger/accounts.js';
import { insertTransfers } from '../ledger/transfers.js';
import { addListEntries } from '../lists/entries.js';
import { actionIdOfSale, operatorPassRevenueAccount, passPaymentTransferId, passSaleUuid } from './accounts.js';
import { checkPassContract, type ContractFailure, type PassContract } from './contract.js';

export const PASS_IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;
/** saleId is u32 in the contract slot. */
export const SALE_ID_MAX = 0xffff_ffff;

export type SellPassFailure = ContractFailure | 'card_unknown' | 'card_blocked' | 'operator_unknown' | 'idempotency_key_invalid' | 'idempotency_key_reused' | 'sale_id_exhausted';

export interface SellPassInput {
  readonly operatorId: string;
  readonly cardNumber: string;
  readonly contract: PassContract;
  /** Only cash taken at the counter for now (a top-up order as payment is not built). */
  readonly payment: { readonly method: 'cash' };
  readonly idempotencyKey: string;
  /** UTC instant of the sale, ISO 8601. */
  readonly at: string;
}

export interface PassSale {
  readonly saleUuid: string;
  /** The card's sale reference, written in the contract slot. */
  readonly saleId: number;
  readonly actionId: string;
  /** The action-list version that published the entry (also the action's seq). */
  readonly listVersion: number;
  /** False when the idempotency key found an earlier sale. */
  readonly created: boolean;
}

export type SellPassResult = { readonly ok: true; readonly sale: PassSale } | { readonly ok: false; readonly code: SellPassFailure };

type SalePayload = Readonly<Record<string, string | number>>;

function payloadOf(input: SellPassInput, actionId: string, saleUuid: string, saleId: number): SalePayload {
  const c = input.contract;
  return {
    kind: 'load-contract',
    actionId,
    application: 'transit',
    saleUuid,
    saleId,
    operatorId: input.operatorId,
    contractKind: c.kind,
    tariff: c.tariff,
    routeId: c.routeId,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    pricePaidVnd: c.priceVnd,
    paymentMethod: input.payment.method,
  };
}

/** The fields a retry must repeat (everything but the assigned saleId). */
function sameSale(stored: unknown, wanted: SalePayload): boolean {
  if (typeof stored !== 'object' || stored === null) return false;
  const record = stored as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => key === 'saleId' || record[key] === value);
}

async function sellInTransaction(db: Executor, input: SellPassInput): Promise<SellPassResult> {
  const saleUuid = passSaleUuid(input.idempotencyKey);
  const actionId = actionIdOfSale(saleUuid);
  return db.transaction(async (tx) => {
    // One sale at a time per card: the next saleId is read and used under this lock.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`onecard-pass-sale:${input.cardNumber}`}))`);
    const [existing] = await tx.select({ cardNumber: listEntries.cardNumber, payload: listEntries.payload, addedVersion: listEntries.addedVersion }).from(listEntries).where(and(eq(listEntries.kind, 'action'), eq(listEntries.entryKey, actionId)));
    if (existing !== undefined) {
      const saleId = toNumber((existing.payload as Record<string, unknown>)['saleId']);
      const same = existing.cardNumber === input.cardNumber && sameSale(existing.payload, payloadOf(input, actionId, saleUuid, saleId));
      return same ? { ok: true, sale: { saleUuid, saleId, actionId, listVersion: existing.addedVersion, created: false } } : { ok: false, code: 'idempotency_key_reused' };
    }
    const [operator] = await queryRows<Record<string, unknown>>(tx, sql`SELECT id FROM organisations WHERE id = ${input.operatorId} AND kind = 'operator'`);
    if (operator === undefined) return { ok: false, code: 'operator_unknown' };
    const [card] = await tx.select({ status: cards.status }).from(cards).where(eq(cards.cardNumber, input.cardNumber));
    if (card === undefined) return { ok: false, code: 'card_unknown' };
    if (card.status !== 'active') return { ok: false, code: 'card_blocked' };
    const [last] = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT coalesce(max((payload->>'saleId')::bigint), 0) AS sale_id FROM list_entries
          WHERE kind = 'action' AND card_number = ${input.cardNumber} AND payload->>'kind' = 'load-contract'`,
    );
    const saleId = toNumber(last?.['sale_id']) + 1;
    if (saleId > SALE_ID_MAX) return { ok: false, code: 'sale_id_exhausted' };
    if (input.contract.priceVnd > 0) {
      const cash = cashAccount(input.operatorId);
      const revenue = operatorPassRevenueAccount(input.operatorId);
      await ensureAccounts(tx, [cash, revenue]);
      await insertTransfers(tx, [
        { id: passPaymentTransferId(saleUuid), debitAccountId: cash.id, creditAccountId: revenue.id, amountVnd: input.contract.priceVnd, phase: 'posted', pendingId: null, code: 'pass_sale', eventDeviceId: null, eventSeq: null, at: input.at },
      ]);
    }
    const version = await addListEntries(tx, 'action', [{ entryKey: actionId, cardNumber: input.cardNumber, payload: payloadOf(input, actionId, saleUuid, saleId) }]);
    if (version === null) throw new Error('pass sale: the action entry was live already');
    return { ok: true, sale: { saleUuid, saleId, actionId, listVersion: version, created: true } };
  });
}

/** Sells a pass once per idempotency key (retries under concurrent writers like the other money paths). */
export async function sellPass(db: Executor, input: SellPassInput): Promise<SellPassResult> {
  if (!PASS_IDEMPOTENCY_KEY_RE.test(input.idempotencyKey)) return { ok: false, code: 'idempotency_key_invalid' };
  const contractFailure = checkPassContract(input.contract);
  if (contractFailure !== null) return { ok: false, code: contractFailure };
  return withTransactionRetry(() => sellInTransaction(db, input));
}
