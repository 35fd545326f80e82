/** Checks that a batch names only cards, operators and sites the clearing house knows. */
import { sql } from 'drizzle-orm';
import type { JournalBatch } from '@onecard/card-os/profile';
import type { Executor } from '../db/open.js';
import { jsonTextArray, queryRows, toNumber } from '../db/rows.js';
import type { BatchCheck } from './checks.js';
import type { KnownCards } from './known-cards.js';

/** `knownCards`: cards met before need no lookup (see known-cards.ts). */
export async function checkReferences(db: Executor, batch: JournalBatch, knownCards?: KnownCards): Promise<BatchCheck> {
  const named = [...new Set(batch.events.map((e) => e.cardNumber))];
  const cardNumbers = knownCards === undefined ? named : knownCards.unknownOf(named);
  if (cardNumbers.length > 0) {
    const [cardRow] = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT count(*) AS known FROM cards c WHERE c.card_number = ANY(${jsonTextArray(cardNumbers)})`,
    );
    if (toNumber(cardRow?.['known']) !== cardNumbers.length) return { ok: false, reason: 'card_unknown', detail: 'the batch names a card the clearing house does not know' };
    knownCards?.remember(cardNumbers);
  }
  const operatorIds = [...new Set(batch.events.flatMap((e) => (e.operatorId === undefined ? [] : [e.operatorId])))];
  const siteCodes = [...new Set(batch.events.flatMap((e) => (e.siteCode === undefined || (e.kind !== 'canteen-purchase' && e.kind !== 'canteen-top-up') ? [] : [e.siteCode])))];
  if (operatorIds.length === 0 && siteCodes.length === 0) return { ok: true };
  const orgs = await queryRows<Record<string, unknown>>(db, sql`SELECT id, kind, site_code FROM organisations WHERE kind IN ('operator', 'school')`);
  const operators = new Set(orgs.filter((o) => o['kind'] === 'operator').map((o) => String(o['id'])));
  const sites = new Set(orgs.filter((o) => o['kind'] === 'school' && o['site_code'] !== null).map((o) => toNumber(o['site_code'])));
  if (operatorIds.some((id) => !operators.has(id))) return { ok: false, reason: 'operator_unknown', detail: 'the batch names an unknown operator' };
  if (siteCodes.some((code) => !sites.has(code))) return { ok: false, reason: 'site_unknown', detail: 'a canteen event names an unknown school site' };
  return { ok: true };
}
