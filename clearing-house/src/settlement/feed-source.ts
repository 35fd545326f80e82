/**
 * The fare table of the feed the clearing house currently distributes
 * (DistributionStore.currentFareFeed). The envelope is the store's own file:
 * its payload is parsed with the payload schema; the signature was made by
 * this clearing house and is checked by the devices, not here.
 */
import { decodeEnvelope } from '@onecard/keys';
import type { DistributionStore } from '../distribution/store.js';
import { fareFeedPayloadSchema } from '../distribution/payloads.js';
import { readFareTable, type FareTable, type FareTableFailure } from './fare-table.js';

export type PublishedFares =
  | { readonly status: 'published'; readonly table: FareTable }
  /** Nothing published yet: concessions are unknown. */
  | { readonly status: 'none' }
  /** A feed is published but settlement cannot read it: concessions are unknown, and the code says why. */
  | { readonly status: 'unreadable'; readonly code: FareTableFailure | 'payload_invalid'; readonly file: string | null };

export async function publishedFares(store: Pick<DistributionStore, 'currentFareFeed'>): Promise<PublishedFares> {
  let json: unknown;
  try {
    // The store throws on a stored file that is not its envelope: settlement then reports concessions as unknown.
    const current = await store.currentFareFeed();
    if (current === undefined) return { status: 'none' };
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decodeEnvelope(current.envelope).payload));
  } catch {
    return { status: 'unreadable', code: 'payload_invalid', file: null };
  }
  const payload = fareFeedPayloadSchema.safeParse(json);
  if (!payload.success) return { status: 'unreadable', code: 'payload_invalid', file: null };
  const read = readFareTable({ feedVersion: payload.data.version, files: payload.data.files });
  return read.ok ? { status: 'published', table: read.table } : { status: 'unreadable', code: read.code, file: read.file };
}

/** The table when one is usable, else undefined (settlement then reports concessions as unknown). */
export function usableFareTable(fares: PublishedFares): FareTable | undefined {
  switch (fares.status) {
    case 'published':
      return fares.table;
    case 'none':
    case 'unreadable':
      return undefined;
  }
}

/**
 * A provider of the current table for settlement callers (the dashboard, the reports API): it asks the store
 * for the current version on every call, so a new feed applies at once, and parses a version only once.
 */
export function settlementFaresFromStore(store: Pick<DistributionStore, 'currentFareFeed'>): () => Promise<FareTable | undefined> {
  let cached: { readonly version: number; readonly table: FareTable | undefined } | undefined;
  return async () => {
    const version = await store.currentFareFeed().then(
      (current) => current?.version,
      () => undefined,
    );
    if (version === undefined) return undefined;
    if (cached?.version === version) return cached.table;
    const table = usableFareTable(await publishedFares(store));
    cached = { version: table?.feedVersion ?? version, table };
    return table;
  };
}
