/** One test database with reference data and an ingest context: shared by the tests of a file. */
import { Ed25519BulkVerifier } from '@onecard/keys';
import type { Database } from '../../src/db/open.js';
import { ingestBatch, type IngestContext, type PostingMode } from '../../src/ingest/ingest-batch.js';
import { KnownCards } from '../../src/ingest/known-cards.js';
import type { IngestOutcome } from '../../src/ingest/outcome.js';
import { openTestDatabase, type Backend } from './database.js';
import { NOW_MS, seedCards, seedOrganisations } from './seed.js';

export interface Harness {
  readonly database: Database;
  readonly context: IngestContext;
  readonly cardNumbers: readonly string[];
  ingest(deviceId: number, bytes: Uint8Array): Promise<IngestOutcome>;
  close(): Promise<void>;
}

export const VERIFIER_CACHED_KEY_COUNT_MAX = 10_000;
/** Small, so that the suites also see the known-cards cache forget and fill again. */
const KNOWN_CARD_COUNT_MAX = 16;

export async function openHarness(backend: Backend, options: { readonly cardCount: number; readonly posting?: PostingMode }): Promise<Harness> {
  const database = await openTestDatabase(backend);
  await seedOrganisations(database.db);
  const cardNumbers = await seedCards(database.db, options.cardCount);
  const context: IngestContext = { database, verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: VERIFIER_CACHED_KEY_COUNT_MAX }), nowMs: () => NOW_MS, posting: options.posting ?? 'inline', knownCards: new KnownCards({ countMax: KNOWN_CARD_COUNT_MAX }) };
  return {
    database,
    context,
    cardNumbers,
    ingest: (deviceId, bytes) => ingestBatch(context, { deviceId, bytes }),
    close: () => database.close(),
  };
}
