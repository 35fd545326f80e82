/**
 * Ledger account ids and kinds. Balances are credit-normal:
 * balance = credits_posted − debits_posted. A card purse is what the
 * clearing house owes the holder (floor 0, like the card's own purse).
 */
import { sql } from 'drizzle-orm';
import type { AccountKind } from '../db/schema/ledger.js';
import type { Executor } from '../db/open.js';
import { jsonRecordset } from '../db/rows.js';

export const PURSE_APPLICATIONS = ['transit', 'canteen'] as const;
export type PurseApplication = (typeof PURSE_APPLICATIONS)[number];
export const PURSE_FLOOR_VND = 0;

export function isPurseApplication(value: string): value is PurseApplication {
  return (PURSE_APPLICATIONS as readonly string[]).includes(value);
}

export interface AccountSpec {
  readonly id: string;
  readonly kind: AccountKind;
  readonly organisationId: string | null;
  readonly cardNumber: string | null;
  readonly floorVnd: number | null;
}

export const STRIPE_CLEARING_ACCOUNT: AccountSpec = { id: 'stripe:clearing', kind: 'stripe_clearing', organisationId: null, cardNumber: null, floorVnd: null };
export const REFUNDS_ACCOUNT: AccountSpec = { id: 'refunds', kind: 'refunds', organisationId: null, cardNumber: null, floorVnd: null };
export const FEES_ACCOUNT: AccountSpec = { id: 'fees', kind: 'fees', organisationId: null, cardNumber: null, floorVnd: null };
/** Money the clearing house cannot explain yet (card balance differs from the shadow): every đồng here has an exception. */
export const SUSPENSE_ACCOUNT: AccountSpec = { id: 'suspense', kind: 'suspense', organisationId: null, cardNumber: null, floorVnd: null };

export function purseAccount(cardNumber: string, application: PurseApplication): AccountSpec {
  return { id: `card:${cardNumber}:${application}`, kind: 'card_purse', organisationId: null, cardNumber, floorVnd: PURSE_FLOOR_VND };
}

export function operatorRevenueAccount(operatorId: string): AccountSpec {
  return { id: `operator:${operatorId}:revenue`, kind: 'operator_revenue', organisationId: operatorId, cardNumber: null, floorVnd: null };
}

export function schoolCanteenAccount(schoolId: string): AccountSpec {
  return { id: `school:${schoolId}:canteen`, kind: 'school_canteen', organisationId: schoolId, cardNumber: null, floorVnd: null };
}

/** Cash taken at card issuance desks for the value a card leaves personalisation with (anonymous cards: no organisation). */
export const ISSUANCE_CASH_ACCOUNT: AccountSpec = { id: 'cash:issuance', kind: 'cash', organisationId: null, cardNumber: null, floorVnd: null };

/** Cash taken at a top-up point run by an organisation (kiosk, canteen counter). */
export function cashAccount(organisationId: string): AccountSpec {
  return { id: `cash:${organisationId}`, kind: 'cash', organisationId, cardNumber: null, floorVnd: null };
}

/** Creates the accounts that do not exist yet (idempotent, one statement). */
export async function ensureAccounts(db: Executor, accounts: readonly AccountSpec[]): Promise<void> {
  if (accounts.length === 0) return;
  const unique = [...new Map(accounts.map((a) => [a.id, a])).values()].map((a) => ({ id: a.id, kind: a.kind, organisation_id: a.organisationId, card_number: a.cardNumber, floor_vnd: a.floorVnd }));
  await db.execute(sql`
    INSERT INTO ledger_accounts (id, kind, organisation_id, card_number, floor_vnd)
    SELECT x.id, x.kind, x.organisation_id, x.card_number, x.floor_vnd
    FROM ${jsonRecordset(unique, 'id text, kind text, organisation_id text, card_number text, floor_vnd bigint')}
    ORDER BY x.id
    ON CONFLICT (id) DO NOTHING`);
}
