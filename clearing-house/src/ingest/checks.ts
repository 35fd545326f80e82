/**
 * Checks of a decoded, authenticated batch that need no database: money
 * events carry what the ledger needs and their arithmetic holds, and each
 * card's TMC goes strictly up through the batch. The first failure decides.
 */
import type { JournalBatch, JournalEvent, JournalEventKind } from '@onecard/card-os/profile';
import type { QuarantineReason } from './outcome.js';

export type MoneyDirection = 'debit' | 'credit';

/** How a kind moves a purse, and which purse. Kinds not listed move no money. */
export const MONEY_KIND_RULES: Readonly<Partial<Record<JournalEventKind, { readonly direction: MoneyDirection; readonly application: 'transit' | 'canteen' }>>> = Object.freeze({
  fare: { direction: 'debit', application: 'transit' },
  transfer: { direction: 'debit', application: 'transit' },
  'top-up': { direction: 'credit', application: 'transit' },
  autoload: { direction: 'credit', application: 'transit' },
  'canteen-purchase': { direction: 'debit', application: 'canteen' },
  'canteen-top-up': { direction: 'credit', application: 'canteen' },
});

export type BatchCheck = { readonly ok: true } | { readonly ok: false; readonly reason: QuarantineReason; readonly detail: string };

function checkMoneyEvent(event: JournalEvent, index: number): BatchCheck {
  const rule = MONEY_KIND_RULES[event.kind];
  if (rule === undefined) {
    if (event.amountVnd !== 0 && event.kind !== 'contract-load') return { ok: false, reason: 'record_malformed', detail: `event ${index}: ${event.kind} moves no money` };
    return { ok: true };
  }
  // Zero-amount money kinds move nothing: an autoload claim (validator/src/modes/autoload-plan.ts, PROFILE.md §12)
  // is journaled with its TMC so the card's counter has no gap, and posts no transfer.
  if (event.amountVnd === 0) return { ok: true };
  if (event.application !== rule.application) return { ok: false, reason: 'record_malformed', detail: `event ${index}: ${event.kind} belongs to the ${rule.application} purse` };
  if (event.tmc === undefined || event.balanceBeforeVnd === undefined || event.balanceAfterVnd === undefined) {
    return { ok: false, reason: 'record_malformed', detail: `event ${index}: a money event needs tmc, balanceBeforeVnd and balanceAfterVnd` };
  }
  const expectedAfterVnd = rule.direction === 'debit' ? event.balanceBeforeVnd - event.amountVnd : event.balanceBeforeVnd + event.amountVnd;
  if (expectedAfterVnd !== event.balanceAfterVnd) return { ok: false, reason: 'record_malformed', detail: `event ${index}: balances do not add up` };
  if ((event.kind === 'fare' || event.kind === 'transfer' || event.kind === 'top-up') && event.operatorId === undefined) {
    return { ok: false, reason: 'record_malformed', detail: `event ${index}: ${event.kind} needs operatorId` };
  }
  if ((event.kind === 'canteen-purchase' || event.kind === 'canteen-top-up') && event.siteCode === undefined) {
    return { ok: false, reason: 'record_malformed', detail: `event ${index}: ${event.kind} needs siteCode` };
  }
  // An autoload without an actionId (settled by a validator that no longer holds the action) is not malformed:
  // posting books it through suspense with an `autoload_without_order` exception for a person to match.
  return { ok: true };
}

export function checkBatchContent(batch: JournalBatch): BatchCheck {
  const lastTmcByCard = new Map<string, number>();
  for (const [index, event] of batch.events.entries()) {
    const money = checkMoneyEvent(event, index);
    if (!money.ok) return money;
    if (event.tmc === undefined) continue;
    const key = `${event.cardNumber}/${event.application}`;
    const previous = lastTmcByCard.get(key);
    if (previous !== undefined && event.tmc <= previous) return { ok: false, reason: 'counter_backwards', detail: `event ${index}: card TMC does not increase` };
    lastTmcByCard.set(key, event.tmc);
  }
  return { ok: true };
}
