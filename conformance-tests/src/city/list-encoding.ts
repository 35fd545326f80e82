/**
 * The clearing house's `encodeList` (AppOptions): a list snapshot from the
 * database as the signed wire envelope validators verify
 * (card-os/src/profile/lists/README.md). The database rows carry no per-card
 * action seq nor validity window: the seq is the list version that added the
 * entry (it only grows, so a card's actions keep their order) and an action
 * is valid from the OneCard epoch until CITY_ACTION_VALIDITY_MS from now.
 */
import { z } from 'zod';
import { actionDeltaOf, packCardKeys, packDenyEntries, signActionList, signDenyList, sortActionEntries, type ActionListEntry, type ListSigner } from '@onecard/card-os/profile';
import { DENY_REASONS, type ListEntry, type ListSnapshot } from '@onecard/clearing-house';
import { CITY_ACTION_VALIDITY_MS } from './limits.js';

const ONECARD_EPOCH = new Date('2020-01-01T00:00:00Z');
const denyPayload = z.object({ reason: z.enum(DENY_REASONS) });
const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const actionPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('autoload'), actionId: z.string(), application: z.enum(['transit', 'canteen']), amountVnd: z.number().int() }),
  // A pass sold by the clearing house (clearing-house/src/passes/sales.ts payloadOf).
  z.object({
    kind: z.literal('load-contract'),
    actionId: z.string(),
    application: z.literal('transit'),
    saleId: z.number().int(),
    contractKind: z.enum(['monthly-single-route', 'monthly-all-routes']),
    tariff: z.enum(['regular', 'concession', 'free']),
    routeId: z.number().int(),
    validFrom: civilDate,
    validUntil: civilDate,
    pricePaidVnd: z.number().int(),
  }),
  z.object({ kind: z.literal('unblock'), actionId: z.string(), application: z.enum(['identity', 'transit', 'student', 'canteen', 'civil', 'health']) }),
]);

export type PublishedSnapshot = Exclude<ListSnapshot, { status: 'not_modified' }>;

function actionEntryOf(entry: ListEntry, expiresAt: Date): ActionListEntry {
  const payload = actionPayload.parse(entry.payload);
  const common = { actionId: payload.actionId, cardNumber: entry.cardNumber, seq: entry.addedVersion, validFrom: ONECARD_EPOCH, expiresAt } as const;
  switch (payload.kind) {
    case 'autoload':
      return { ...common, kind: 'autoload', application: payload.application, amountVnd: payload.amountVnd };
    case 'load-contract':
      return {
        ...common,
        kind: 'load-contract',
        application: 'transit',
        contract: { kind: payload.contractKind, tariff: payload.tariff, routeId: payload.routeId, validFrom: payload.validFrom, validUntil: payload.validUntil, pricePaidVnd: payload.pricePaidVnd, saleId: payload.saleId },
      };
    case 'unblock':
      return { ...common, kind: 'unblock', application: payload.application };
  }
}

function denyEntryOf(entry: ListEntry): { readonly cardNumber: string; readonly reason: z.infer<typeof denyPayload>['reason'] } {
  return { cardNumber: entry.cardNumber, reason: denyPayload.parse(entry.payload).reason };
}

export function listEncoder(input: { readonly signer: ListSigner; readonly nowMs: () => number }): (snapshot: PublishedSnapshot) => Uint8Array {
  return (snapshot) => {
    const issuedAt = new Date(Math.floor(input.nowMs() / 1000) * 1000);
    const header = { version: snapshot.version, baseVersion: snapshot.status === 'full' ? 0 : snapshot.fromVersion, issuedAt };
    const expiresAt = new Date(input.nowMs() + CITY_ACTION_VALIDITY_MS);
    switch (snapshot.kind) {
      case 'deny':
        return snapshot.status === 'full'
          ? signDenyList({ kind: 'full', ...header, entries: packDenyEntries(snapshot.entries.map(denyEntryOf)) }, input.signer)
          : signDenyList({ kind: 'delta', ...header, adds: packDenyEntries(snapshot.added.map(denyEntryOf)), removes: packCardKeys(snapshot.removedKeys) }, input.signer);
      case 'action': {
        if (snapshot.status === 'full') return signActionList({ kind: 'full', ...header, entries: sortActionEntries(snapshot.entries.map((e) => actionEntryOf(e, expiresAt))) }, input.signer);
        const delta = actionDeltaOf({ adds: snapshot.added.map((e) => actionEntryOf(e, expiresAt)), removes: snapshot.removedKeys });
        return signActionList({ kind: 'delta', ...header, adds: delta.adds, removes: delta.removes }, input.signer);
      }
    }
  };
}
