import { concatBytes, crc16Iso14443aBytes, crc32DesfireBytes, fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { findCrcFrame, zeroPad } from './crc-frame.js';
import { rnd } from './test-helpers.js';

const STATUS_OK = Uint8Array.of(0x00);
const crc32WithStatus = (d: Uint8Array): Uint8Array => crc32DesfireBytes(concatBytes(d, STATUS_OK));

function frame(data: Uint8Array, blockSizeBytes: number): Uint8Array {
  return zeroPad(concatBytes(data, crc32WithStatus(data)), blockSizeBytes);
}

describe('findCrcFrame', () => {
  it('finds data ‖ CRC32(data ‖ status) ‖ zero padding (EV1 answer, libfreefare layout)', () => {
    const data = fromHex('04958CAA5C5E80');
    const padded = frame(data, 16);
    expect(padded).toHaveLength(16);
    const found = findCrcFrame({ padded, blockSizeBytes: 16, crcLengthBytes: 4, crcOf: crc32WithStatus });
    expect(found && toHex(found)).toBe('04958caa5c5e80');
  });

  it('finds the empty frame of CRC_A (D40) instead of the structural longer match', () => {
    const padded = zeroPad(crc16Iso14443aBytes(new Uint8Array(0)), 8);
    expect(toHex(padded)).toBe('6363000000000000'); // CRC_A init 0x6363 over nothing
    const found = findCrcFrame({ padded, blockSizeBytes: 8, crcLengthBytes: 2, crcOf: crc16Iso14443aBytes });
    expect(found).toHaveLength(0);
  });

  it('recovers EV1 answers without a length (the status byte after the data breaks the CRC structure)', () => {
    for (let attempt = 0; attempt < 2_000; attempt++) {
      const data = rnd(attempt % 40);
      const found = findCrcFrame({ padded: frame(data, 16), blockSizeBytes: 16, crcLengthBytes: 4, crcOf: crc32WithStatus });
      expect(found && toHex(found)).toBe(toHex(data));
    }
  });

  it('is ambiguous about 1 in 256 times when the CRC ends with the data (commands, D40), exact with a length', () => {
    const header = fromHex('3D01000000090000');
    const crcOf = (d: Uint8Array): Uint8Array => crc32DesfireBytes(concatBytes(header, d));
    const framed = (d: Uint8Array): Uint8Array => zeroPad(concatBytes(d, crcOf(d)), 16);
    let ambiguous: Uint8Array | undefined;
    for (let attempt = 0; attempt < 20_000 && ambiguous === undefined; attempt++) {
      const data = rnd(9);
      const found = findCrcFrame({ padded: framed(data), blockSizeBytes: 16, crcLengthBytes: 4, crcOf });
      if (found?.length !== data.length) ambiguous = data;
    }
    expect(ambiguous).toBeDefined();
    if (ambiguous === undefined) return;
    const exact = findCrcFrame({ padded: framed(ambiguous), blockSizeBytes: 16, crcLengthBytes: 4, crcOf, knownLengthBytes: 9 });
    expect(exact && toHex(exact)).toBe(toHex(ambiguous));
  });

  it('rejects a wrong CRC, non-zero padding and a wrong known length', () => {
    const padded = frame(fromHex('0102030405'), 16);
    const badCrc = padded.slice();
    badCrc[5] = (badCrc[5] ?? 0) ^ 1;
    expect(findCrcFrame({ padded: badCrc, blockSizeBytes: 16, crcLengthBytes: 4, crcOf: crc32WithStatus })).toBeUndefined();
    const badPad = padded.slice();
    badPad[15] = 1;
    expect(findCrcFrame({ padded: badPad, blockSizeBytes: 16, crcLengthBytes: 4, crcOf: crc32WithStatus })).toBeUndefined();
    expect(findCrcFrame({ padded, blockSizeBytes: 16, crcLengthBytes: 4, crcOf: crc32WithStatus, knownLengthBytes: 4 })).toBeUndefined();
  });
});
