/**
 * DESFire native (D40) "CBC" for DES/2TDEA keys.
 *
 * The original DESFire only ever *enciphers* on the card, so the reader must
 * use the *decipher* operation for what it sends. libfreefare calls the two
 * chaining directions MCD_SEND and MCD_RECEIVE (mifare_cypher_blocks_chained):
 *  - send:    x = data ⊕ iv; out = op(x); iv = out
 *  - receive: out = op(data) ⊕ iv; iv = data
 * Receive + decipher is ordinary CBC decryption. Send + decipher is what a
 * PCD applies to data it sends in D40 mode.
 */
import { abytes, xorBytes } from './bytes.js';
import { CIPHERS, ecbDecrypt, ecbEncrypt, type CipherName } from './blockcipher.js';

export type LegacyDirection = 'send' | 'receive';
export type LegacyOperation = 'encipher' | 'decipher';

export function legacyCbc(options: {
  cipher: Extract<CipherName, 'des' | '2tdea' | '3tdea'>;
  key: Uint8Array;
  iv: Uint8Array;
  data: Uint8Array;
  direction: LegacyDirection;
  operation: LegacyOperation;
}): { output: Uint8Array; nextIv: Uint8Array } {
  const { cipher, key, data, direction, operation } = options;
  const blockSizeBytes = CIPHERS[cipher].blockSizeBytes;
  let iv: Uint8Array = abytes(options.iv, blockSizeBytes, 'iv').slice();
  if (data.length % blockSizeBytes !== 0) throw new RangeError(`data must be a multiple of ${blockSizeBytes} bytes`);
  const op = (block: Uint8Array): Uint8Array =>
    operation === 'encipher' ? ecbEncrypt(cipher, key, block) : ecbDecrypt(cipher, key, block);
  const output = new Uint8Array(data.length);
  for (let offset = 0; offset < data.length; offset += blockSizeBytes) {
    const block = data.subarray(offset, offset + blockSizeBytes);
    if (direction === 'send') {
      const out = op(xorBytes(block, iv));
      output.set(out, offset);
      iv = out;
    } else {
      const out = xorBytes(op(block), iv);
      output.set(out, offset);
      iv = block.slice();
    }
  }
  return { output, nextIv: iv };
}
