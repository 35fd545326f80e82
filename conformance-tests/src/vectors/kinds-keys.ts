/**
 * Vector kinds computed by keys/: CMAC and subkeys, D40 legacy CBC, AN10922
 * diversification, the DESFire CRCs. Every value comes from @onecard/keys;
 * nothing is recomputed here.
 */
import {
  cmac,
  cmacSubkeys,
  concatBytes,
  crc16Iso14443a,
  crc16Iso14443aBytes,
  crc32Desfire,
  crc32DesfireBytes,
  diversifyAes128,
  diversifyTdea,

  getDesKeyVersion,
  legacyCbc,
  setDesKeyVersion,
  toHex,
  type CipherName,
} from '@onecard/keys';
import { checkedMessage, cipherFromText, field, hasInput, hexInput } from './inputs.js';
import type { Inputs, KindHandler, VectorValue } from './judge.js';

const hex32 = (value: number): string => value.toString(16).padStart(8, '0');
const hex16 = (value: number): string => value.toString(16).padStart(4, '0');

function cmacKind(cipherFor: (key: Uint8Array) => CipherName): KindHandler {
  return (inputs) => {
    const key = hexInput(inputs, 'key');
    return { cmac: toHex(cmac({ cipher: cipherFor(key), key, message: checkedMessage(inputs) })) };
  };
}

/** The diversification input: given whole, or built as UID ‖ AID ‖ system identifier. */
function diversificationInput(inputs: Inputs): Uint8Array {
  if (hasInput(inputs, 'diversification_input')) return hexInput(inputs, 'diversification_input');
  const systemIdentifier = hasInput(inputs, 'system_identifier')
    ? hexInput(inputs, 'system_identifier')
    : new TextEncoder().encode(field(inputs, 'system_identifier_ascii'));
  return concatBytes(hexInput(inputs, 'uid'), hexInput(inputs, 'aid'), systemIdentifier);
}

const VERSIONED_KEY_FIELD_RE = /^diversified_key_with_master_key_version/;

function legacyMode(text: string): { direction: 'send' | 'receive'; operation: 'encipher' | 'decipher' } {
  const t = text.toLowerCase();
  const direction = t.includes('send') ? 'send' : t.includes('receive') ? 'receive' : undefined;
  const operation = t.includes('decipher') ? 'decipher' : t.includes('encipher') ? 'encipher' : undefined;
  if (direction === undefined || operation === undefined) throw new Error('input mode names no direction/operation');
  return { direction, operation };
}

function legacyCipher(key: Uint8Array): 'des' | '2tdea' | '3tdea' {
  return key.length === 8 ? 'des' : key.length === 16 ? '2tdea' : '3tdea';
}

export const KEYS_KINDS: ReadonlyMap<string, KindHandler> = new Map<string, KindHandler>([
  ['aes-cmac', cmacKind(() => 'aes128')],
  ['tdea-cmac', cmacKind((key) => (key.length === 24 ? '3tdea' : '2tdea'))],
  ['des-cmac', cmacKind(() => 'des')],
  [
    'cmac-subkeys',
    (inputs) => {
      const { k1, k2 } = cmacSubkeys(cipherFromText(field(inputs, 'cipher')), hexInput(inputs, 'key'));
      return { k1: toHex(k1), k2: toHex(k2) };
    },
  ],
  [
    'des-legacy-cbc',
    (inputs) => {
      const key = hexInput(inputs, 'key');
      const { output } = legacyCbc({
        cipher: legacyCipher(key),
        key,
        iv: hexInput(inputs, 'iv'),
        data: hexInput(inputs, 'data'),
        ...legacyMode(field(inputs, 'mode')),
      });
      return { output: toHex(output) };
    },
  ],
  [
    'an10922-diversify-aes128',
    (inputs) => {
      const input = diversificationInput(inputs);
      const masterKey = hexInput(inputs, 'master_key');
      return {
        cmac_message_M: toHex(concatBytes(Uint8Array.of(0x01), input)),
        diversified_key: toHex(diversifyAes128({ masterKey, diversificationInput: input })),
      };
    },
  ],
  [
    'an10922-diversify-tdea',
    (inputs, expectedFields) => {
      const input = diversificationInput(inputs);
      const masterKey = hexInput(inputs, 'master_key');
      const raw = diversifyTdea({ masterKey, diversificationInput: input });
      const out: Record<string, VectorValue> = {
        cmac_message_D1: toHex(concatBytes(Uint8Array.of(0x21), input)),
        cmac_message_D2: toHex(concatBytes(Uint8Array.of(0x22), input)),
        diversified_key_raw_cmac: toHex(raw),
      };
      // The field name carries the version the vector expects; we compute the
      // version from the master key's parity bits, as the card and libfreefare do.
      for (const name of expectedFields.filter((f) => VERSIONED_KEY_FIELD_RE.test(f))) {
        out[name] = toHex(setDesKeyVersion(raw, getDesKeyVersion(masterKey)));
      }
      return out;
    },
  ],
  [
    'crc32-desfire',
    (inputs) => {
      const data = hasInput(inputs, 'status_byte')
        ? concatBytes(hexInput(inputs, 'data'), hexInput(inputs, 'status_byte'))
        : hexInput(inputs, 'data');
      const value = hex32(crc32Desfire(data));
      return { crc_value: value, crc_value_be: value, wire_bytes_le: toHex(crc32DesfireBytes(data)) };
    },
  ],
  [
    'crc16-iso14443a',
    (inputs) => {
      const data = hexInput(inputs, 'data');
      return { crc_value: hex16(crc16Iso14443a(data)), wire_bytes_le: toHex(crc16Iso14443aBytes(data)) };
    },
  ],
]);
