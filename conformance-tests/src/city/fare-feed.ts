/**
 * The Hanoi fare feed as it travels in production. The clearing admin reads
 * the feed folder (the files the validator reads), checks that it loads the
 * way a validator will load it (the clearing house checks only the files'
 * shape), and uploads it with a session token through POST /v1/feeds/fares;
 * the clearing house checks it, signs it as the next version into its
 * distribution store and serves it at GET /v1/feeds/fares, where each bus
 * validator's sync agent downloads and verifies it (devices.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createFareEngine, describeFeedError, FEED_FILE_NAMES, loadFeedFromFiles } from '@onecard/validator';

/** What the clearing house answered for the publication (its publication record, the parts the city uses). */
export interface PublishedFareFeed {
  readonly version: number;
  /** sha256 of the exact envelope GET /v1/feeds/fares serves. */
  readonly envelopeSha256: string;
  /** false: the idempotency key was seen, this is the earlier publication. */
  readonly created: boolean;
}

const publishedAnswerSchema = z.object({
  publication: z.object({ kind: z.literal('fare-feed'), version: z.number().int().min(1), envelopeSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  created: z.boolean(),
});
const errorAnswerSchema = z.object({ error: z.object({ code: z.string(), detail: z.string().optional() }) });

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** The feed files of a folder that the validator reads (file name → text); other files are left out, as the clearing house refuses them. */
export async function readFeedFolder(directory: string): Promise<ReadonlyMap<string, string>> {
  const files = new Map<string, string>();
  for (const name of FEED_FILE_NAMES) {
    try {
      files.set(name, await readFile(join(directory, name), 'utf8'));
    } catch (error: unknown) {
      if (!isMissing(error)) throw error;
    }
  }
  return files;
}

/** The admin's check before uploading: the feed loads and makes a fare engine as on a validator. Answers its route ids (sorted), to put buses on. */
export function checkFeedLoads(files: ReadonlyMap<string, string>): readonly string[] {
  const feed = loadFeedFromFiles(files);
  if (!feed.ok) throw new Error(`the fare feed does not load: ${describeFeedError(feed.error)}`);
  const created = createFareEngine(feed.value);
  if (!created.ok) throw new Error(`the fare feed makes no fare engine: ${created.message}`);
  return [...feed.value.routes.keys()].sort();
}

/** One idempotency key per feed content: publishing the same files again answers the first publication. */
export function feedIdempotencyKey(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${name}\u0000${text}\u0000`, 'utf8');
  return `city-fare-feed:${hash.digest('hex').slice(0, 32)}`;
}

/** POST /v1/feeds/fares as the clearing admin. A refusal throws with the API's code and detail (never the feed's content). */
export async function publishFareFeed(input: { readonly baseUrl: string; readonly adminToken: string; readonly files: ReadonlyMap<string, string>; readonly idempotencyKey?: string }): Promise<PublishedFareFeed> {
  const response = await fetch(`${input.baseUrl}/v1/feeds/fares`, {
    method: 'POST',
    headers: { authorization: `Bearer ${input.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ idempotencyKey: input.idempotencyKey ?? feedIdempotencyKey(input.files), files: Object.fromEntries(input.files) }),
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (response.status !== 200 && response.status !== 201) {
    const refusal = errorAnswerSchema.safeParse(json);
    const why = refusal.success ? [refusal.data.error.code, refusal.data.error.detail].filter((part) => part !== undefined).join(' ') : 'no error body';
    throw new Error(`the fare feed publication was refused: HTTP ${response.status} ${why}`);
  }
  const answer = publishedAnswerSchema.safeParse(json);
  if (!answer.success) throw new Error('the fare feed publication answer does not match the API');
  return { version: answer.data.publication.version, envelopeSha256: answer.data.publication.envelopeSha256, created: answer.data.created };
}
