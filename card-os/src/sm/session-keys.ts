/**
 * Session keys of the pre-EV2 schemes and of Transaction MAC.
 *
 * EV1 / D40 (MF2DLHX0 §9.1.1-9.1.2; libfreefare mifare_desfire_session_key_new):
 *   DES    RndA[0..3] ‖ RndB[0..3]                                   (8 bytes)
 *   2TDEA  RndA[0..3] ‖ RndB[0..3] ‖ RndA[4..7] ‖ RndB[4..7]         (16 bytes)
 *   3TDEA  RndA[0..3] ‖ RndB[0..3] ‖ RndA[6..9] ‖ RndB[6..9] ‖ RndA[12..15] ‖ RndB[12..15]
 *   AES    RndA[0..3] ‖ RndB[0..3] ‖ RndA[12..15] ‖ RndB[12..15]
 * Transaction MAC (MF2DLHX0 §10.7.7 / p.42; proxmark3 TestTransSessionKeys):
 *   SV = 5A|A5 ‖ 00 01 00 80 ‖ (TMC+1, LE32) ‖ UID(7); SesTMMACKey = CMAC(K, 5A…), SesTMENCKey = CMAC(K, A5…)
 */
import { CIPHERS, abytes, aesCmac, concatBytes, uintLe, type CipherName } from '@onecard/keys';

export const EV1_RND_BYTES: Readonly<Record<CipherName, number>> = { des: 8, '2tdea': 8, '3tdea': 16, aes128: 16 };
export const UID_BYTES = 7;
export const TMC_MAX = 0xfffffffe; // TMC+1 must fit in 32 bits
const TMC_BYTES = 4;
const TM_SV_TAIL = Uint8Array.of(0x00, 0x01, 0x00, 0x80);
const TM_LABEL_MAC = 0x5a;
const TM_LABEL_ENC = 0xa5;

/** [start, end) slices of RndA and RndB, interleaved A, B, A, B … */
const LAYOUT: Readonly<Record<CipherName, readonly (readonly [number, number])[]>> = {
  des: [[0, 4]],
  '2tdea': [[0, 4], [4, 8]],
  '3tdea': [[0, 4], [6, 10], [12, 16]],
  aes128: [[0, 4], [12, 16]],
};

export function ev1SessionKey(options: { keyType: CipherName; rndA: Uint8Array; rndB: Uint8Array }): Uint8Array {
  const { keyType } = options;
  const rndBytes = EV1_RND_BYTES[keyType];
  const rndA = abytes(options.rndA, rndBytes, 'rndA');
  const rndB = abytes(options.rndB, rndBytes, 'rndB');
  const parts = LAYOUT[keyType].flatMap(([start, end]) => [rndA.subarray(start, end), rndB.subarray(start, end)]);
  const key = concatBytes(...parts);
  if (key.length !== CIPHERS[keyType].keyLengthBytes) throw new Error('session key layout does not match the cipher');
  return key;
}

export function tmacSessionKeys(options: { appTransactionMacKey: Uint8Array; uid: Uint8Array; tmc: number }): {
  sesTmMacKey: Uint8Array;
  sesTmEncKey: Uint8Array;
} {
  const key = abytes(options.appTransactionMacKey, CIPHERS.aes128.keyLengthBytes, 'appTransactionMacKey');
  const uid = abytes(options.uid, UID_BYTES, 'uid');
  if (!Number.isInteger(options.tmc) || options.tmc < 0 || options.tmc > TMC_MAX) throw new RangeError('tmc out of range');
  const tail = concatBytes(TM_SV_TAIL, uintLe(options.tmc + 1, TMC_BYTES), uid);
  return {
    sesTmMacKey: aesCmac(key, concatBytes(Uint8Array.of(TM_LABEL_MAC), tail)),
    sesTmEncKey: aesCmac(key, concatBytes(Uint8Array.of(TM_LABEL_ENC), tail)),
  };
}
