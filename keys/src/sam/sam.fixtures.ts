/**
 * Test fixtures for the SAM: AN10922 vectors from keys/test-vectors, a test
 * stand-in for the PKI's sealKeyBundle (AES-256-GCM under a device key, so
 * sealed output really hides the plaintext), and a deep search for secret
 * bytes in any returned value. Never imported by production code.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { concatBytes, toHex } from '../bytes.js';

interface Vector {
  readonly id: string;
  readonly inputs: Record<string, string>;
  readonly expected: Record<string, string>;
}

export function an10922Vector(id: string): Vector {
  const vectors = JSON.parse(readFileSync(new URL('../../test-vectors/primitives.json', import.meta.url), 'utf8')) as unknown;
  const list = (Array.isArray(vectors) ? vectors : (vectors as { vectors: unknown[] }).vectors) as Vector[];
  const found = list.find((v) => v.id === id);
  if (found === undefined) throw new Error(`missing vector ${id}`);
  return found;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface TestDevice {
  readonly seal: (plaintext: Uint8Array) => Uint8Array;
  readonly unseal: (sealed: Uint8Array) => Uint8Array;
}

export function makeTestDevice(): TestDevice {
  const deviceKey = randomFillSync(new Uint8Array(32));
  return {
    seal: (plaintext) => {
      const nonce = randomFillSync(new Uint8Array(NONCE_BYTES));
      const cipher = createCipheriv('aes-256-gcm', deviceKey, nonce);
      return concatBytes(nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
    },
    unseal: (sealed) => {
      const decipher = createDecipheriv('aes-256-gcm', deviceKey, sealed.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return concatBytes(decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final());
    },
  };
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Where (as a path) any of `secrets` appears in `value`: as bytes inside any
 * typed array or buffer, or as hex / base64 inside any string, at any depth.
 */
export function findSecret(value: unknown, secrets: readonly Uint8Array[], path = '$', seen = new Set<unknown>()): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    const compact = value.replace(/[^A-Za-z0-9+/]/g, '');
    for (const secret of secrets) {
      if (lower.includes(toHex(secret)) || compact.includes(Buffer.from(secret).toString('base64').replace(/=+$/, ''))) return path;
    }
    return undefined;
  }
  if (typeof value !== 'object' && typeof value !== 'function') return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return secrets.some((secret) => containsBytes(bytes, secret)) ? path : undefined;
  }
  const children: [string, unknown][] =
    value instanceof Map ? [...value.entries()].map(([k, v], i) => [`${path}<map ${i}>`, [k, v]]) : value instanceof Set ? [...value].map((v, i) => [`${path}<set ${i}>`, v]) : Reflect.ownKeys(value).map((key) => [`${path}.${String(key)}`, (value as Record<PropertyKey, unknown>)[key]]);
  for (const [childPath, child] of children) {
    const found = findSecret(child, secrets, childPath, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

