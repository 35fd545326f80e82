/**
 * Loading a pass from the action list during a bus tap (PROFILE.md §12):
 * a validator holding the transit top-up key (bundle role
 * bus-validator-autoload, the only terminal key besides the kiosks' that
 * writes transit.entitlements, §4.3) writes the contract into a free or
 * expired slot in one transaction of its own, journals it (`contract-load`
 * with the actionId, TMC ‖ TMV), and the tap's fare transaction then records
 * the action's sequence number in the fare state.
 *
 * Applied once without a claim: unlike a credit, a pass leaves a witness on
 * the card itself, its `saleId` in transit.entitlements. A validator that
 * finds the sale on the card never writes it again, only records the
 * sequence number (and journals the load when its journal lacks it, from the
 * trip record, so the clearing house keeps one event per card and TMC). The
 * write and the sale record share one commit, so a card pulled at any APDU
 * holds the pass with its record or neither.
 */
import { CONTRACT_COUNT_MAX, PROFILE_KEY_NO, transitEntitlementsCodec, type ActionMarker, type CivilDate, type TransitContract, type TransitEntitlements, type TransitTapView, type TripRecord } from '@onecard/card-os/profile';
import type { CardAction } from '../ports.js';
import { reasonOfFailure } from '../tap/card-failure.js';
import { vietnamCivilDate } from '../fares/local-time.js';
import type { TapContext } from '../tap/context.js';
import type { TapReason } from '../tap/outcome.js';
import { tripOf } from './bus-autoload.js';
import { contractLoadTransaction, tmcFields, type TripLine } from './bus-card.js';
import { journaledCardTmc } from './bus-recovery.js';

export type ContractLoadAction = Extract<CardAction, { kind: 'load-contract' }>;

/** Why a pending action stays pending at this tap (stable codes). */
export type ActionWaitReason = 'no_free_contract_slot' | 'top_up_key_not_held' | 'contract_invalid';

export type ActionStepResult =
  | { readonly ok: true; readonly view: TransitTapView; readonly markerAfter: ActionMarker | undefined; readonly waiting: { readonly actionId: string; readonly reason: ActionWaitReason } | undefined }
  | { readonly ok: false; readonly reason: TapReason };

/** The slot a new pass goes into: the first free one, else the first expired one (validUntil before today), else none. */
export function contractSlotFor(contracts: readonly TransitContract[], today: CivilDate): number | undefined {
  if (contracts.length < CONTRACT_COUNT_MAX) return contracts.length;
  const expired = contracts.findIndex((contract) => contract.validUntil < today);
  return expired >= 0 ? expired : undefined;
}

export function withContract(entitlements: TransitEntitlements, slot: number, contract: TransitContract): TransitEntitlements {
  if (!Number.isInteger(slot) || slot < 0 || slot > entitlements.contracts.length || slot >= CONTRACT_COUNT_MAX) throw new Error('assertion failed: contract slot in range');
  const contracts = [...entitlements.contracts];
  contracts[slot] = contract;
  return { ...entitlements, contracts };
}

/** The slot holding the action's sale, or undefined. */
export function slotOfSale(entitlements: TransitEntitlements, saleId: number): number | undefined {
  const slot = entitlements.contracts.findIndex((contract) => contract.saleId === saleId);
  return slot >= 0 ? slot : undefined;
}

function encodeOrUndefined(entitlements: TransitEntitlements): Uint8Array | undefined {
  try {
    return transitEntitlementsCodec.encode(entitlements);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

interface Input {
  readonly context: TapContext;
  readonly record: TapContext['record'];
  readonly view: TransitTapView;
  readonly trips: readonly TripRecord[];
  /** The device holds the top-up key (bus-validator-autoload). */
  readonly canLoad: boolean;
  readonly markerIn: ActionMarker | undefined;
  readonly seq: number;
  readonly action: ContractLoadAction;
}

export async function applyContractLoad(input: Input): Promise<ActionStepResult> {
  const { context, record, view, seq, action } = input;
  const settled: ActionMarker = { lastSeq: seq, claimTmc: 0 };
  const onCard = slotOfSale(view.entitlements, action.contract.saleId);
  if (onCard !== undefined) {
    recordSettledLoad({ input, slot: onCard });
    return { ok: true, view, markerAfter: settled, waiting: undefined };
  }
  const waits = (reason: ActionWaitReason): ActionStepResult => ({ ok: true, view, markerAfter: input.markerIn, waiting: { actionId: action.actionId, reason } });
  if (!input.canLoad) return waits('top_up_key_not_held');
  const slot = contractSlotFor(view.entitlements.contracts, vietnamCivilDate(context.now));
  if (slot === undefined) return waits('no_free_contract_slot');
  const entitlements = withContract(view.entitlements, slot, action.contract);
  const entitlementsBytes = encodeOrUndefined(entitlements);
  // The list decoder checks contracts with the same codec; one that still does not encode waits, and nothing is sent.
  if (entitlementsBytes === undefined) return waits('contract_invalid');
  const line: TripLine = { event: 'contract-sale', transactionNo: (view.lastTrip?.transactionNo ?? 0) + 1, at: context.now, deviceId: context.device.deviceId, routeCode: action.contract.routeId, amountVnd: 0, balanceAfterVnd: view.balanceVnd, contractSlot: slot };
  const loaded = await contractLoadTransaction({ session: context.session, timer: context.timer, entitlementsBytes, trip: line });
  // No top-up key (a misconfigured plain validator): nothing was sent, the debit session is intact.
  if (!loaded.ok && 'code' in loaded && loaded.code === 'key_not_held') return waits('top_up_key_not_held');
  if (!loaded.ok) return { ok: false, reason: 'code' in loaded ? reasonOfFailure(loaded) : 'card_refused' };
  record({ kind: 'contract-load', amountVnd: 0, actionId: action.actionId, contractSlot: slot, balanceAfterVnd: view.balanceVnd, ...tmcFields(loaded.value, { actionSeq: seq, saleId: action.contract.saleId }) });
  // Back to the debit key for the fare (EV2 NonFirst: a new transaction).
  const auth = await context.timer.time('read', () => context.session.authenticate('transit', PROFILE_KEY_NO.transit.debit, { defaultKeyAllowed: false }));
  if (!auth.ok) return { ok: false, reason: reasonOfFailure(auth) };
  return { ok: true, view: { ...view, entitlements, lastTrip: tripOf(line) }, markerAfter: settled, waiting: undefined };
}

/**
 * The pass is on the card but this journal may not have its load (the commit
 * answer was lost): journaled from its trip record, when the record is still
 * in the log and newer than anything the journal saw of the card.
 */
function recordSettledLoad(options: { input: Input; slot: number }): void {
  const { input, slot } = options;
  const { context, action } = input;
  if (context.journal.isActionApplied(action.actionId)) return;
  const load = input.trips.findLast((t) => t.event === 'contract-sale' && t.contractSlot === slot);
  if (load === undefined) return;
  const journaledTmc = journaledCardTmc(context.journal.lastEventFor(context.identity.cardNumber, 'transit')) ?? -1;
  if (load.transactionNo <= journaledTmc) return;
  input.record({ kind: 'contract-load', reason: 'contract_load_settled', amountVnd: 0, actionId: action.actionId, contractSlot: slot, balanceAfterVnd: load.balanceAfterVnd, tmc: load.transactionNo, detail: { actionSeq: input.seq, saleId: action.contract.saleId, loadDeviceId: load.deviceId } });
}
