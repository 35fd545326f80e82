/**
 * NXP AN10922 "Symmetric key diversifications", CMAC-based.
 *
 * AES-128 (§2.2): M = 0x01 ‖ input (input 1..31 bytes), padded with 80 00…
 * to 32 bytes; the last block is XORed with K2 when padding was added, K1
 * otherwise; the diversified key is the last 16 bytes of AES-CBC(K, M'). This
 * is NOT plain CMAC of the input for short inputs: CMAC would pad to 16.
 *
 * 2TDEA (§2.4) / 3TDEA (§2.5): Dn = CMAC over (constant ‖ input) padded to
 * 16 bytes, constants 0x21, 0x22 (2TDEA) and 0x31, 0x32, 0x33 (3TDEA); the key
 * is D1 ‖ D2 (‖ D3). Input 1..15 bytes. The result carries the raw CMAC bits
 * in its parity positions; set a key version with setDesKeyVersion.
 */
import { abytes, concatBytes } from './bytes.js';
import { CIPHERS, cbcEncrypt, lastBlock, type CipherName } from './blockcipher.js';
import { cmacPrepare, cmacSubkeys } from './cmac.js';

export const AN10922_AES_INPUT_LENGTH_BYTES_MAX = 31;
export const AN10922_TDEA_INPUT_LENGTH_BYTES_MAX = 15;
const AES_CONSTANT = 0x01;
const AES_PADDED_LENGTH_BYTES = 32;
const TDEA_PADDED_LENGTH_BYTES = 16;
const TDEA2_CONSTANTS = [0x21, 0x22] as const;
const TDEA3_CONSTANTS = [0x31, 0x32, 0x33] as const;

function checkInput(input: Uint8Array, lengthBytesMax: number): void {
  abytes(input, undefined, 'diversificationInput');
  if (input.length < 1 || input.length > lengthBytesMax) {
    throw new RangeError(`diversificationInput must be 1..${lengthBytesMax} bytes, got ${input.length}`);
  }
}

/** The CMAC'd message (after padding and subkey XOR), exposed for test vectors. */
export function an10922Message(options: {
  cipher: CipherName;
  masterKey: Uint8Array;
  constant: number;
  diversificationInput: Uint8Array;
}): { message: Uint8Array; prepared: Uint8Array } {
  const { cipher, masterKey, constant, diversificationInput } = options;
  const message = concatBytes(Uint8Array.of(constant), diversificationInput);
  const paddedLengthBytes = cipher === 'aes128' ? AES_PADDED_LENGTH_BYTES : TDEA_PADDED_LENGTH_BYTES;
  const prepared = cmacPrepare({ cipher, subkeys: cmacSubkeys(cipher, masterKey), message, paddedLengthBytes });
  return { message, prepared };
}

function cmacBlock(cipher: CipherName, masterKey: Uint8Array, constant: number, diversificationInput: Uint8Array): Uint8Array {
  const { prepared } = an10922Message({ cipher, masterKey, constant, diversificationInput });
  const iv = new Uint8Array(CIPHERS[cipher].blockSizeBytes);
  const out = lastBlock(cipher, cbcEncrypt({ cipher, key: masterKey, iv, data: prepared }));
  prepared.fill(0);
  return out;
}

export function diversifyAes128(options: { masterKey: Uint8Array; diversificationInput: Uint8Array }): Uint8Array {
  abytes(options.masterKey, 16, 'masterKey');
  checkInput(options.diversificationInput, AN10922_AES_INPUT_LENGTH_BYTES_MAX);
  return cmacBlock('aes128', options.masterKey, AES_CONSTANT, options.diversificationInput);
}

export function diversifyTdea(options: { masterKey: Uint8Array; diversificationInput: Uint8Array }): Uint8Array {
  const masterKey = abytes(options.masterKey, [16, 24], 'masterKey');
  checkInput(options.diversificationInput, AN10922_TDEA_INPUT_LENGTH_BYTES_MAX);
  const cipher = masterKey.length === 16 ? '2tdea' : '3tdea';
  const constants = cipher === '2tdea' ? TDEA2_CONSTANTS : TDEA3_CONSTANTS;
  return concatBytes(...constants.map((c) => cmacBlock(cipher, masterKey, c, options.diversificationInput)));
}
