/** Typed readers for vector inputs; errors name the field, never the value. */
import { fromHex, type Bytes } from '@onecard/keys';
import type { CipherName } from '@onecard/keys';
import type { Inputs } from './judge.js';

export function field(inputs: Inputs, name: string): string {
  const value = inputs[name];
  if (typeof value !== 'string') throw new Error(`input ${name} missing or not text`);
  return value;
}

export function hexInput(inputs: Inputs, name: string): Bytes {
  try {
    return fromHex(field(inputs, name));
  } catch {
    throw new Error(`input ${name} is not valid hex`);
  }
}

/** Decimal integer, or 0x-prefixed hex (source_notes[0]). */
export function intInput(inputs: Inputs, name: string): number {
  const raw = inputs[name];
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`input ${name} is not an integer`);
  return value;
}

export function hasInput(inputs: Inputs, name: string): boolean {
  return inputs[name] !== undefined;
}

/** Maps the free-text cipher names used by vector files to our cipher names. */
export function cipherFromText(text: string): CipherName {
  const t = text.toUpperCase();
  if (t.includes('AES')) return 'aes128';
  if (t.includes('3TDEA') || t.includes('3K3DES') || t.includes('3-KEY')) return '3tdea';
  if (t.includes('2TDEA') || t.includes('2K3DES') || t.includes('2-KEY')) return '2tdea';
  if (t.includes('DES')) return 'des';
  throw new Error('unknown cipher name');
}

/** Checks an optional `message_len_bytes` against the message it describes. */
export function checkedMessage(inputs: Inputs): Bytes {
  const message = hexInput(inputs, 'message');
  if (hasInput(inputs, 'message_len_bytes') && intInput(inputs, 'message_len_bytes') !== message.length) {
    throw new Error('message_len_bytes does not match message');
  }
  return message;
}
