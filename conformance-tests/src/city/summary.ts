/**
 * What the city answers after a run: taps by outcome, fares per operator as
 * the validators journaled them and as the clearing house ledger holds them,
 * the ingest state, and the reconciliation exceptions — split into those the
 * embedded city expects (an issued card's opening balance, which the
 * clearing house first learns at the card's first tap) and all others.
 */
import { sql } from 'drizzle-orm';
import { listExceptions, type Executor, type ExceptionListRow } from '@onecard/clearing-house';
import type { TapOutcome } from '@onecard/validator';

/** Journal kinds that debit a transit fare. */
const FARE_KINDS: ReadonlySet<string> = new Set(['fare', 'transfer']);

export interface TapTally {
  tapCount: number;
  /** `accepted:<kind>` or `refused:<reason>`. */
  readonly byOutcome: Record<string, number>;
  /** Fares the validators journaled, per operator id. */
  readonly journaledFaresVnd: Record<string, number>;
  journaledEventCount: number;
}

export function emptyTally(): TapTally {
  return { tapCount: 0, byOutcome: {}, journaledFaresVnd: {}, journaledEventCount: 0 };
}

export function outcomeKey(outcome: TapOutcome): string {
  return outcome.accepted ? `accepted:${outcome.kind ?? outcome.mode}` : `refused:${outcome.reason ?? 'unknown'}`;
}

export function addToTally(tally: TapTally, outcome: TapOutcome): void {
  tally.tapCount += 1;
  const key = outcomeKey(outcome);
  tally.byOutcome[key] = (tally.byOutcome[key] ?? 0) + 1;
  for (const event of outcome.events) {
    tally.journaledEventCount += 1;
    if (FARE_KINDS.has(event.kind) && event.operatorId !== undefined) tally.journaledFaresVnd[event.operatorId] = (tally.journaledFaresVnd[event.operatorId] ?? 0) + event.amountVnd;
  }
}

export interface IngestState {
  readonly eventCount: number;
  readonly eventsByPostingStatus: Record<string, number>;
  readonly batchesByStatus: Record<string, number>;
}

export interface CitySummary {
  readonly taps: TapTally;
  readonly ledgerFaresVnd: Record<string, number>;
  readonly ingest: IngestState;
  readonly exceptions: { readonly expected: readonly ExceptionListRow[]; readonly unexpected: readonly ExceptionListRow[] };
}

export async function ledgerFaresByOperator(db: Executor): Promise<Record<string, number>> {
  const result = await db.execute(sql`
    SELECT a.organisation_id AS operator_id, coalesce(sum(t.amount_vnd), 0)::bigint AS fares_vnd
    FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.credit_account_id AND a.kind = 'operator_revenue'
    WHERE t.code = 'fare' AND t.phase = 'posted'
    GROUP BY a.organisation_id ORDER BY 1`);
  return Object.fromEntries(rowsOf(result).map((r) => [String(r['operator_id']), Number(r['fares_vnd'])]));
}

export async function ingestState(db: Executor): Promise<IngestState> {
  const events = rowsOf(await db.execute(sql`SELECT posting_status, count(*)::int AS n FROM events GROUP BY 1`));
  const batches = rowsOf(await db.execute(sql`SELECT status, count(*)::int AS n FROM batches GROUP BY 1`));
  const eventsByPostingStatus = Object.fromEntries(events.map((r) => [String(r['posting_status']), Number(r['n'])]));
  return {
    eventCount: Object.values(eventsByPostingStatus).reduce((sum, n) => sum + n, 0),
    eventsByPostingStatus,
    batchesByStatus: Object.fromEntries(batches.map((r) => [String(r['status']), Number(r['n'])])),
  };
}

/**
 * Opening balances are booked when cards are registered (registerCards
 * `openingBalancesVnd`). A card registered without its opening balance shows
 * it as a rise at its first seen TMC: classified as expected;
 * `openingBalanceOf` answers the balance the card was issued with (the finding shows shadow − card: −opening), by the
 * exception's pseudonymous card reference.
 */
export async function classifiedExceptions(db: Executor, openingBalanceOf: (cardReference: string) => number | undefined): Promise<CitySummary['exceptions']> {
  const rows = await listExceptions(db);
  const detail = rowsOf(await db.execute(sql`SELECT id, (detail->>'tmc')::int AS tmc FROM reconciliation_exceptions`));
  const tmcById = new Map(detail.map((r) => [String(r['id']), r['tmc'] === null ? undefined : Number(r['tmc'])]));
  const expected: ExceptionListRow[] = [];
  const unexpected: ExceptionListRow[] = [];
  for (const row of rows) {
    const opening = openingBalanceOf(row.cardReference);
    const isOpening = row.kind === 'balance_rise_without_load' && tmcById.get(row.exceptionId) === 1 && opening !== undefined && row.differenceVnd === -opening;
    (isOpening ? expected : unexpected).push(row);
  }
  return { expected, unexpected };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}
