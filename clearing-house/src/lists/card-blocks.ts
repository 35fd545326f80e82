/**
 * Blocking and unblocking a card by a person (PROFILE.md §12 "unblock").
 *
 * A block is a deny-list entry (nothing on the card is locked). Blocking a
 * blocked card changes nothing and answers the entry that holds it; it also
 * withdraws an unblock still waiting, so an old unblock cannot be confirmed
 * by a tap after the new block is lifted some day.
 *
 * An unblock, in one transaction: the deny entry leaves the list (a new deny
 * version) and an `unblock` action for the card is published (a new action
 * version, which is also the action's per-card seq, as for pass sales: the
 * city's encoder, conformance-tests/src/city/list-encoding.ts). The first
 * committed transit tap after that confirms it and withdraws the action
 * (actions.ts). The action id is derived from the client's idempotency key:
 * a retry answers the same unblock; the key with another card is refused.
 *
 * Who: the clearing admin any card; a member of an organisation only the
 * cards that organisation issued, and an unblock only of a block that
 * organisation placed. The entries are the audit record (who, when, which
 * versions) and list history is never deleted.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { withTransactionRetry } from '../db/retry.js';
import { cards } from '../db/schema/cards.js';
import { listEntries } from '../db/schema/lists.js';
import { deterministicUuid } from '../ledger/transfers.js';
import { DENY_REASONS, denyCards, undenyCards, type DenyReason } from './deny.js';
import { addListEntries, removeListEntries } from './entries.js';

export const UNBLOCK_IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;
/** A deny-list block is lifted at a transit tap (PROFILE.md §12): the action's application. */
export const UNBLOCK_APPLICATION = 'transit';

export interface ListActor {
  readonly userId: string;
  readonly organisationId: string;
  /** 'all': the clearing admin. 'own_organisation': the cards the actor's organisation issued. */
  readonly scope: 'all' | 'own_organisation';
}

export type BlockFailure = 'card_unknown' | 'forbidden';
export type UnblockFailure = BlockFailure | 'idempotency_key_invalid' | 'idempotency_key_reused' | 'card_not_blocked' | 'card_replaced';

export interface CardBlock {
  /** The deny-list version that added the entry now holding the card. */
  readonly denyListVersion: number;
  readonly reason: DenyReason;
  /** The action-list version that withdrew a waiting unblock, or null. */
  readonly actionListVersion: number | null;
  /** False when the card was blocked already. */
  readonly created: boolean;
}

export interface CardUnblock {
  readonly actionId: string;
  /** The action-list version that published the unblock: also its seq. */
  readonly actionListVersion: number;
  /** The deny-list version that removed the card. */
  readonly denyListVersion: number;
  /** False when the idempotency key found an earlier unblock. */
  readonly created: boolean;
}

export type BlockResult = { readonly ok: true; readonly block: CardBlock } | { readonly ok: false; readonly code: BlockFailure };
export type UnblockResult = { readonly ok: true; readonly unblock: CardUnblock } | { readonly ok: false; readonly code: UnblockFailure };

/** The action list's key for an unblock (the journal's actionId): ASCII, lower case, 44 characters. */
export const unblockActionId = (idempotencyKey: string): string => `unblock:${deterministicUuid(`card-unblock:${idempotencyKey}`)}`;

type Payload = Readonly<Record<string, unknown>>;
const payloadOf = (value: unknown): Payload => (typeof value === 'object' && value !== null ? (value as Payload) : {});

async function lockCard(tx: Executor, cardNumber: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`onecard-card-block:${cardNumber}`}))`);
}

async function issuerOf(tx: Executor, cardNumber: string): Promise<{ readonly organisationId: string | null } | undefined> {
  const [card] = await tx.select({ organisationId: cards.organisationId }).from(cards).where(eq(cards.cardNumber, cardNumber));
  return card;
}

async function liveDenyOf(tx: Executor, cardNumber: string): Promise<{ readonly addedVersion: number; readonly payload: Payload } | undefined> {
  const [row] = await tx
    .select({ addedVersion: listEntries.addedVersion, payload: listEntries.payload })
    .from(listEntries)
    .where(and(eq(listEntries.kind, 'deny'), eq(listEntries.entryKey, cardNumber), isNull(listEntries.removedVersion)));
  return row === undefined ? undefined : { addedVersion: row.addedVersion, payload: payloadOf(row.payload) };
}

function denyReasonOf(payload: Payload): DenyReason {
  const reason = DENY_REASONS.find((known) => known === payload['reason']);
  if (reason === undefined) throw new Error('card block: a deny entry without a known reason');
  return reason;
}

const mayTouch = (actor: ListActor, issuerOrganisationId: string | null): boolean => actor.scope === 'all' || issuerOrganisationId === actor.organisationId;

export function blockCard(db: Executor, input: { readonly cardNumber: string; readonly reason: DenyReason; readonly actor: ListActor; readonly at: string }): Promise<BlockResult> {
  return withTransactionRetry(() =>
    db.transaction(async (tx): Promise<BlockResult> => {
      await lockCard(tx, input.cardNumber);
      const card = await issuerOf(tx, input.cardNumber);
      if (card === undefined) return { ok: false, code: 'card_unknown' };
      if (!mayTouch(input.actor, card.organisationId)) return { ok: false, code: 'forbidden' };
      const live = await liveDenyOf(tx, input.cardNumber);
      if (live !== undefined) return { ok: true, block: { denyListVersion: live.addedVersion, reason: denyReasonOf(live.payload), actionListVersion: null, created: false } };
      const denyListVersion = await denyCards(tx, [{ cardNumber: input.cardNumber, reason: input.reason, by: { userId: input.actor.userId, organisationId: input.actor.organisationId, at: input.at } }]);
      if (denyListVersion === null) throw new Error('card block: the deny entry was live already');
      const waiting = await tx
        .select({ entryKey: listEntries.entryKey })
        .from(listEntries)
        .where(and(eq(listEntries.kind, 'action'), eq(listEntries.cardNumber, input.cardNumber), isNull(listEntries.removedVersion), sql`${listEntries.payload}->>'kind' = 'unblock'`));
      const actionListVersion = await removeListEntries(tx, 'action', waiting.map((row) => row.entryKey));
      return { ok: true, block: { denyListVersion, reason: input.reason, actionListVersion, created: true } };
    }),
  );
}

export function unblockCard(db: Executor, input: { readonly cardNumber: string; readonly idempotencyKey: string; readonly actor: ListActor; readonly at: string }): Promise<UnblockResult> {
  if (!UNBLOCK_IDEMPOTENCY_KEY_RE.test(input.idempotencyKey)) return Promise.resolve({ ok: false, code: 'idempotency_key_invalid' });
  const actionId = unblockActionId(input.idempotencyKey);
  return withTransactionRetry(() =>
    db.transaction(async (tx): Promise<UnblockResult> => {
      await lockCard(tx, input.cardNumber);
      const card = await issuerOf(tx, input.cardNumber);
      if (card === undefined) return { ok: false, code: 'card_unknown' };
      if (!mayTouch(input.actor, card.organisationId)) return { ok: false, code: 'forbidden' };
      const [earlier] = await tx.select({ cardNumber: listEntries.cardNumber, payload: listEntries.payload, addedVersion: listEntries.addedVersion }).from(listEntries).where(and(eq(listEntries.kind, 'action'), eq(listEntries.entryKey, actionId)));
      if (earlier !== undefined) {
        if (earlier.cardNumber !== input.cardNumber) return { ok: false, code: 'idempotency_key_reused' };
        return { ok: true, unblock: { actionId, actionListVersion: earlier.addedVersion, denyListVersion: Number(payloadOf(earlier.payload)['denyListVersion']), created: false } };
      }
      const live = await liveDenyOf(tx, input.cardNumber);
      if (live === undefined) return { ok: false, code: 'card_not_blocked' };
      if (input.actor.scope !== 'all' && live.payload['blockedByOrganisationId'] !== input.actor.organisationId) return { ok: false, code: 'forbidden' };
      // A replaced card's value lives on its successor: lifting the block would let both spend.
      if (live.payload['reason'] === 'replaced') return { ok: false, code: 'card_replaced' };
      const denyListVersion = await undenyCards(tx, [input.cardNumber]);
      if (denyListVersion === null) throw new Error('card unblock: the deny entry was not live');
      const actionListVersion = await addListEntries(tx, 'action', [
        {
          entryKey: actionId,
          cardNumber: input.cardNumber,
          payload: { kind: 'unblock', actionId, application: UNBLOCK_APPLICATION, denyListVersion, requestedByUserId: input.actor.userId, requestedByOrganisationId: input.actor.organisationId, requestedAt: input.at },
        },
      ]);
      if (actionListVersion === null) throw new Error('card unblock: the action entry was live already');
      return { ok: true, unblock: { actionId, actionListVersion, denyListVersion, created: true } };
    }),
  );
}
