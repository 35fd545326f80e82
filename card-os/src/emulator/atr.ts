/**
 * The ATR a PC/SC reader makes of the card's ATS (PC/SC Part 3
 * §3.1.3.2.3.1, contactless ISO 14443-4 type A):
 *   3B 8n 80 01 ‖ n historical bytes of the ATS ‖ TCK,  TCK = XOR of bytes 1..end
 * What the other side makes of it: libnfc's pcsc driver
 * (libnfc/drivers/pcsc.c pcsc_props_to_target) accepts exactly this form
 * and rebuilds the ATS as 75 77 81 02 ‖ historical bytes: it keeps the
 * historical bytes of a user ATS (SetConfiguration option 02) and assumes
 * the DESFire interface bytes. So the bridge shows a user ATS only through
 * its historical bytes, which is what a real PC/SC reader does too.
 *
 * Historical bytes of an ATS (ISO/IEC 14443-4 §5.2): TL T0 [TA] [TB] [TC] ‖ T1…Tk,
 * T0 bits 4, 5, 6 announce TA, TB, TC. An ATS of TL = 1 has no T0 and none.
 * Two choices without a primary source (card-os README, Doubts): an ATS
 * whose T0 announces interface bytes beyond TL gives no historical bytes,
 * and more than 15 historical bytes (the ATR's n is a nibble) are cut to 15.
 */
import { fromHex } from '@onecard/keys';

/** The DESFire EV1/EV2 factory ATS: TL 06, T0 75, TA 77, TB 81, TC 02, one historical byte 80 (libfreefare mifare-desfire-ev1-configure-ats). */
export const FACTORY_ATS = fromHex('067577810280');
/** TS (direct convention), then T0 = 8n: TD1 present, n historical bytes. */
const ATR_TS = 0x3b;
const ATR_T0_TD1_PRESENT = 0x80;
/** TD1 = 80: TD2 follows, protocol T=0; TD2 = 01: protocol T=1 (PC/SC Part 3). */
const ATR_TD1 = 0x80;
const ATR_TD2 = 0x01;
export const ATR_HISTORICAL_BYTES_MAX = 15;
const ATS_T0_OFFSET = 1;
const ATS_T0_INTERFACE_BITS = [0x10, 0x20, 0x40] as const;

/** The historical bytes of an ATS (TL first); empty when it has none or is malformed. */
export function atsHistoricalBytes(ats: Uint8Array): Uint8Array {
  const tl = Math.min(ats[0] ?? 0, ats.length);
  const t0 = ats[ATS_T0_OFFSET];
  if (tl <= ATS_T0_OFFSET || t0 === undefined) return new Uint8Array(0);
  const interfaceBytes = ATS_T0_INTERFACE_BITS.filter((bit) => (t0 & bit) !== 0).length;
  const start = ATS_T0_OFFSET + 1 + interfaceBytes;
  if (start > tl) return new Uint8Array(0);
  return ats.slice(start, Math.min(tl, start + ATR_HISTORICAL_BYTES_MAX));
}

/** 3B 8n 80 01 ‖ historical ‖ TCK. */
export function contactlessAtr(historical: Uint8Array): Uint8Array {
  if (historical.length > ATR_HISTORICAL_BYTES_MAX) throw new RangeError('an ATR carries at most 15 historical bytes');
  const body = Uint8Array.of(ATR_T0_TD1_PRESENT | historical.length, ATR_TD1, ATR_TD2, ...historical);
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.of(ATR_TS, ...body, tck);
}

/** The ATR for the card's ATS (null: the factory ATS). */
export function atrForAts(userAts: Uint8Array | null): Uint8Array {
  return contactlessAtr(atsHistoricalBytes(userAts ?? FACTORY_ATS));
}
