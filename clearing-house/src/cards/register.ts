/**
 * Cards the clearing house knows: the issuance portal registers each card it
 * personalises (a batch naming an unknown card is quarantined). Registering
 * also opens the card's purse accounts. Idempotent.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { jsonRecordset, queryRows } from '../db/rows.js';
import { organisations } from '../db/schema/organisations.js';
import { ensureAccounts, PURSE_APPLICATIONS, purseAccount } from '../ledger/accounts.js';

export const CARD_REGISTRATION_COUNT_MAX = 10_000;
const CARD_NUMBER_RE = /^\d{16}$/;

export interface CardRegistration {
  readonly cardNumber: string;
  /** The school or agency that issued it; null for an anonymous transit card. */
  readonly organisationId: string | null;
}

export type RegisterCardsResult = { readonly ok: true; readonly newCardCount: number } | { readonly ok: false; readonly code: 'card_number_invalid' | 'organisation_unknown' | 'too_many_cards' };

export async function registerCards(db: Executor, registrations: readonly CardRegistration[]): Promise<RegisterCardsResult> {
  if (registrations.length > CARD_REGISTRATION_COUNT_MAX) return { ok: false, code: 'too_many_cards' };
  if (registrations.some((r) => !CARD_NUMBER_RE.test(r.cardNumber))) return { ok: false, code: 'card_number_invalid' };
  if (registrations.length === 0) return { ok: true, newCardCount: 0 };
  const organisationIds = [...new Set(registrations.flatMap((r) => (r.organisationId === null ? [] : [r.organisationId])))];
  if (organisationIds.length > 0) {
    const found = await db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, organisationIds));
    if (found.length !== organisationIds.length) return { ok: false, code: 'organisation_unknown' };
  }
  const inserted = await queryRows<Record<string, unknown>>(
    db,
    sql`INSERT INTO cards (card_number, organisation_id)
        SELECT x.card_number, x.organisation_id FROM ${jsonRecordset(
          registrations.map((r) => ({ card_number: r.cardNumber, organisation_id: r.organisationId })),
          'card_number text, organisation_id text',
        )}
        ORDER BY x.card_number
        ON CONFLICT (card_number) DO NOTHING
        RETURNING card_number`,
  );
  await ensureAccounts(db, registrations.flatMap((r) => PURSE_APPLICATIONS.map((application) => purseAccount(r.cardNumber, application))));
  return { ok: true, newCardCount: inserted.length };
}
