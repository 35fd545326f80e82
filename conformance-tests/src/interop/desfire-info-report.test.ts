import { describe, expect, it } from 'vitest';
import { parseDesfireInfo } from './desfire-info-report.js';

/** Output of Debian 12's mifare-desfire-info (libfreefare 0.4.0) against the emulator; made-up UID. */
const FACTORY_CARD = `===> Version information for tag 04a1b2c3d4e5f6:
UID:                      0x04a1b2c3d4e5f6
Batch number:             0x0000000000
Production date:          week 1, 2024
Hardware Information:
    Vendor ID:            0x04
    Type:                 0x01
    Subtype:              0x01
    Version:              18.0
    Storage size:         0x1a (=8192 bytes)
    Protocol:             0x05
Software Information:
    Vendor ID:            0x04
    Type:                 0x01
    Subtype:              0x01
    Version:              2.1
    Storage size:         0x1a (=8192 bytes)
    Protocol:             0x05
Master Key settings (0x0f):
    0x08 configuration changeable;
    0x04 PICC Master Key not required for create / delete;
    0x02 Free directory list access without PICC Master Key;
    0x01 Allow changing the Master Key;
Master Key version: 0 (0x00)
Free memory: 7936 bytes
Use random UID: no
`;

/** The same card after SetConfiguration enabled the random ID, with settings locked and memory unknown (edited). */
const RANDOM_ID_LOCKED = FACTORY_CARD.replace('tag 04a1b2c3d4e5f6', 'tag 08779fcb')
  .replace('0x04a1b2c3d4e5f6', '0x00000000000000')
  .replace('week 1, 2024', 'week 52, 2019')
  .replace(/Master Key settings \(0x0f\):\n(?: {4}.*\n){4}/, 'Master Key settings: LOCKED\n')
  .replace('Free memory: 7936 bytes', 'Free memory: unknown')
  .replace('Use random UID: no', 'Use random UID: yes');

describe('parseDesfireInfo', () => {
  it('reads every field of a factory card', () => {
    expect(parseDesfireInfo(FACTORY_CARD)).toEqual({
      ok: true,
      reports: [{
        tagUidHex: '04a1b2c3d4e5f6',
        uidHex: '04a1b2c3d4e5f6',
        batchNoHex: '0000000000',
        productionWeekBcd: 0x01,
        productionYearBcd: 0x24,
        hardware: { vendorId: 4, type: 1, subtype: 1, majorVersion: 18, minorVersion: 0, storageSizeByte: 0x1a, protocol: 5 },
        software: { vendorId: 4, type: 1, subtype: 1, majorVersion: 2, minorVersion: 1, storageSizeByte: 0x1a, protocol: 5 },
        masterKeySettings: 0x0f,
        masterKeyVersion: 0,
        freeMemoryBytes: 7936,
        randomUid: false,
      }],
    });
  });

  it('reads a random-ID card with locked settings and unknown free memory, BCD week 52', () => {
    const parsed = parseDesfireInfo(RANDOM_ID_LOCKED);
    expect(parsed.ok && parsed.reports[0]).toMatchObject({
      tagUidHex: '08779fcb', uidHex: '00000000000000', productionWeekBcd: 0x52, productionYearBcd: 0x19,
      masterKeySettings: 'locked', freeMemoryBytes: undefined, randomUid: true,
    });
  });

  it('gives one report per tag block and none for no block', () => {
    const twice = parseDesfireInfo(`${FACTORY_CARD}${RANDOM_ID_LOCKED}`);
    expect(twice.ok && twice.reports.map((r) => r.tagUidHex)).toEqual(['04a1b2c3d4e5f6', '08779fcb']);
    expect(parseDesfireInfo('mifare-desfire-info: No NFC device found.\n')).toEqual({ ok: true, reports: [] });
  });

  it('names the block and the line it cannot read', () => {
    expect(parseDesfireInfo(FACTORY_CARD.replace('Version:              2.1', 'Version:              two'))).toEqual({
      ok: false, reason: 'tag block 1: no "Version" line of the expected form',
    });
    expect(parseDesfireInfo(FACTORY_CARD.replace(/Free memory: .*\n/, ''))).toMatchObject({ ok: false, reason: expect.stringContaining('Free memory') as unknown });
  });
});
