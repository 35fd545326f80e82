/**
 * CMAC (NIST SP 800-38B, RFC 4493) over AES-128, DES, 2TDEA and 3TDEA.
 * DESFire EV1 uses it for secure messaging with every key type; EV2 with AES.
 *
 * The whole message goes through one CBC call (CBC-MAC with the subkey folded
 * into the last block), so long messages cost one cipher invocation.
 */
import { abytes, xorBytes } from './bytes.js';
import { CIPHERS, cbcEncrypt, ecbEncrypt, lastBlock, type CipherName } from './blockcipher.js';

/** SP 800-38B §5.3: Rb for 128-bit and 64-bit blocks. */
const RB_128 = 0x87;
const RB_64 = 0x1b;

function shiftLeftOne(block: Uint8Array, rb: number): Uint8Array {
  const out = new Uint8Array(block.length);
  let carry = 0;
  for (let i = block.length - 1; i >= 0; i--) {
    const b = block[i] ?? 0;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >> 7;
  }
  if (((block[0] ?? 0) & 0x80) !== 0) {
    const last = out.length - 1;
    out[last] = (out[last] ?? 0) ^ rb;
  }
  return out;
}

export interface CmacSubkeys {
  readonly k1: Uint8Array;
  readonly k2: Uint8Array;
}

/** SP 800-38B §6.1 subkey generation. */
export function cmacSubkeys(cipher: CipherName, key: Uint8Array): CmacSubkeys {
  const blockSizeBytes = CIPHERS[cipher].blockSizeBytes;
  const rb = blockSizeBytes === 16 ? RB_128 : RB_64;
  const l = ecbEncrypt(cipher, key, new Uint8Array(blockSizeBytes));
  const k1 = shiftLeftOne(l, rb);
  const k2 = shiftLeftOne(k1, rb);
  l.fill(0);
  return { k1, k2 };
}

/**
 * ISO/IEC 9797-1 padding method 2 (80 00 …) up to a multiple of the block
 * size. `whenAligned: 'add-block'` always pads (encrypted DESFire data);
 * 'none' leaves an aligned, non-empty input as it is (CMAC's rule).
 */
export function padIso9797M2(data: Uint8Array, options: { blockSizeBytes: number; whenAligned: 'add-block' | 'none' }): Uint8Array {
  const { blockSizeBytes } = options;
  if (options.whenAligned === 'none' && data.length > 0 && data.length % blockSizeBytes === 0) return data;
  const paddedLengthBytes = (Math.floor(data.length / blockSizeBytes) + 1) * blockSizeBytes;
  const out = new Uint8Array(paddedLengthBytes);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/**
 * Prepares the message CMAC enciphers: pads to `paddedLengthBytes` (at least
 * the message rounded up to a block) and XORs the last block with K1 (no
 * padding was added) or K2 (padding was added). AN10922 uses a fixed length.
 */
export function cmacPrepare(options: {
  cipher: CipherName;
  subkeys: CmacSubkeys;
  message: Uint8Array;
  paddedLengthBytes?: number;
}): Uint8Array {
  const { cipher, subkeys, message } = options;
  const blockSizeBytes = CIPHERS[cipher].blockSizeBytes;
  const naturalLengthBytes = Math.max(blockSizeBytes, Math.ceil(message.length / blockSizeBytes) * blockSizeBytes);
  const paddedLengthBytes = options.paddedLengthBytes ?? naturalLengthBytes;
  if (paddedLengthBytes % blockSizeBytes !== 0 || paddedLengthBytes < message.length || paddedLengthBytes === 0) {
    throw new RangeError('paddedLengthBytes must be a block multiple covering the message');
  }
  const padded = message.length === paddedLengthBytes;
  const m = new Uint8Array(paddedLengthBytes);
  m.set(message);
  if (!padded) m[message.length] = 0x80;
  const lastOffset = paddedLengthBytes - blockSizeBytes;
  m.set(xorBytes(m.subarray(lastOffset), padded ? subkeys.k1 : subkeys.k2), lastOffset);
  return m;
}

/** Full CMAC (block-size bytes). */
export function cmac(options: { cipher: CipherName; key: Uint8Array; message: Uint8Array; subkeys?: CmacSubkeys }): Uint8Array {
  const { cipher, key } = options;
  abytes(options.message, undefined, 'message');
  const subkeys = options.subkeys ?? cmacSubkeys(cipher, key);
  const m = cmacPrepare({ cipher, subkeys, message: options.message });
  const iv = new Uint8Array(CIPHERS[cipher].blockSizeBytes);
  return lastBlock(cipher, cbcEncrypt({ cipher, key, iv, data: m }));
}

/** AES-CMAC convenience. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  return cmac({ cipher: 'aes128', key, message });
}

/**
 * EV1 secure messaging keeps a running IV: CMAC with `iv` as the CBC start
 * value, returning the full CMAC, which becomes the next IV.
 */
export function cmacWithIv(options: { cipher: CipherName; key: Uint8Array; iv: Uint8Array; message: Uint8Array }): Uint8Array {
  const { cipher, key, iv } = options;
  const m = cmacPrepare({ cipher, subkeys: cmacSubkeys(cipher, key), message: options.message });
  return lastBlock(cipher, cbcEncrypt({ cipher, key, iv, data: m }));
}

/** EV2 MACt: the 8 bytes at odd indices (1, 3, …, 15) of the 16-byte AES-CMAC (AN12196 §…, AN12343). */
export function truncateMacEv2(fullCmac: Uint8Array): Uint8Array {
  abytes(fullCmac, 16, 'cmac');
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = fullCmac[2 * i + 1] ?? 0;
  return out;
}
