/**
 * Posts held events of the given cards inside the caller's transaction:
 * locks the cards' states in a fixed order (so concurrent batches touching
 * the same card serialise instead of deadlocking), reads what the plan needs,
 * plans, and writes the plan with a handful of set-based statements.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/open.js';
import { isoInstant, jsonRecordset, jsonTextArray, queryRows, toNullableText, toNumber } from '../../db/rows.js';
import { withdrawConfirmedActions, type ActionConfirmation } from '../../lists/actions.js';
import { removeListEntries } from '../../lists/entries.js';
import { raiseExceptions } from '../../reconcile/exceptions.js';
import { ensureAccounts, isPurseApplication, purseAccount } from '../accounts.js';
import { insertTransfers } from '../transfers.js';
import { planPosting } from './plan.js';
import type { PostingStatus } from '../../db/schema/batches.js';
import { cardKeyString, type CardKey, type CardPostingState, type HeldEvent, type OrderForAction, type PostingPlan } from './types.js';

/**
 * `alias.card_number = ANY(…) AND alias.application = ANY(…)`: the card numbers drive an index
 * lookup on any table keyed by card (see jsonTextArray), whatever the planner knows of the table.
 * It selects every pair of the keys' cards and applications, a superset of the keys when the keys mix
 * applications: callers keep only the keys' rows (isKeyRow).
 */
function keyFilter(alias: SQL, keys: readonly CardKey[]): SQL {
  const cardNumbers = [...new Set(keys.map((k) => k.cardNumber))];
  const applications = [...new Set(keys.map((k) => k.application))];
  return sql`${alias}.card_number = ANY(${jsonTextArray(cardNumbers)}) AND ${alias}.application = ANY(${jsonTextArray(applications)})`;
}

function isKeyRow(keys: ReadonlySet<string>): (row: Record<string, unknown>) => boolean {
  return (row) => keys.has(cardKeyString({ cardNumber: String(row['card_number']), application: String(row['application']) }));
}

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : toNumber(value));

/**
 * Creates missing states, then locks all of them in key order (so concurrent
 * posters queue instead of deadlocking). A row lock, not a no-op UPDATE: an
 * UPDATE would write a dead tuple per card per round for the real UPDATE
 * (writePlan) to write another.
 */
async function lockStates(db: Executor, keys: readonly CardKey[]): Promise<Map<string, { lastTmc: number; lastDeviceId: number | null }>> {
  const keyRows = keys.map((k) => ({ card_number: k.cardNumber, application: k.application }));
  await db.execute(sql`
    INSERT INTO card_states (card_number, application, last_tmc)
    SELECT x.card_number, x.application, 0 FROM ${jsonRecordset(keyRows, 'card_number text, application text')}
    ORDER BY x.card_number, x.application
    ON CONFLICT (card_number, application) DO NOTHING`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT s.card_number, s.application, s.last_tmc, s.last_device_id
        FROM card_states s
        WHERE ${keyFilter(sql`s`, keys)}
        ORDER BY s.card_number, s.application
        FOR UPDATE OF s`,
  );
  return new Map(rows.filter(isKeyRow(new Set(keys.map(cardKeyString)))).map((r) => [cardKeyString({ cardNumber: String(r['card_number']), application: String(r['application']) }), { lastTmc: toNumber(r['last_tmc']), lastDeviceId: nullableNumber(r['last_device_id']) }]));
}

async function readHeld(db: Executor, keys: readonly CardKey[]): Promise<HeldEvent[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.device_id, e.seq, ${isoInstant(sql`e.at`)} AS at, ${isoInstant(sql`e.received_at`)} AS received_at, e.kind, e.application, e.card_number, e.tmc,
          e.amount_vnd, e.balance_before_vnd, e.balance_after_vnd, e.operator_id, e.action_id, e.site_code
        FROM events e
        WHERE e.posting_status = 'held' AND ${keyFilter(sql`e`, keys)}
        ORDER BY e.card_number, e.application, e.tmc, e.device_id, e.seq`,
  );
  return rows.filter(isKeyRow(new Set(keys.map(cardKeyString)))).map((r) => ({
    deviceId: toNumber(r['device_id']),
    seq: toNumber(r['seq']),
    at: String(r['at']),
    receivedAt: String(r['received_at']),
    kind: String(r['kind']),
    application: String(r['application']),
    cardNumber: String(r['card_number']),
    tmc: toNumber(r['tmc']),
    amountVnd: toNumber(r['amount_vnd']),
    balanceBeforeVnd: nullableNumber(r['balance_before_vnd']),
    balanceAfterVnd: nullableNumber(r['balance_after_vnd']),
    operatorId: toNullableText(r['operator_id']),
    actionId: toNullableText(r['action_id']),
    siteCode: nullableNumber(r['site_code']),
  }));
}

/** Purse balances of the keys' cards (creating the purse accounts that do not exist yet). Purses are guarded by the card-state locks. */
async function readShadows(db: Executor, keys: readonly CardKey[]): Promise<Map<string, number>> {
  const purses = keys.flatMap((k) => (isPurseApplication(k.application) ? [purseAccount(k.cardNumber, k.application)] : []));
  if (purses.length === 0) return new Map();
  const read = async (): Promise<Map<string, number>> => {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT a.card_number, split_part(a.id, ':', 3) AS application, a.credits_posted_vnd - a.debits_posted_vnd AS balance
          FROM ledger_accounts a WHERE a.id = ANY(${jsonTextArray(purses.map((p) => p.id))})`,
    );
    return new Map(rows.map((r) => [cardKeyString({ cardNumber: String(r['card_number']), application: String(r['application']) }), toNumber(r['balance'])]));
  };
  const found = await read();
  if (found.size === purses.length) return found;
  await ensureAccounts(db, purses.filter((p) => !found.has(cardKeyString({ cardNumber: p.cardNumber ?? '', application: p.id.split(':')[2] ?? '' }))));
  return read();
}

async function readOrders(db: Executor, actionIds: readonly string[]): Promise<Map<string, OrderForAction>> {
  if (actionIds.length === 0) return new Map();
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT o.id, o.action_id, o.card_number, o.application, o.amount_vnd, o.status, o.pending_transfer_id
        FROM topup_orders o JOIN ${jsonRecordset(
          actionIds.map((id) => ({ action_id: id })),
          'action_id text',
        )} ON o.action_id = x.action_id
        ORDER BY o.id FOR UPDATE OF o`,
  );
  return new Map(
    rows.map((r) => [
      String(r['action_id']),
      { orderId: String(r['id']), actionId: String(r['action_id']), cardNumber: String(r['card_number']), application: String(r['application']), amountVnd: toNumber(r['amount_vnd']), status: String(r['status']), pendingTransferId: String(r['pending_transfer_id']) },
    ]),
  );
}

async function readSchools(db: Executor): Promise<Map<number, string>> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT id, site_code FROM organisations WHERE site_code IS NOT NULL`);
  return new Map(rows.map((r) => [toNumber(r['site_code']), String(r['id'])]));
}

/**
 * Writes the plan. The shared accounts (operator revenue, cash, Stripe
 * clearing, suspense) are hot rows every batch updates: they are locked
 * last, in id order, just before the transfers, so concurrent batches queue
 * on them only for the final insert and the commit.
 */
async function writePlan(db: Executor, plan: PostingPlan, input: { readonly incoming: ReadonlySet<string>; readonly confirmations: readonly ActionConfirmation[]; readonly beforeLedger: () => Promise<void> }): Promise<void> {
  const storedChanges = plan.eventStatuses.filter((s) => !input.incoming.has(`${s.deviceId}:${s.seq}`));
  const writes: Promise<unknown>[] = [];
  if (storedChanges.length > 0) {
    writes.push(db.execute(sql`
      UPDATE events e SET posting_status = x.status
      FROM ${jsonRecordset(
        storedChanges.map((s) => ({ device_id: s.deviceId, seq: s.seq, status: s.status })),
        'device_id bigint, seq bigint, status text',
      )}
      WHERE e.device_id = x.device_id AND e.seq = x.seq`));
  }
  if (plan.stateUpdates.length > 0) {
    writes.push(db.execute(sql`
      UPDATE card_states s SET last_tmc = x.last_tmc, last_reported_balance_vnd = x.balance, last_event_at = x.at, last_device_id = x.device_id
      FROM ${jsonRecordset(
        plan.stateUpdates.map((u) => ({ card_number: u.cardNumber, application: u.application, last_tmc: u.lastTmc, balance: u.lastReportedBalanceVnd, at: u.lastEventAt, device_id: u.lastDeviceId })),
        'card_number text, application text, last_tmc bigint, balance bigint, at timestamptz, device_id bigint',
      )}
      WHERE s.card_number = x.card_number AND s.application = x.application`));
  }
  // Independent writes of disjoint rows, pipelined on the transaction's connection.
  writes.push(raiseExceptions(db, plan.exceptions), input.beforeLedger());
  await Promise.all(writes);
  if (plan.appliedOrders.length > 0) {
    await db.execute(sql`
      UPDATE topup_orders o SET status = 'applied', updated_at = now()
      FROM ${jsonRecordset(
        plan.appliedOrders.map((o) => ({ id: o.orderId })),
        'id uuid',
      )} WHERE o.id = x.id`);
    await removeListEntries(db, 'action', plan.appliedOrders.map((o) => o.actionId));
  }
  // Pass loads and unblocks the cards confirmed (src/lists/actions.ts); before the hot ledger rows, like the autoloads above.
  await withdrawConfirmedActions(db, input.confirmations);
  // Purses exist and are guarded by the card-state locks; shared accounts are created if missing and locked in id order.
  const shared = plan.accounts.filter((a) => a.kind !== 'card_purse');
  await ensureAccounts(db, shared);
  if (shared.length > 0) {
    await db.execute(sql`SELECT a.id FROM ledger_accounts a JOIN ${jsonRecordset(
      shared.map((a) => ({ id: a.id })),
      'id text',
    )} ON a.id = x.id ORDER BY a.id FOR UPDATE OF a`);
  }
  await insertTransfers(db, plan.transfers);
}

export interface PostingSummary {
  readonly postedEventCount: number;
  readonly transferCount: number;
  readonly exceptionCount: number;
  /** Status of each incoming event (`deviceId:seq`), for the caller to insert it with. */
  readonly incomingStatus: ReadonlyMap<string, PostingStatus>;
}

export interface PostingInput {
  /** Events with a TMC of the batch being ingested, not stored yet: planned with the stored held ones. */
  readonly incoming?: readonly HeldEvent[];
  /** Cards × applications to post for (the incoming events' keys are added). */
  readonly keys?: readonly CardKey[];
  readonly gapCutoffIso: string | null;
  /** Runs after the non-ledger writes and before the hot ledger rows are locked (ingest inserts the batch's events here). */
  readonly beforeLedger?: (incomingStatus: ReadonlyMap<string, PostingStatus>) => Promise<void>;
}

/** Held events by card key, then TMC, device, seq; each event's key is built once (a comparator building it would allocate two strings per comparison). */
function sortHeld(events: readonly HeldEvent[]): HeldEvent[] {
  const keyed = events.map((event) => ({ key: cardKeyString(event), event }));
  keyed.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.event.tmc - b.event.tmc || a.event.deviceId - b.event.deviceId || a.event.seq - b.event.seq));
  return keyed.map((k) => k.event);
}

/** Posts what can be posted for the given cards (and incoming events). Call inside a transaction. */
export async function postHeldEvents(db: Executor, input: PostingInput): Promise<PostingSummary> {
  const incoming = input.incoming ?? [];
  const allKeys = [...(input.keys ?? []), ...incoming.map((e) => ({ cardNumber: e.cardNumber, application: e.application }))];
  const unique = [...new Map(allKeys.map((k) => [cardKeyString(k), k])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
  const empty = { postedEventCount: 0, transferCount: 0, exceptionCount: 0, incomingStatus: new Map<string, PostingStatus>() };
  if (unique.length === 0) {
    await input.beforeLedger?.(empty.incomingStatus);
    return empty;
  }
  const locked = await lockStates(db, unique);
  const [stored, shadows] = await Promise.all([readHeld(db, unique), readShadows(db, unique)]);
  const held = sortHeld([...stored, ...incoming]);
  if (held.length === 0) {
    await input.beforeLedger?.(empty.incomingStatus);
    return empty;
  }
  const states = new Map<string, CardPostingState>();
  for (const [key, state] of locked) states.set(key, { ...state, shadowVnd: shadows.get(key) ?? null });
  const actionIds = [...new Set(held.flatMap((e) => (e.actionId === null ? [] : [e.actionId])))];
  const needsSchools = held.some((e) => e.siteCode !== null);
  const plan = planPosting({ states, held, ordersByActionId: await readOrders(db, actionIds), schoolBySiteCode: needsSchools ? await readSchools(db) : new Map(), gapCutoffIso: input.gapCutoffIso });
  const incomingKeys = new Set(incoming.map((e) => `${e.deviceId}:${e.seq}`));
  const incomingStatus = new Map<string, PostingStatus>();
  for (const status of plan.eventStatuses) if (incomingKeys.has(`${status.deviceId}:${status.seq}`)) incomingStatus.set(`${status.deviceId}:${status.seq}`, status.status);
  const confirmations = held.flatMap((e) => (e.actionId === null || e.kind === 'autoload' ? [] : [{ actionId: e.actionId, cardNumber: e.cardNumber }]));
  await writePlan(db, plan, { incoming: incomingKeys, confirmations, beforeLedger: () => input.beforeLedger?.(incomingStatus) ?? Promise.resolve() });
  return { postedEventCount: plan.eventStatuses.filter((s) => s.status === 'posted').length, transferCount: plan.transfers.length, exceptionCount: plan.exceptions.length, incomingStatus };
}
