import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { ATR_HISTORICAL_BYTES_MAX, FACTORY_ATS, atrForAts, atsHistoricalBytes, contactlessAtr } from './atr.js';
import { DESFIRE_ATR } from './card.js';
import { hex } from './testing/fixtures.js';

describe('ATR from the ATS (PC/SC Part 3 contactless form)', () => {
  it('the factory ATS gives the DESFire ATR 3B 81 80 01 80 80, as does no user ATS', () => {
    expect(atsHistoricalBytes(FACTORY_ATS)).toEqual(hex('80'));
    expect(atrForAts(FACTORY_ATS)).toEqual(DESFIRE_ATR);
    expect(atrForAts(null)).toEqual(DESFIRE_ATR);
  });

  it('skips exactly the interface bytes T0 announces', () => {
    expect(toHex(atsHistoricalBytes(hex('05 78 80 81 02')))).toBe(''); // TA TB TC, nothing after
    expect(toHex(atsHistoricalBytes(hex('05 40 02 c1 05')))).toBe('c105'); // TC only
    expect(toHex(atsHistoricalBytes(hex('04 00 c1 05')))).toBe('c105'); // no interface bytes
    expect(toHex(atsHistoricalBytes(hex('01')))).toBe(''); // TL only: no T0
  });

  it('an empty ATR history is 3B 80 80 01 01', () => {
    expect(toHex(atrForAts(hex('01')))).toBe('3b80800101');
  });

  it('malformed ATS (T0 announces more than TL holds, TL beyond the bytes, empty) → no historical bytes, no throw', () => {
    expect(atsHistoricalBytes(hex('03 70 01'))).toEqual(new Uint8Array(0));
    expect(toHex(atsHistoricalBytes(hex('09 00 c1')))).toBe('c1');
    expect(atsHistoricalBytes(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('keeps at most 15 historical bytes; contactlessAtr refuses more', () => {
    const ats = Uint8Array.of(20, 0x00, ...new Uint8Array(18).fill(0x33));
    expect(atsHistoricalBytes(ats).length).toBe(ATR_HISTORICAL_BYTES_MAX);
    expect(() => contactlessAtr(new Uint8Array(16))).toThrow(RangeError);
  });
});
