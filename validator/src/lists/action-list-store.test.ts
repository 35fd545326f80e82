/**
 * ActionListStore: pendingFor answers the actions a tap applies now (valid,
 * not applied, in seq order, as ports.ts CardAction); expired actions are
 * dropped; deltas only onto their base; persisted and reopened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransitContract } from '@onecard/card-os/profile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionListStore } from './action-list-store.js';
import { cardNumber, ISSUED_AT, LIST_SIGNER, TRUSTED } from './testing/fixtures.js';
import { signActionList, signDenyList, packDenyEntries, type ActionListEntry } from './wire.js';

const HOUR_MS = 3_600_000;
const NOW = new Date('2026-12-04T08:00:00Z');
const at = (hours: number): Date => new Date(NOW.getTime() + hours * HOUR_MS);
const [A, B] = [cardNumber(1), cardNumber(2)];
const CONTRACT: TransitContract = { kind: 'monthly-all-routes', tariff: 'regular', routeId: 0, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 200_000, saleId: 42 };

const topUp: ActionListEntry = { actionId: 'pi-1', cardNumber: A, seq: 1, validFrom: at(-1), expiresAt: at(72), kind: 'autoload', application: 'transit', amountVnd: 50_000 };
const pass: ActionListEntry = { actionId: 'sale-42', cardNumber: A, seq: 2, validFrom: at(-1), expiresAt: at(72), kind: 'load-contract', application: 'transit', contract: CONTRACT };
const later: ActionListEntry = { actionId: 'pi-2', cardNumber: A, seq: 3, validFrom: at(2), expiresAt: at(72), kind: 'autoload', application: 'transit', amountVnd: 20_000 };
const expired: ActionListEntry = { actionId: 'pi-old', cardNumber: B, seq: 1, validFrom: at(-100), expiresAt: at(-1), kind: 'autoload', application: 'canteen', amountVnd: 10_000 };
const unblock: ActionListEntry = { actionId: 'unblock-b', cardNumber: B, seq: 2, validFrom: at(-1), expiresAt: at(24), kind: 'unblock', application: 'canteen' };

const full = (version: number, entries: readonly ActionListEntry[]): Uint8Array => signActionList({ kind: 'full', version, baseVersion: 0, issuedAt: ISSUED_AT, entries }, LIST_SIGNER);
const delta = (version: number, baseVersion: number, adds: readonly ActionListEntry[], removes: readonly string[]): Uint8Array =>
  signActionList({ kind: 'delta', version, baseVersion, issuedAt: ISSUED_AT, adds, removes }, LIST_SIGNER);

let directory: string;
let path: string;
let now: Date;
let applied: Set<string>;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-actions-'));
  path = join(directory, 'action-list.bin');
  now = NOW;
  applied = new Set();
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const open = () => ActionListStore.open({ ...TRUSTED, path, now: () => now, isActionApplied: (id) => applied.has(id) });

describe('ActionListStore', () => {
  it('answers valid, unapplied actions in seq order as CardActions; drops expired ones', async () => {
    const store = await open();
    expect(await store.apply(full(1, [topUp, pass, later, expired, unblock]))).toEqual({ ok: true, status: 'applied', version: 1, entryCount: 4 });
    expect(store.pendingFor(A)).toEqual([
      { kind: 'autoload', actionId: 'pi-1', seq: 1, application: 'transit', amountVnd: 50_000 },
      { kind: 'load-contract', actionId: 'sale-42', seq: 2, contract: CONTRACT },
    ]);
    expect(store.pendingFor(B)).toEqual([{ kind: 'unblock', actionId: 'unblock-b', seq: 2, application: 'canteen' }]);
    expect(store.pendingFor(cardNumber(3))).toEqual([]);
    applied.add('pi-1');
    now = at(3);
    expect(store.pendingFor(A).map((action) => action.actionId)).toEqual(['sale-42', 'pi-2']);
    now = at(24);
    expect(store.pendingFor(B)).toEqual([]);
  });

  it('persists, and drops what expired while it was off', async () => {
    await (await open()).apply(full(1, [topUp, pass, unblock]));
    now = at(30);
    const reopened = await open();
    expect([reopened.loadStatus, reopened.version, reopened.entryCount]).toEqual(['loaded', 1, 2]);
    expect(reopened.pendingFor(A).map((action) => action.actionId)).toEqual(['pi-1', 'sale-42']);
  });

  it('applies deltas onto their base: removes, adds, replaces by action id', async () => {
    const store = await open();
    await store.apply(full(1, [topUp, unblock]));
    const revised = { ...unblock, expiresAt: at(48) };
    expect(await store.apply(delta(2, 1, [pass, revised], ['pi-1']))).toEqual({ ok: true, status: 'applied', version: 2, entryCount: 2 });
    expect(store.pendingFor(A).map((action) => action.actionId)).toEqual(['sale-42']);
    now = at(30);
    expect(store.pendingFor(B).map((action) => action.actionId)).toEqual(['unblock-b']);
    expect((await open()).entryCount).toBe(2);
  });

  it('asks for a full list for a delta off its base or one that does not fit', async () => {
    const store = await open();
    expect(await store.apply(delta(2, 1, [pass], []))).toEqual({ ok: false, code: 'full_list_needed', heldVersion: 0, deltaBaseVersion: 1 });
    await store.apply(full(1, [topUp]));
    const clash = { ...pass, seq: 1 }; // another action for (A, seq 1)
    expect(await store.apply(delta(2, 1, [clash], []))).toEqual({ ok: false, code: 'full_list_needed', heldVersion: 1, deltaBaseVersion: 1 });
    expect(await store.apply(full(1, []))).toEqual({ ok: true, status: 'unchanged', version: 1, entryCount: 1 });
    await store.apply(full(3, []));
    expect(await store.apply(full(2, [topUp]))).toEqual({ ok: false, code: 'stale_version', heldVersion: 3, offeredVersion: 2 });
    expect(store.pendingFor(A)).toEqual([]);
  });

  it('refuses a deny list in place of an action list', async () => {
    const store = await open();
    const denyBytes = signDenyList({ kind: 'full', version: 5, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries([]) }, LIST_SIGNER);
    expect(await store.apply(denyBytes)).toEqual({ ok: false, code: 'signature_invalid', field: 'envelope.signature' });
    expect(store.version).toBe(0);
  });
});
