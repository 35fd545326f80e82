/**
 * EV2 secure-messaging arithmetic (AN12343 §4, MF2DLHX0 §9.1.3-9.1.5,
 * AN12196 §5.3-5.4, vectors.json source_notes). Pure functions shared by the
 * session pipeline and the vector runner.
 *
 *   SV1 = A5 5A 00 01 00 80 ‖ RndA[15..14] ‖ (RndA[13..8] ⊕ RndB[15..10]) ‖ RndB[9..0] ‖ RndA[7..0]
 *   SV2 = 5A A5 00 01 00 80 ‖ … (same)          (byte 15 = leftmost byte on the wire)
 *   SesAuthENCKey = CMAC(K, SV1), SesAuthMACKey = CMAC(K, SV2)
 *   IV = E(SesAuthENCKey, A55A ‖ TI ‖ CmdCtr(LE16) ‖ 00×8)   commands
 *        E(SesAuthENCKey, 5AA5 ‖ TI ‖ CmdCtr(LE16) ‖ 00×8)   responses (counter already +1)
 *   MAC input  = Cmd ‖ CmdCtr ‖ TI ‖ CmdHeader ‖ Data,  response RC ‖ CmdCtr+1 ‖ TI ‖ Data
 *   MACt = odd bytes of the 16-byte CMAC
 */
import {
  AES_BLOCK_SIZE_BYTES,
  abytes,
  aesCmac,
  cbcDecrypt,
  cbcEncrypt,
  concatBytes,
  ecbEncrypt,
  padIso9797M2,
  truncateMacEv2,
  uintLe,
  xorBytes,
} from '@onecard/keys';

export const EV2_KEY_BYTES = 16;
export const EV2_RND_BYTES = 16;
export const EV2_TI_BYTES = 4;
export const EV2_MACT_BYTES = 8;
export const EV2_CMD_CTR_BYTES = 2;
export const EV2_CMD_CTR_MAX = 0xffff;
const SV_PREFIX_ENC = Uint8Array.of(0xa5, 0x5a, 0x00, 0x01, 0x00, 0x80);
const SV_PREFIX_MAC = Uint8Array.of(0x5a, 0xa5, 0x00, 0x01, 0x00, 0x80);
const IV_LABEL_COMMAND = Uint8Array.of(0xa5, 0x5a);
const IV_LABEL_RESPONSE = Uint8Array.of(0x5a, 0xa5);
const PAD_MARKER = 0x80;

export type Ev2Direction = 'command' | 'response';

export function ev2Sv(options: { rndA: Uint8Array; rndB: Uint8Array }): { sv1: Uint8Array; sv2: Uint8Array } {
  const rndA = abytes(options.rndA, EV2_RND_BYTES, 'rndA');
  const rndB = abytes(options.rndB, EV2_RND_BYTES, 'rndB');
  const tail = concatBytes(rndA.subarray(0, 2), xorBytes(rndA.subarray(2, 8), rndB.subarray(0, 6)), rndB.subarray(6, 16), rndA.subarray(8, 16));
  return { sv1: concatBytes(SV_PREFIX_ENC, tail), sv2: concatBytes(SV_PREFIX_MAC, tail) };
}

export function ev2DeriveSessionKeys(options: { key: Uint8Array; rndA: Uint8Array; rndB: Uint8Array }): {
  sv1: Uint8Array;
  sv2: Uint8Array;
  sesAuthEncKey: Uint8Array;
  sesAuthMacKey: Uint8Array;
} {
  const key = abytes(options.key, EV2_KEY_BYTES, 'key');
  const { sv1, sv2 } = ev2Sv(options);
  return { sv1, sv2, sesAuthEncKey: aesCmac(key, sv1), sesAuthMacKey: aesCmac(key, sv2) };
}

function checkCtr(cmdCtr: number): number {
  if (!Number.isInteger(cmdCtr) || cmdCtr < 0 || cmdCtr > EV2_CMD_CTR_MAX) throw new RangeError('cmdCtr must be 0..65535');
  return cmdCtr;
}

/** `cmdCtr` is the value that goes into the IV: CmdCtr for commands, CmdCtr+1 for responses. */
export function ev2IvInput(options: { ti: Uint8Array; cmdCtr: number; direction: Ev2Direction }): Uint8Array {
  const label = options.direction === 'command' ? IV_LABEL_COMMAND : IV_LABEL_RESPONSE;
  const ti = abytes(options.ti, EV2_TI_BYTES, 'ti');
  const out = new Uint8Array(AES_BLOCK_SIZE_BYTES);
  out.set(concatBytes(label, ti, uintLe(checkCtr(options.cmdCtr), EV2_CMD_CTR_BYTES)));
  return out;
}

export function ev2ComputeIv(options: { sesAuthEncKey: Uint8Array; ti: Uint8Array; cmdCtr: number; direction: Ev2Direction }): Uint8Array {
  return ecbEncrypt('aes128', abytes(options.sesAuthEncKey, EV2_KEY_BYTES, 'sesAuthEncKey'), ev2IvInput(options));
}

/** Cmd ‖ CmdCtr ‖ TI ‖ CmdHeader ‖ Data. */
export function ev2CommandMacInput(options: { ins: number; cmdCtr: number; ti: Uint8Array; header: Uint8Array; data: Uint8Array }): Uint8Array {
  return concatBytes(Uint8Array.of(options.ins), uintLe(checkCtr(options.cmdCtr), EV2_CMD_CTR_BYTES), abytes(options.ti, EV2_TI_BYTES, 'ti'), options.header, options.data);
}

/** RC ‖ CmdCtr ‖ TI ‖ Data, where `cmdCtr` is already the incremented value. */
export function ev2ResponseMacInput(options: { status: number; cmdCtr: number; ti: Uint8Array; data: Uint8Array }): Uint8Array {
  return concatBytes(Uint8Array.of(options.status), uintLe(checkCtr(options.cmdCtr), EV2_CMD_CTR_BYTES), abytes(options.ti, EV2_TI_BYTES, 'ti'), options.data);
}

export function ev2ComputeMac(options: { sesAuthMacKey: Uint8Array; macInput: Uint8Array }): { cmacFull: Uint8Array; macT: Uint8Array } {
  const cmacFull = aesCmac(abytes(options.sesAuthMacKey, EV2_KEY_BYTES, 'sesAuthMacKey'), options.macInput);
  return { cmacFull, macT: truncateMacEv2(cmacFull) };
}

/** Length of `plaintextLengthBytes` after M2 padding: always at least one byte more, a block multiple (AN12343 §4.3). */
export function ev2PaddedLengthBytes(plaintextLengthBytes: number): number {
  return (Math.floor(plaintextLengthBytes / AES_BLOCK_SIZE_BYTES) + 1) * AES_BLOCK_SIZE_BYTES;
}

/** Pads with ISO 9797-1 M2 (always, a full block when aligned) and encrypts (AN12343 §4.3). */
export function ev2Encrypt(options: { sesAuthEncKey: Uint8Array; iv: Uint8Array; plaintext: Uint8Array }): Uint8Array {
  const data = padIso9797M2(options.plaintext, { blockSizeBytes: AES_BLOCK_SIZE_BYTES, whenAligned: 'add-block' });
  return cbcEncrypt({ cipher: 'aes128', key: options.sesAuthEncKey, iv: options.iv, data });
}

/**
 * Decrypts and removes M2 padding. Undefined when the ciphertext is not a
 * block multiple or the padding is not 80 00…, within the last block.
 */
export function ev2Decrypt(options: { sesAuthEncKey: Uint8Array; iv: Uint8Array; ciphertext: Uint8Array }): { padded: Uint8Array; plaintext: Uint8Array } | undefined {
  const { ciphertext } = options;
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_SIZE_BYTES !== 0) return undefined;
  const padded = cbcDecrypt({ cipher: 'aes128', key: options.sesAuthEncKey, iv: options.iv, data: ciphertext });
  const plaintextBytes = m2UnpadLength(padded, AES_BLOCK_SIZE_BYTES);
  return plaintextBytes === undefined ? undefined : { padded, plaintext: padded.slice(0, plaintextBytes) };
}

/** Length of the data before valid M2 padding that ends within the last block. */
export function m2UnpadLength(padded: Uint8Array, blockSizeBytes: number): number | undefined {
  let i = padded.length - 1;
  const lowest = Math.max(0, padded.length - blockSizeBytes);
  while (i >= lowest && padded[i] === 0) i--;
  if (i < lowest || padded[i] !== PAD_MARKER) return undefined;
  return i;
}
