/**
 * Cards the clearing house knows: the issuance portal registers each card it
 * personalises (a batch naming an unknown card is quarantined). Registering
 * also opens the card's purse accounts and books the value each purse left
 * personalisation with (`openingBalancesVnd`: the card's issue record,
 * PROFILE.md §5.4), from the issuer's cash account, so the shadow purse
 * starts where the card does. Idempotent: a card registered before is left
 * alone, opening balance included (one transaction per call).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { jsonRecordset, queryRows } from '../db/rows.js';
import { organisations } from '../db/schema/organisations.js';
import { cashAccount, ensureAccounts, ISSUANCE_CASH_ACCOUNT, PURSE_APPLICATIONS, purseAccount, type PurseApplication } from '../ledger/accounts.js';
import { deterministicUuid, insertTransfers, type TransferInput } from '../ledger/transfers.js';

export const CARD_REGISTRATION_COUNT_MAX = 10_000;
/** The largest purse a card profile allows (transit.purse upper limit, PROFILE.md §4.3). */
export const OPENING_BALANCE_VND_MAX = 2_000_000;
const CARD_NUMBER_RE = /^\d{16}$/;

export interface CardRegistration {
  readonly cardNumber: string;
  /** The school or agency that issued it; null for an anonymous transit card. */
  readonly organisationId: string | null;
  /** What each purse holds when the card leaves personalisation (absent = 0). */
  readonly openingBalancesVnd?: Partial<Readonly<Record<PurseApplication, number>>>;
  /** When the card was issued (the opening transfers' instant). */
  readonly issuedAt?: Date;
}

export type RegisterCardsResult = { readonly ok: true; readonly newCardCount: number } | { readonly ok: false; readonly code: 'card_number_invalid' | 'organisation_unknown' | 'too_many_cards' | 'opening_balance_invalid' };

function openingBalancesValid(r: CardRegistration): boolean {
  return Object.values(r.openingBalancesVnd ?? {}).every((amountVnd) => Number.isSafeInteger(amountVnd) && amountVnd >= 0 && amountVnd <= OPENING_BALANCE_VND_MAX);
}

/** The opening transfer's id: one per (card, purse), so a replayed registration books nothing twice. */
export const openingTransferId = (cardNumber: string, application: PurseApplication): string => deterministicUuid(`opening:${cardNumber}:${application}`);

export async function registerCards(db: Executor, registrations: readonly CardRegistration[]): Promise<RegisterCardsResult> {
  if (registrations.length > CARD_REGISTRATION_COUNT_MAX) return { ok: false, code: 'too_many_cards' };
  if (registrations.some((r) => !CARD_NUMBER_RE.test(r.cardNumber))) return { ok: false, code: 'card_number_invalid' };
  if (!registrations.every(openingBalancesValid)) return { ok: false, code: 'opening_balance_invalid' };
  if (registrations.length === 0) return { ok: true, newCardCount: 0 };
  const organisationIds = [...new Set(registrations.flatMap((r) => (r.organisationId === null ? [] : [r.organisationId])))];
  if (organisationIds.length > 0) {
    const found = await db.select({ id: organisations.id }).from(organisations).where(inArray(organisations.id, organisationIds));
    if (found.length !== organisationIds.length) return { ok: false, code: 'organisation_unknown' };
  }
  return db.transaction(async (tx) => {
    const inserted = await queryRows<Record<string, unknown>>(
      tx,
      sql`INSERT INTO cards (card_number, organisation_id)
          SELECT x.card_number, x.organisation_id FROM ${jsonRecordset(
            registrations.map((r) => ({ card_number: r.cardNumber, organisation_id: r.organisationId })),
            'card_number text, organisation_id text',
          )}
          ORDER BY x.card_number
          ON CONFLICT (card_number) DO NOTHING
          RETURNING card_number`,
    );
    await ensureAccounts(tx, registrations.flatMap((r) => PURSE_APPLICATIONS.map((application) => purseAccount(r.cardNumber, application))));
    const fresh = new Set(inserted.map((row) => String(row['card_number'])));
    const opening: TransferInput[] = [];
    const funding = new Map<string, ReturnType<typeof cashAccount>>();
    for (const r of registrations) {
      if (!fresh.has(r.cardNumber)) continue;
      fresh.delete(r.cardNumber); // the same card twice in one call opens once
      const source = r.organisationId === null ? ISSUANCE_CASH_ACCOUNT : cashAccount(r.organisationId);
      for (const application of PURSE_APPLICATIONS) {
        const amountVnd = r.openingBalancesVnd?.[application] ?? 0;
        if (amountVnd === 0) continue;
        funding.set(source.id, source);
        opening.push({
          id: openingTransferId(r.cardNumber, application),
          debitAccountId: source.id,
          creditAccountId: purseAccount(r.cardNumber, application).id,
          amountVnd,
          phase: 'posted',
          pendingId: null,
          code: 'issuance',
          eventDeviceId: null,
          eventSeq: null,
          at: (r.issuedAt ?? new Date()).toISOString(),
        });
      }
    }
    await ensureAccounts(tx, [...funding.values()]);
    await insertTransfers(tx, opening);
    return { ok: true, newCardCount: inserted.length } as const;
  });
}
