/**
 * Canteen POS: the cashier enters an amount, the canteen purse is debited
 * and the event logged in one transaction (canteen debit key; commit option
 * 01 → TMC ‖ TMV), with a receipt line.
 *
 * Recovery: canteen events carry no device id, so a repeat tap is
 * recognised by the card's newest purchase being newer than the journal's
 * last known TMC, within the recovery window, for the same amount: it is
 * journaled and not charged again.
 */
import { CANTEEN_AMOUNT_VND_MAX, PROFILE_KEY_NO, canteenEventCodec, profileFile, readCanteenPurse, type CanteenEventRecord } from '@onecard/card-os/profile';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { ModeHandler } from '../tap/mode.js';
import type { ModeOutcome } from '../tap/outcome.js';
import { commitTransaction, debit, toHexLower, writeRecord } from './host-commands.js';
import { journaledCardTmc } from './bus-recovery.js';
import { modeRecorder } from './mode-recorder.js';

export const CANTEEN_RECOVERY_WINDOW_MS_DEFAULT = 2 * 60 * 1000;

export interface CanteenOptions {
  readonly siteCode: number;
  readonly counterNo: number;
  readonly recoveryWindowMs: number;
}

export interface CanteenInput {
  readonly amountVnd: number;
}

const PURSE = profileFile('canteen.purse');
const EVENTS = profileFile('canteen.events');

export function canteenMode(options: CanteenOptions): ModeHandler<CanteenInput> {
  return { mode: 'canteen', application: 'canteen', run: (context, input) => runCanteen(options, context, input) };
}

async function runCanteen(options: CanteenOptions, context: TapContext, input: CanteenInput): Promise<ModeOutcome> {
  const { session, timer, now } = context;
  const { record, result } = modeRecorder(context, 'canteen');
  const site = { siteCode: options.siteCode, gateNo: options.counterNo };
  if (!Number.isInteger(input.amountVnd) || input.amountVnd <= 0 || input.amountVnd > CANTEEN_AMOUNT_VND_MAX) return result(false, { reason: 'amount_invalid' });
  const purse = await timer.time('read', () => readCanteenPurse(session));
  if (!purse.ok) return result(false, { reason: reasonOfFailure(purse) });
  const { balanceVnd, lastEvent } = purse.value;
  const cardTmc = lastEvent?.transactionNo ?? 0;
  const journaledTmc = journaledCardTmc(context.journal.lastEventFor(context.identity.cardNumber, 'canteen'));
  if (lastEvent !== undefined && isTornPurchase(lastEvent, { journaledTmc, now, amountVnd: input.amountVnd, windowMs: options.recoveryWindowMs })) {
    record({ kind: 'canteen-purchase', reason: 'recovered_torn_tap', at: lastEvent.at.toISOString(), amountVnd: lastEvent.amountVnd, balanceAfterVnd: lastEvent.balanceAfterVnd, tmc: lastEvent.transactionNo, ...site, detail: { recovered: 1 } });
    return result(true, { reason: 'recovered_torn_tap', amountVnd: lastEvent.amountVnd, balanceVnd: lastEvent.balanceAfterVnd });
  }
  if (balanceVnd < input.amountVnd) {
    record({ kind: 'denied', reason: 'insufficient_funds', amountVnd: 0, balanceBeforeVnd: balanceVnd, ...site, detail: { cardTmc, requestedVnd: input.amountVnd } });
    return result(false, { reason: 'insufficient_funds', balanceVnd });
  }
  const balanceAfterVnd = balanceVnd - input.amountVnd;
  const line = canteenEventCodec.encode({ event: 'purchase', transactionNo: cardTmc + 1, at: now, amountVnd: input.amountVnd, balanceAfterVnd });
  const written = await timer.time('write', async () => {
    // An empty log read ends the authentication; a no-op otherwise.
    const auth = await session.authenticate('canteen', PROFILE_KEY_NO.canteen.debit, { defaultKeyAllowed: false });
    if (!auth.ok) return { ok: false as const };
    const debited = await debit(session.client, { fileNo: PURSE.fileNo, mode: PURSE.settings.commMode, amount: input.amountVnd });
    return debited.ok ? writeRecord(session.client, { fileNo: EVENTS.fileNo, mode: EVENTS.settings.commMode, offsetBytes: 0, data: line }) : debited;
  });
  if (!written.ok) return result(false, { reason: 'card_refused', balanceVnd });
  const committed = await timer.time('commit', () => commitTransaction(session.client, { returnTransactionMac: true }));
  if (!committed.ok || committed.value === undefined) return result(false, { reason: 'card_refused', balanceVnd });
  record({ kind: 'canteen-purchase', amountVnd: input.amountVnd, balanceBeforeVnd: balanceVnd, balanceAfterVnd, tmc: committed.value.tmc, tmv: toHexLower(committed.value.tmv), ...site });
  return result(true, { amountVnd: input.amountVnd, balanceVnd: balanceAfterVnd, notes: [{ code: 'receipt', transactionNo: committed.value.tmc }] });
}

function isTornPurchase(event: CanteenEventRecord, options: { journaledTmc: number | undefined; now: Date; amountVnd: number; windowMs: number }): boolean {
  const ageMs = options.now.getTime() - event.at.getTime();
  return event.event === 'purchase' && event.transactionNo > (options.journaledTmc ?? -1) && event.amountVnd === options.amountVnd && ageMs >= 0 && ageMs <= options.windowMs;
}
