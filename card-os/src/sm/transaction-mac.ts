/**
 * Transaction MAC value and reader-ID cryptogram: pure functions a party
 * holding only the AppTransactionMACKey (the clearing house) uses to check
 * what a card committed, and the card uses to produce it.
 *
 *   transaction TMC = TMC stored before the transaction + 1 (the value the
 *                     commit writes and CommitTransaction option 01 returns)
 *   SesTMMACKey, SesTMENCKey = tmacSessionKeys({ tmc: transaction TMC - 1 })
 *                     (SV carries TMC+1; session-keys.ts, MF2DLHX0 p.42)
 *   TMV     = MACt(SesTMMACKey, TMI): AES-CMAC over the TMI (a multiple of
 *             16 bytes), the odd bytes 1,3,…,15 kept (as EV2 MACt)
 *   EncTMRI = AES-CBC(SesTMENCKey, IV = 0, TMRI of the previous transaction)
 *
 * Sources: NXP Reader Library phalMfdfLight_Sw_CalculateTMV and
 * phalMfdfLight_Sw_DecryptReaderID ("TMC … should be 1 time subtracted from
 * the actual value"), proxmark3 DesfireGenTransSessionKeyEV2 /
 * DesfireDecodePrevReaderID. No published TMV test vector was found; the
 * session-key step is covered by vector tmac-session-keys-pm3-1.
 */
import { CIPHERS, abytes, aesCmac, cbcDecrypt, cbcEncrypt, equalBytes, truncateMacEv2, zeroize } from '@onecard/keys';
import { TMC_MAX, tmacSessionKeys } from './session-keys.js';
import { TMI_BLOCK_BYTES } from './transaction-mac-input.js';

export const TMV_BYTES = 8;
export const TMC_BYTES = 4;
/** Transaction MAC Reader ID (CommitReaderID data). */
export const TMRI_BYTES = 16;
/** A transaction TMC is at least 1 (the first commit) and at most TMC_MAX + 1. */
export const TRANSACTION_TMC_MIN = 1;
export const TRANSACTION_TMC_MAX = TMC_MAX + 1;

export interface TransactionMacKeyInput {
  /** The application's AppTransactionMACKey (AES-128). */
  readonly appTransactionMacKey: Uint8Array;
  /** The card's 7-byte UID (the real one, also when the random ID is on). */
  readonly uid: Uint8Array;
  /** TMC of the transaction: the counter value its commit writes (1 for the first). */
  readonly transactionTmc: number;
}

/** Runs `use` with the transaction's session keys and zeroizes them afterwards. */
function withSessionKeys<T>(input: TransactionMacKeyInput, use: (keys: { sesTmMacKey: Uint8Array; sesTmEncKey: Uint8Array }) => T): T {
  const { transactionTmc } = input;
  if (!Number.isInteger(transactionTmc) || transactionTmc < TRANSACTION_TMC_MIN || transactionTmc > TRANSACTION_TMC_MAX) {
    throw new RangeError('transactionTmc out of range');
  }
  const keys = tmacSessionKeys({ appTransactionMacKey: input.appTransactionMacKey, uid: input.uid, tmc: transactionTmc - 1 });
  try {
    return use(keys);
  } finally {
    zeroize(keys.sesTmMacKey, keys.sesTmEncKey);
  }
}

/** TMV of a transaction from its TMI. */
export function transactionMacValue(input: TransactionMacKeyInput & { readonly tmi: Uint8Array }): Uint8Array {
  if (input.tmi.length === 0 || input.tmi.length % TMI_BLOCK_BYTES !== 0) throw new RangeError('tmi must be a non-empty multiple of 16 bytes');
  return withSessionKeys(input, ({ sesTmMacKey }) => truncateMacEv2(aesCmac(sesTmMacKey, input.tmi)));
}

/** Whether `tmv` is the Transaction MAC of `tmi` (constant-time comparison). */
export function verifyTransactionMac(input: TransactionMacKeyInput & { readonly tmi: Uint8Array; readonly tmv: Uint8Array }): boolean {
  if (input.tmv.length !== TMV_BYTES) return false;
  return equalBytes(transactionMacValue(input), input.tmv);
}

function zeroIv(): Uint8Array {
  return new Uint8Array(CIPHERS.aes128.blockSizeBytes);
}

/** EncTMRI: what CommitReaderID answers in an authenticated session (the previous transaction's reader ID, enciphered). */
export function encryptReaderId(input: TransactionMacKeyInput & { readonly readerId: Uint8Array }): Uint8Array {
  return withSessionKeys(input, ({ sesTmEncKey }) => cbcEncrypt({ cipher: 'aes128', key: sesTmEncKey, iv: zeroIv(), data: abytes(input.readerId, TMRI_BYTES, 'readerId') }));
}

/** The previous transaction's reader ID from EncTMRI. */
export function decryptReaderId(input: TransactionMacKeyInput & { readonly encryptedReaderId: Uint8Array }): Uint8Array {
  return withSessionKeys(input, ({ sesTmEncKey }) => cbcDecrypt({ cipher: 'aes128', key: sesTmEncKey, iv: zeroIv(), data: abytes(input.encryptedReaderId, TMRI_BYTES, 'encryptedReaderId') }));
}
