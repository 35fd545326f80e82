/**
 * Child process of the crash tests: ingests the uploads of a file in order,
 * printing `done <i>` after each, until killed, its database goes away
 * (exit 3), or it finishes (`finished`, exit 0).
 * argv: <uploads.json> <database url>
 */
import { readFileSync } from 'node:fs';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { openDatabase } from '../../src/db/open.js';
import { ingestBatch } from '../../src/ingest/ingest-batch.js';
import { CHILD_DATABASE_LOST_EXIT_CODE } from './run-child.js';

const LOST_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** 57P0x (shutdown), 08xxx (connection) or a postgres.js connection error, anywhere in the cause chain. */
function databaseWentAway(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const code = 'code' in current ? String(current.code) : '';
    if (code.startsWith('57P') || code.startsWith('08') || LOST_CODES.has(code)) return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

const [file, url] = process.argv.slice(2);
if (file === undefined || url === undefined) throw new Error('usage: ingest-child <uploads.json> <url>');
const uploads = (JSON.parse(readFileSync(file, 'utf8')) as { deviceId: number; base64: string }[]).map((u) => ({ deviceId: u.deviceId, bytes: Uint8Array.from(Buffer.from(u.base64, 'base64')) }));
const database = await openDatabase({ url, connectionCountMax: 2 });
const context = { database, verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: 1000 }), nowMs: () => Date.UTC(2026, 11, 4, 12) };
try {
  for (const [index, upload] of uploads.entries()) {
    const outcome = await ingestBatch(context, upload);
    if (outcome.kind !== 'accepted' && outcome.kind !== 'duplicate') throw new Error(`unexpected outcome ${outcome.kind}`);
    process.stdout.write(`done ${index}\n`);
  }
} catch (error) {
  if (databaseWentAway(error)) process.exit(CHILD_DATABASE_LOST_EXIT_CODE);
  throw error;
}
await database.close();
process.stdout.write('finished\n');
