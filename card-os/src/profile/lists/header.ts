/**
 * The 18-byte header every list document starts with (README.md "Header").
 * A full list has base version 0; a delta goes from `baseVersion` to
 * `version` (baseVersion < version).
 */
import { epochSecondsOf, instantOf } from '../layout/epoch.js';
import { LIST_FORMAT_VERSION, LIST_KIND, LIST_MAGIC_LENGTH_BYTES, LIST_VERSION_MAX, type ListKind } from './codes.js';
import type { ByteReader, ByteWriter } from './cursor.js';

export interface ListHeader {
  readonly kind: ListKind;
  /** 1 .. 2^32 − 1: the version the device holds after applying this document. */
  readonly version: number;
  /** 0 for a full list; for a delta, the version it applies onto. */
  readonly baseVersion: number;
  /** When the clearing house issued it (UTC, whole seconds since the OneCard epoch on the wire). */
  readonly issuedAt: Date;
}

/** Throws RangeError for a header the format cannot carry (a programmer error). */
export function checkHeader(header: ListHeader): void {
  if (!Number.isInteger(header.version) || header.version < 1 || header.version > LIST_VERSION_MAX) throw new RangeError(`version must be 1..${LIST_VERSION_MAX}`);
  if (header.kind === 'full' && header.baseVersion !== 0) throw new RangeError('a full list has baseVersion 0');
  if (header.kind === 'delta' && (!Number.isInteger(header.baseVersion) || header.baseVersion < 1 || header.baseVersion >= header.version)) {
    throw new RangeError('a delta has 1 <= baseVersion < version');
  }
  const seconds = epochSecondsOf(header.issuedAt);
  if (seconds === undefined || seconds === 0) throw new RangeError('issuedAt must lie after the OneCard epoch');
}

export function writeHeader(w: ByteWriter, magic: Uint8Array, header: ListHeader): void {
  checkHeader(header);
  w.bytes(magic)
    .u8(LIST_FORMAT_VERSION, 'formatVersion')
    .u8(LIST_KIND.codeOf(header.kind), 'kind')
    .u32(header.version, 'version')
    .u32(header.baseVersion, 'baseVersion')
    .u32(epochSecondsOf(header.issuedAt) ?? 0, 'issuedAt');
}

/** Reads and checks the header; on failure the reader holds the failure and the answer is undefined. */
export function readHeader(r: ByteReader, magic: Uint8Array): ListHeader | undefined {
  const seen = r.bytes(LIST_MAGIC_LENGTH_BYTES, 'header.magic');
  if (r.failure() !== undefined) return undefined;
  if (!seen.every((b, i) => b === magic[i])) r.fail('bad_magic', 'header.magic');
  const formatVersion = r.u8('header.formatVersion');
  if (r.failure() === undefined && formatVersion !== LIST_FORMAT_VERSION) r.fail('unsupported_version', 'header.formatVersion');
  const kind = LIST_KIND.nameOf(r.u8('header.kind'));
  if (kind === undefined) r.fail('malformed', 'header.kind');
  const version = r.u32('header.version');
  if (version === 0) r.fail('malformed', 'header.version');
  const baseVersion = r.u32('header.baseVersion');
  const issuedAtSeconds = r.u32('header.issuedAt');
  if (issuedAtSeconds === 0) r.fail('malformed', 'header.issuedAt');
  if (r.failure() !== undefined || kind === undefined) return undefined;
  if (kind === 'full' ? baseVersion !== 0 : baseVersion === 0 || baseVersion >= version) r.fail('bad_base_version', 'header.baseVersion');
  if (r.failure() !== undefined) return undefined;
  return { kind, version, baseVersion, issuedAt: instantOf(issuedAtSeconds) };
}
