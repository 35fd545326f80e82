/**
 * Deny-list entries from the database: manual blocks (issuer, lost, stolen,
 * replaced) and fraud suspicions raised by reconciliation. Reason codes are
 * the validator's DenyReason (validator/src/ports.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows } from '../db/rows.js';
import { cards } from '../db/schema/cards.js';
import { addListEntries, removeListEntries } from './entries.js';

export const DENY_REASONS = ['lost', 'stolen', 'blocked_by_issuer', 'fraud_suspected', 'replaced'] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

/** Exception kinds that are signs of a cloned or tampered card. */
export const FRAUD_EXCEPTION_KINDS = ['tmc_duplicate', 'balance_rise_without_load', 'autoload_without_order'] as const;

/** Who placed a manual block (kept in the entry's payload: the audit record, never sent to devices by the city's encoder). */
export interface DenyAudit {
  readonly userId: string;
  readonly organisationId: string;
  /** UTC instant, ISO 8601. */
  readonly at: string;
}

export function denyPayloadOf(reason: DenyReason, by: DenyAudit | undefined): Readonly<Record<string, string>> {
  return by === undefined ? { reason } : { reason, blockedByUserId: by.userId, blockedByOrganisationId: by.organisationId, blockedAt: by.at };
}

export async function denyCards(db: Executor, entries: readonly { readonly cardNumber: string; readonly reason: DenyReason; readonly by?: DenyAudit }[]): Promise<number | null> {
  if (entries.length === 0) return null;
  const version = await addListEntries(db, 'deny', entries.map((e) => ({ entryKey: e.cardNumber, cardNumber: e.cardNumber, payload: denyPayloadOf(e.reason, e.by) })));
  await db.update(cards).set({ status: 'blocked' }).where(inArray(cards.cardNumber, entries.map((e) => e.cardNumber)));
  return version;
}

export async function undenyCards(db: Executor, cardNumbers: readonly string[]): Promise<number | null> {
  const version = await removeListEntries(db, 'deny', cardNumbers);
  if (cardNumbers.length > 0) await db.update(cards).set({ status: 'active' }).where(and(inArray(cards.cardNumber, [...cardNumbers]), eq(cards.status, 'blocked')));
  return version;
}

/** Deny-lists every card with an open fraud-sign exception (the optional automatic step after reconciliation). */
export async function denyCardsWithFraudSigns(db: Executor): Promise<number | null> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT DISTINCT x.card_number FROM reconciliation_exceptions x
        WHERE x.status = 'open' AND x.card_number IS NOT NULL AND x.kind IN (${sql.raw(FRAUD_EXCEPTION_KINDS.map((k) => `'${k}'`).join(','))})
        ORDER BY 1`,
  );
  return denyCards(db, rows.map((r) => ({ cardNumber: String(r['card_number']), reason: 'fraud_suspected' as const })));
}
