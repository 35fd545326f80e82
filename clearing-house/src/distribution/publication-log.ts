/**
 * The publication log on disk, next to the documents it describes:
 *   publications/fare-feed/<version>.json
 *   publications/key-bundle/<deviceId>/<version>.json
 *   publications/idempotency/<kind>-<sha256 of the key>.json → { deviceId, version }
 * Each file is written atomically (atomic-file.ts). A record is written
 * before its envelope replaces the served one, so a record above the served
 * version is a publish that was cut: it is not listed and the next publish
 * of that version overwrites it.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import { publicationRecordSchema, type PublicationKind, type PublicationRecord, type PublicationSubject } from './publication.js';

const LOG_DIR_NAME = 'publications';
const IDEMPOTENCY_DIR_NAME = 'idempotency';
const DIRECTORY_MODE = 0o700;
/** Zero-padded so the names sort as the versions do. */
const VERSION_DIGITS = 16;
const RECORD_NAME_RE = /^(\d{16})\.json$/;

const pointerSchema = z.strictObject({ deviceId: z.number().int().min(1).nullable(), version: z.number().int().min(1) });
export type PublicationPointer = z.infer<typeof pointerSchema>;

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value)}\n`);

export class PublicationLog {
  readonly #root: string;

  private constructor(root: string) {
    this.#root = root;
  }

  /** The log under the distribution store's directory. */
  static async open(storeDirectory: string): Promise<PublicationLog> {
    const root = join(storeDirectory, LOG_DIR_NAME);
    await mkdir(join(root, IDEMPOTENCY_DIR_NAME), { recursive: true, mode: DIRECTORY_MODE });
    return new PublicationLog(root);
  }

  async write(record: PublicationRecord): Promise<void> {
    const subject: PublicationSubject = record.kind === 'fare-feed' ? { kind: 'fare-feed' } : { kind: 'key-bundle', deviceId: record.deviceId ?? 0 };
    const directory = this.#subjectDirectory(subject);
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    await writeFileAtomic(join(directory, `${String(record.version).padStart(VERSION_DIGITS, '0')}.json`), encode(publicationRecordSchema.parse(record)));
  }

  /** Undefined when there is none; throws when the file is not a record of that subject and version. */
  async read(subject: PublicationSubject, version: number): Promise<PublicationRecord | undefined> {
    const json = await readJson(join(this.#subjectDirectory(subject), `${String(version).padStart(VERSION_DIGITS, '0')}.json`));
    if (json === undefined) return undefined;
    const record = publicationRecordSchema.parse(json);
    const deviceId = subject.kind === 'key-bundle' ? subject.deviceId : null;
    if (record.kind !== subject.kind || record.version !== version || record.deviceId !== deviceId) throw new Error('a publication record is not the one its file name says');
    return record;
  }

  async findByKey(kind: PublicationKind, idempotencyKeySha256: string): Promise<PublicationPointer | undefined> {
    const json = await readJson(this.#pointerPath(kind, idempotencyKeySha256));
    return json === undefined ? undefined : pointerSchema.parse(json);
  }

  async rememberKey(kind: PublicationKind, idempotencyKeySha256: string, pointer: PublicationPointer): Promise<void> {
    await writeFileAtomic(this.#pointerPath(kind, idempotencyKeySha256), encode(pointer));
  }

  /** Records with version ≤ servedVersion (and < beforeVersion), newest first, at most countMax. */
  async list(subject: PublicationSubject, input: { readonly servedVersion: number; readonly beforeVersion?: number; readonly countMax: number }): Promise<PublicationRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.#subjectDirectory(subject));
    } catch (error: unknown) {
      if (isMissing(error)) return [];
      throw error;
    }
    const below = Math.min(input.servedVersion + 1, input.beforeVersion ?? Number.MAX_SAFE_INTEGER);
    const versions = names
      .map((name) => RECORD_NAME_RE.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .filter((version) => version < below)
      .sort((a, b) => b - a)
      .slice(0, input.countMax);
    const records: PublicationRecord[] = [];
    for (const version of versions) {
      const record = await this.read(subject, version);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  #subjectDirectory(subject: PublicationSubject): string {
    switch (subject.kind) {
      case 'fare-feed':
        return join(this.#root, 'fare-feed');
      case 'key-bundle':
        if (!Number.isSafeInteger(subject.deviceId) || subject.deviceId < 1) throw new RangeError('deviceId must be a positive integer');
        return join(this.#root, 'key-bundle', String(subject.deviceId));
    }
  }

  #pointerPath(kind: PublicationKind, idempotencyKeySha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(idempotencyKeySha256)) throw new RangeError('not a sha256 in hex');
    return join(this.#root, IDEMPOTENCY_DIR_NAME, `${kind}-${idempotencyKeySha256}.json`);
  }
}
