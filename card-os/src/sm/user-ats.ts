/**
 * SetConfiguration option 02 (user-defined ATS): the enciphered data and its
 * card-side parser. The ATS length is not sent; it is the ATS's own first
 * byte TL (ISO/IEC 14443-4 §5.2: TL counts itself), so the card reads TL
 * from the deciphered data and then checks what follows.
 *
 * What readers send after `5C 02` (the option byte is the CmdHeader, never
 * enciphered):
 *   D40  D(ATS ‖ CRC16(ATS) ‖ 80 ‖ 00…)            send-mode deciphered
 *   EV1  E(ATS ‖ CRC32(5C ‖ 02 ‖ ATS) ‖ 80 ‖ 00…)  CBC with the running IV
 *   EV2  ordinary full mode: E(ATS ‖ 80 ‖ 00…) ‖ MACt, no CRC
 * Sources: libfreefare mifare_desfire.c mifare_desfire_set_ats (CRC16 over
 * the ATS in AS_LEGACY, CRC32 over 5C ‖ 02 ‖ ATS in AS_NEW, then 0x80, then
 * MDCM_ENCIPHERED | NO_CRC: zero padding and encipherment);
 * proxmark3 client/src/mifare/desfirecore.c DesfireSetConfiguration
 * ("dynamic length": option 02 switches DCMEncrypted to
 * DCMEncryptedWithPadding) and desfiresecurechan.c (D40/EV1 with padding:
 * data ‖ CRC ‖ 80 ‖ 00…; EV2: data ‖ 80 ‖ 00…, the EV2 padding itself).
 * The 0x80 is ISO/IEC 9797-1 padding method 2: it marks where the CRC ends
 * because the zero-padding CRC search of other commands is ambiguous when
 * ATS ‖ CRC fills whole blocks (crc-frame.ts).
 */
import { concatBytes, crc16Iso14443aBytes, crc32DesfireBytes, equalBytes } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import type { SmScheme } from '../protocol/mode.js';
import { smFailure, type SmFailure } from './result.js';

/** SetConfiguration option byte for the user ATS. */
export const CONFIG_OPTION_ATS = 0x02;
/**
 * Longest user ATS the card takes, TL included. Not from a primary source
 * (card-os README, Doubts): ISO/IEC 14443-4 lets an ATS reach FSD − 2 bytes;
 * 20 bytes is what public EV1 descriptions quote for this option.
 */
export const USER_ATS_LENGTH_BYTES_MAX = 20;
/** The ISO/IEC 9797-1 method 2 marker byte. */
export const PAD_METHOD_2_MARKER = 0x80;
const CRC16_BYTES = 2;
const CRC32_BYTES = 4;

function crcOf(scheme: 'd40' | 'ev1', ats: Uint8Array): Uint8Array {
  return scheme === 'd40' ? crc16Iso14443aBytes(ats) : crc32DesfireBytes(concatBytes(Uint8Array.of(Ins.SetConfiguration, CONFIG_OPTION_ATS), ats));
}

/**
 * Host: the plaintext to send with wrapPreformattedFull (EV1/D40: the
 * session zero-pads and enciphers it; EV2: ordinary full mode adds 80 00…).
 */
export function userAtsPlaintext(options: { scheme: SmScheme; ats: Uint8Array }): Uint8Array {
  const { scheme, ats } = options;
  if (scheme === 'ev2') return ats.slice();
  return concatBytes(ats, crcOf(scheme, ats), Uint8Array.of(PAD_METHOD_2_MARKER));
}

/**
 * Card: the ATS from the deciphered data after the option byte (EV1/D40:
 * with the zero padding the session left; EV2: already unpadded by the
 * session, which also checked padding and MAC).
 *   TL 0, TL above USER_ATS_LENGTH_BYTES_MAX, or TL beyond the data: LENGTH_ERROR
 *   CRC mismatch, no 0x80 right after the CRC, a non-zero byte after it: INTEGRITY_ERROR
 *   EV2 data longer than TL: LENGTH_ERROR
 */
export function parseUserAtsPlaintext(options: { scheme: SmScheme; plaintext: Uint8Array }): { ok: true; ats: Uint8Array } | SmFailure {
  const { scheme, plaintext } = options;
  const tl = plaintext[0];
  if (tl === undefined || tl === 0 || tl > USER_ATS_LENGTH_BYTES_MAX) return smFailure('length_error');
  if (scheme === 'ev2') return plaintext.length === tl ? { ok: true, ats: plaintext.slice() } : smFailure('length_error');
  const crcBytes = scheme === 'd40' ? CRC16_BYTES : CRC32_BYTES;
  const markerAt = tl + crcBytes;
  if (markerAt >= plaintext.length) return smFailure('length_error');
  const ats = plaintext.subarray(0, tl);
  if (!equalBytes(crcOf(scheme, ats), plaintext.subarray(tl, markerAt))) return smFailure('integrity_error');
  if (plaintext[markerAt] !== PAD_METHOD_2_MARKER) return smFailure('integrity_error');
  if (plaintext.subarray(markerAt + 1).some((b) => b !== 0)) return smFailure('integrity_error');
  return { ok: true, ats: ats.slice() };
}
