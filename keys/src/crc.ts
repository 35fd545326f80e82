/**
 * The two CRCs DESFire uses.
 * - CRC32 for EV1 secure messaging and ChangeKey: CRC-32/JAMCRC (reflected
 *   poly 0xEDB88320, init 0xFFFFFFFF, no final XOR), sent little-endian.
 * - CRC16 for D40 (native DES) secure messaging: CRC_A of ISO/IEC 14443-3
 *   (reflected poly 0x8408, init 0x6363, no final XOR), sent little-endian.
 * Check values from the RevEng CRC catalogue ("123456789" → 0x340BC6D9, 0xBF05).
 */
import { uintLe } from './bytes.js';

const CRC32_POLY_REFLECTED = 0xedb88320;
const CRC32_INIT = 0xffffffff;
const CRC16_A_INIT = 0x6363;

function buildCrc32Table(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32_POLY_REFLECTED ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE: Readonly<Uint32Array> = buildCrc32Table();

/** CRC-32/JAMCRC as a number. */
export function crc32Desfire(data: Uint8Array): number {
  let crc = CRC32_INIT;
  for (const byte of data) crc = (CRC32_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return crc >>> 0;
}

/** CRC-32/JAMCRC as the 4 bytes DESFire sends (LSB first). */
export function crc32DesfireBytes(data: Uint8Array): Uint8Array {
  return uintLe(crc32Desfire(data), 4);
}

/** CRC_A as a number. */
export function crc16Iso14443a(data: Uint8Array): number {
  let crc = CRC16_A_INIT;
  for (const byte of data) {
    let bt = (byte ^ (crc & 0xff)) & 0xff;
    bt = (bt ^ (bt << 4)) & 0xff;
    crc = ((crc >> 8) ^ (bt << 8) ^ (bt << 3) ^ (bt >> 4)) & 0xffff;
  }
  return crc;
}

/** CRC_A as the 2 bytes sent on the wire (LSB first). */
export function crc16Iso14443aBytes(data: Uint8Array): Uint8Array {
  return uintLe(crc16Iso14443a(data), 2);
}
