/**
 * Exceptions and the daily reconciliation summary as plain rows
 * (src/reports/rows.ts shapes). Cards appear only as a pseudonym
 * (`card-` + 16 hex of SHA-256 of the number).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNullableText, toNumber } from '../db/rows.js';
import type { ExceptionKind } from '../db/schema/reconcile.js';
import type { ExceptionRow, ReconciliationSummaryRow } from '../reports/rows.js';
import { cardAccountRef, onBusinessDay } from './business-day-sql.js';

export const EXCEPTION_LIST_ROW_COUNT_MAX = 10_000;

/** The report row (src/reports/rows.ts) uses the data core's exception kinds as they are. */
export type ExceptionListRow = ExceptionRow;

export interface ExceptionFilter {
  readonly operatorId?: string;
  readonly schoolId?: string;
  readonly status?: 'open' | 'resolved';
  readonly businessDay?: string;
  readonly rowCountMax?: number;
}

export async function listExceptions(db: Executor, filter: ExceptionFilter = {}): Promise<ExceptionListRow[]> {
  const limit = Math.min(filter.rowCountMax ?? EXCEPTION_LIST_ROW_COUNT_MAX, EXCEPTION_LIST_ROW_COUNT_MAX);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT x.id, to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS detected_at, x.kind, x.status, x.operator_id, c.organisation_id AS school_id,
          CASE WHEN x.card_number IS NULL THEN '' ELSE ${cardAccountRef(sql`x.card_number`)} END AS card_ref, x.device_id, x.amount_vnd
        FROM reconciliation_exceptions x LEFT JOIN cards c ON c.card_number = x.card_number
        WHERE true
          ${filter.operatorId === undefined ? sql`` : sql`AND x.operator_id = ${filter.operatorId}`}
          ${filter.schoolId === undefined ? sql`` : sql`AND c.organisation_id = ${filter.schoolId}`}
          ${filter.status === undefined ? sql`` : sql`AND x.status = ${filter.status}`}
          ${filter.businessDay === undefined ? sql`` : sql`AND ${onBusinessDay(sql`x.at`, filter.businessDay)}`}
        ORDER BY x.id LIMIT ${limit}`,
  );
  return rows.map((r) => {
    const sourceKind = String(r['kind']) as ExceptionKind;
    const amount = r['amount_vnd'] === null ? null : toNumber(r['amount_vnd']);
    return {
      exceptionId: String(toNumber(r['id'])),
      detectedAt: new Date(String(r['detected_at'])),
      kind: sourceKind,
      status: r['status'] === 'resolved' ? 'resolved' : 'open',
      operatorId: toNullableText(r['operator_id']),
      schoolId: toNullableText(r['school_id']),
      cardReference: String(r['card_ref']),
      deviceId: r['device_id'] === null ? null : String(toNumber(r['device_id'])),
      differenceVnd: amount === null || sourceKind === 'tmc_duplicate' || sourceKind === 'tmc_gap' ? null : -amount,
    };
  });
}

/** Daily counts per operator (events naming it) and per school (its site's events and its pupils' cards). */
export async function reconciliationSummary(db: Executor, businessDay: string): Promise<ReconciliationSummaryRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH scoped AS (
          SELECT 'operator' AS scope_kind, e.operator_id AS scope_id, e.* FROM events e WHERE e.operator_id IS NOT NULL AND ${onBusinessDay(sql`e.at`, businessDay)}
          UNION ALL
          SELECT 'school', o.id, e.* FROM events e JOIN organisations o ON o.site_code = e.site_code AND o.kind = 'school' WHERE ${onBusinessDay(sql`e.at`, businessDay)}),
        counts AS (
          SELECT scope_kind, scope_id, count(*) AS received,
            count(*) FILTER (WHERE posting_status IN ('posted','recorded')) AS applied,
            count(*) FILTER (WHERE posting_status = 'tmc_duplicate') AS duplicates,
            count(*) FILTER (WHERE posting_status = 'held') AS held
          FROM scoped GROUP BY scope_kind, scope_id),
        findings AS (
          SELECT 'operator' AS scope_kind, x.operator_id AS scope_id, x.kind, x.amount_vnd FROM reconciliation_exceptions x WHERE x.operator_id IS NOT NULL AND ${onBusinessDay(sql`x.at`, businessDay)}
          UNION ALL
          SELECT 'school', c.organisation_id, x.kind, x.amount_vnd FROM reconciliation_exceptions x JOIN cards c ON c.card_number = x.card_number JOIN organisations o ON o.id = c.organisation_id AND o.kind = 'school' WHERE ${onBusinessDay(sql`x.at`, businessDay)}),
        finding_counts AS (
          SELECT scope_kind, scope_id,
            count(*) FILTER (WHERE kind = 'tmc_gap') AS gaps_overdue,
            count(*) FILTER (WHERE kind IN ('balance_mismatch','balance_rise_without_load','autoload_amount_mismatch','autoload_without_order')) AS mismatches,
            count(*) FILTER (WHERE kind = 'tmc_duplicate') AS clones,
            coalesce(sum(-amount_vnd) FILTER (WHERE kind IN ('balance_mismatch','balance_rise_without_load')), 0) AS shadow_minus_card
          FROM findings GROUP BY scope_kind, scope_id)
        SELECT c.scope_kind, c.scope_id, o.name, c.received, c.applied, c.duplicates, c.held,
          coalesce(f.gaps_overdue, 0) AS gaps_overdue, coalesce(f.mismatches, 0) AS mismatches, coalesce(f.clones, 0) AS clones, coalesce(f.shadow_minus_card, 0) AS shadow_minus_card
        FROM counts c JOIN organisations o ON o.id = c.scope_id
        LEFT JOIN finding_counts f ON f.scope_kind = c.scope_kind AND f.scope_id = c.scope_id
        ORDER BY c.scope_kind, c.scope_id`,
  );
  return rows.map((r) => ({
    businessDay,
    scopeKind: r['scope_kind'] === 'school' ? 'school' : 'operator',
    scopeId: String(r['scope_id']),
    scopeName: String(r['name']),
    eventsReceived: toNumber(r['received']),
    eventsApplied: toNumber(r['applied']),
    duplicatesDropped: toNumber(r['duplicates']),
    gapsPending: toNumber(r['held']),
    gapsOverdue: toNumber(r['gaps_overdue']),
    balanceMismatches: toNumber(r['mismatches']),
    suspectedClones: toNumber(r['clones']),
    shadowMinusCardVnd: toNumber(r['shadow_minus_card']),
  }));
}
