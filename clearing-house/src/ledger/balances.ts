/** Reading balances and the ledger-wide invariants. */
import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNumber } from '../db/rows.js';
import { ledgerAccounts } from '../db/schema/ledger.js';

export interface AccountBalance {
  readonly accountId: string;
  /** credits_posted − debits_posted. */
  readonly balanceVnd: number;
  readonly debitsPendingVnd: number;
  readonly creditsPendingVnd: number;
}

export async function accountBalances(db: Executor, accountIds: readonly string[]): Promise<Map<string, AccountBalance>> {
  const out = new Map<string, AccountBalance>();
  if (accountIds.length === 0) return out;
  const rows = await db
    .select({ id: ledgerAccounts.id, dp: ledgerAccounts.debitsPendingVnd, dpo: ledgerAccounts.debitsPostedVnd, cp: ledgerAccounts.creditsPendingVnd, cpo: ledgerAccounts.creditsPostedVnd })
    .from(ledgerAccounts)
    .where(inArray(ledgerAccounts.id, [...accountIds]));
  for (const r of rows) out.set(r.id, { accountId: r.id, balanceVnd: r.cpo - r.dpo, debitsPendingVnd: r.dp, creditsPendingVnd: r.cp });
  return out;
}

export async function balanceOf(db: Executor, accountId: string): Promise<number> {
  return (await accountBalances(db, [accountId])).get(accountId)?.balanceVnd ?? 0;
}

export interface LedgerTotals {
  readonly debitsPostedVnd: number;
  readonly creditsPostedVnd: number;
  readonly debitsPendingVnd: number;
  readonly creditsPendingVnd: number;
  /** Sum of account totals recomputed from the transfers (must equal the stored totals). */
  readonly recomputedMatches: boolean;
}

/** Totals over all accounts; debits = credits always holds by the posting design, recomputation checks the trigger. */
export async function ledgerTotals(db: Executor): Promise<LedgerTotals> {
  const [stored] = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT coalesce(sum(debits_posted_vnd),0) AS dpo, coalesce(sum(credits_posted_vnd),0) AS cpo, coalesce(sum(debits_pending_vnd),0) AS dp, coalesce(sum(credits_pending_vnd),0) AS cp FROM ledger_accounts`,
  );
  const [mismatch] = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH moves AS (
          SELECT debit_account_id AS account_id,
            sum(CASE phase WHEN 'posted' THEN amount_vnd WHEN 'post_pending' THEN amount_vnd ELSE 0 END) AS d_posted,
            sum(CASE phase WHEN 'pending' THEN amount_vnd WHEN 'posted' THEN 0 ELSE -amount_vnd END) AS d_pending, 0 AS c_posted, 0 AS c_pending
          FROM ledger_transfers GROUP BY debit_account_id
          UNION ALL
          SELECT credit_account_id, 0, 0,
            sum(CASE phase WHEN 'posted' THEN amount_vnd WHEN 'post_pending' THEN amount_vnd ELSE 0 END),
            sum(CASE phase WHEN 'pending' THEN amount_vnd WHEN 'posted' THEN 0 ELSE -amount_vnd END)
          FROM ledger_transfers GROUP BY credit_account_id),
        per_account AS (SELECT account_id, sum(d_posted) d_posted, sum(d_pending) d_pending, sum(c_posted) c_posted, sum(c_pending) c_pending FROM moves GROUP BY account_id)
        SELECT count(*) AS bad FROM ledger_accounts a LEFT JOIN per_account p ON p.account_id = a.id
        WHERE a.debits_posted_vnd <> coalesce(p.d_posted,0) OR a.credits_posted_vnd <> coalesce(p.c_posted,0)
           OR a.debits_pending_vnd <> coalesce(p.d_pending,0) OR a.credits_pending_vnd <> coalesce(p.c_pending,0)`,
  );
  return {
    debitsPostedVnd: toNumber(stored?.['dpo']),
    creditsPostedVnd: toNumber(stored?.['cpo']),
    debitsPendingVnd: toNumber(stored?.['dp']),
    creditsPendingVnd: toNumber(stored?.['cp']),
    recomputedMatches: toNumber(mismatch?.['bad']) === 0,
  };
}
