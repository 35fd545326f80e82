/**
 * Raw block ciphers as DESFire uses them: AES-128, DES, 2K3DES (2TDEA) and
 * 3K3DES (3TDEA), in ECB and CBC, with no padding (callers pad).
 *
 * OpenSSL 3 keeps single DES in its legacy provider only, so DES runs as
 * DES-EDE3 with K‖K‖K, which is the same permutation (E_K D_K E_K = E_K).
 * 2TDEA runs as DES-EDE3 with K1‖K2‖K1.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { abytes, concatBytes } from './bytes.js';

export type CipherName = 'aes128' | 'des' | '2tdea' | '3tdea';

export const AES_BLOCK_SIZE_BYTES = 16;
export const DES_BLOCK_SIZE_BYTES = 8;

export interface CipherSpec {
  readonly name: CipherName;
  readonly keyLengthBytes: number;
  readonly blockSizeBytes: number;
}

export const CIPHERS: Readonly<Record<CipherName, CipherSpec>> = {
  aes128: { name: 'aes128', keyLengthBytes: 16, blockSizeBytes: AES_BLOCK_SIZE_BYTES },
  des: { name: 'des', keyLengthBytes: 8, blockSizeBytes: DES_BLOCK_SIZE_BYTES },
  '2tdea': { name: '2tdea', keyLengthBytes: 16, blockSizeBytes: DES_BLOCK_SIZE_BYTES },
  '3tdea': { name: '3tdea', keyLengthBytes: 24, blockSizeBytes: DES_BLOCK_SIZE_BYTES },
};

/** Maps a DESFire cipher to the OpenSSL algorithm and the key OpenSSL needs. */
function openssl(cipher: CipherName, key: Uint8Array, mode: 'ecb' | 'cbc'): { algorithm: string; key: Uint8Array } {
  const spec = CIPHERS[cipher];
  abytes(key, spec.keyLengthBytes, `${cipher} key`);
  switch (cipher) {
    case 'aes128':
      return { algorithm: `aes-128-${mode}`, key };
    case 'des':
      return { algorithm: `des-ede3-${mode}`, key: concatBytes(key, key, key) };
    case '2tdea':
      return { algorithm: `des-ede3-${mode}`, key: concatBytes(key, key.subarray(0, 8)) };
    case '3tdea':
      return { algorithm: `des-ede3-${mode}`, key };
  }
}

function checkData(cipher: CipherName, data: Uint8Array): void {
  abytes(data, undefined, 'data');
  const blockSizeBytes = CIPHERS[cipher].blockSizeBytes;
  if (data.length % blockSizeBytes !== 0) {
    throw new RangeError(`data must be a multiple of ${blockSizeBytes} bytes, got ${data.length}`);
  }
}

function run(options: {
  cipher: CipherName;
  key: Uint8Array;
  iv: Uint8Array | null;
  data: Uint8Array;
  direction: 'encrypt' | 'decrypt';
}): Uint8Array {
  const { cipher, data, direction } = options;
  checkData(cipher, data);
  const mode = options.iv === null ? 'ecb' : 'cbc';
  if (options.iv !== null) abytes(options.iv, CIPHERS[cipher].blockSizeBytes, 'iv');
  const { algorithm, key } = openssl(cipher, options.key, mode);
  const c =
    direction === 'encrypt'
      ? createCipheriv(algorithm, key, options.iv)
      : createDecipheriv(algorithm, key, options.iv);
  c.setAutoPadding(false);
  const head = c.update(data);
  const tail = c.final();
  return tail.length === 0 ? new Uint8Array(head.buffer, head.byteOffset, head.length) : concatBytes(head, tail);
}

export function ecbEncrypt(cipher: CipherName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return run({ cipher, key, iv: null, data, direction: 'encrypt' });
}

export function ecbDecrypt(cipher: CipherName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return run({ cipher, key, iv: null, data, direction: 'decrypt' });
}

export function cbcEncrypt(options: { cipher: CipherName; key: Uint8Array; iv: Uint8Array; data: Uint8Array }): Uint8Array {
  return run({ ...options, direction: 'encrypt' });
}

export function cbcDecrypt(options: { cipher: CipherName; key: Uint8Array; iv: Uint8Array; data: Uint8Array }): Uint8Array {
  return run({ ...options, direction: 'decrypt' });
}

/** The last block of a CBC encryption: the next IV in EV1 secure messaging. */
export function lastBlock(cipher: CipherName, data: Uint8Array): Uint8Array {
  const blockSizeBytes = CIPHERS[cipher].blockSizeBytes;
  if (data.length < blockSizeBytes) throw new RangeError('data shorter than one block');
  return data.slice(data.length - blockSizeBytes);
}
