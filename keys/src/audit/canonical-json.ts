/**
 * Canonical JSON for hashing and MACs: object keys sorted by UTF-16 code unit
 * order, no whitespace, only JSON values (no undefined, no NaN/Infinity).
 * Two equal values always give the same string, whatever the key insertion
 * order was, so a hash over it survives a parse/serialise round trip.
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const CANONICAL_DEPTH_MAX = 32;

function encode(value: unknown, depth: number): string {
  if (depth > CANONICAL_DEPTH_MAX) throw new RangeError('canonical JSON nesting too deep');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('canonical JSON accepts finite numbers only');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item: unknown) => encode(item, depth + 1)).join(',')}]`;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw new TypeError('canonical JSON accepts plain objects only');
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${encode(item, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      break;
  }
  throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
}

/** Canonical JSON text. Properties whose value is `undefined` are omitted (as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

/** UTF-8 bytes of the canonical JSON text. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
