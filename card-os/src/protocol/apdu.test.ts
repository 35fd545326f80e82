import { fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import {
  FRAME_SIZE_BYTES_MAX,
  NATIVE_COMMAND_FRAME_DATA_BYTES_MAX,
  NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX,
  SHORT_APDU_DATA_BYTES_MAX,
  nativeResponse,
  parseCommandApdu,
  parseNativeResponse,
  splitFrames,
  wrapNative,
} from './apdu.js';

describe('ISO 7816-4 wrapping', () => {
  it('wraps AuthenticateEV2First as in AN12196 Table 14', () => {
    expect(toHex(wrapNative(0x71, fromHex('0000')))).toBe('9071000002000000');
    expect(toHex(wrapNative(0x60, new Uint8Array(0)))).toBe('9060000000');
  });
  it('parses cases 1-4 and rejects inconsistent or extended lengths', () => {
    const c4 = parseCommandApdu(fromHex('9071000002000000'));
    expect(c4.ok && toHex(c4.value.data)).toBe('0000');
    expect(c4.ok && c4.value.le).toBe(256);
    const c3 = parseCommandApdu(fromHex('00A4040002E110'));
    expect(c3.ok && c3.value.le).toBeUndefined();
    const c1 = parseCommandApdu(fromHex('90600000'));
    expect(c1.ok && c1.value.data.length).toBe(0);
    expect(parseCommandApdu(fromHex('9060'))).toEqual({ ok: false, error: 'apdu_too_short' });
    expect(parseCommandApdu(fromHex('90710000050000'))).toEqual({ ok: false, error: 'lc_inconsistent' });
    expect(parseCommandApdu(fromHex('9071000000000200'))).toEqual({ ok: false, error: 'extended_length_unsupported' });
    const lcZero = parseCommandApdu(fromHex('905100000000')); // AN12196 GetCardUID as printed
    expect(lcZero.ok && lcZero.value.data.length).toBe(0);
  });
  it('builds and parses native answers', () => {
    const r = nativeResponse(fromHex('A04C'), 0xaf);
    expect(toHex(r)).toBe('a04c91af');
    const parsed = parseNativeResponse(r);
    expect(parsed.ok && parsed.value.status).toBe(0xaf);
    expect(parseNativeResponse(fromHex('9000'))).toEqual({ ok: false, error: 'not_native_sw1' });
  });
  it('splits long data into frames', () => {
    const frames = splitFrames(new Uint8Array(130), NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX);
    expect(frames.map((f) => f.length)).toEqual([59, 59, 12]);
    expect(splitFrames(new Uint8Array(0), 59)).toHaveLength(1);
  });
  it('keeps frame limits consistent', () => {
    expect(NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX).toBeLessThan(FRAME_SIZE_BYTES_MAX);
    expect(NATIVE_COMMAND_FRAME_DATA_BYTES_MAX + 6).toBeLessThanOrEqual(FRAME_SIZE_BYTES_MAX - 3);
    expect(SHORT_APDU_DATA_BYTES_MAX).toBeGreaterThan(NATIVE_COMMAND_FRAME_DATA_BYTES_MAX);
  });
});
