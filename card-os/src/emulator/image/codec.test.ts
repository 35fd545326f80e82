import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { TEST_UID, hex, newTestCard, select } from '../testing/fixtures.js';
import { decodeImage, encodeImage } from './codec.js';
import { factoryImage } from './factory.js';

describe('image codec', () => {
  it('round-trips a personalised image with every file kind', () => {
    const { reader, card } = newTestCard();
    reader.frame(Ins.CreateApplication, hex('010000 0f a2 3412 a0000001'));
    select(reader, 1);
    reader.frame(Ins.CreateStdDataFile, hex('00 0100 03 1230 200000'));
    reader.frame(Ins.CreateBackupDataFile, hex('01 01 eeee 400000'));
    reader.frame(Ins.CreateValueFile, hex('02 00 1122 00000000 e8030000 64000000 03'));
    reader.frame(Ins.CreateLinearRecordFile, hex('03 00 eeee 100000 050000'));
    reader.frame(Ins.CreateCyclicRecordFile, hex('04 00 eeee 080000 040000'));
    reader.frame(Ins.WriteRecord, hex('04 000000 020000 abcd'));
    reader.frame(Ins.CommitTransaction);
    const image = card.image;
    expect(decodeImage(encodeImage(image))).toEqual({ ok: true, image });
  });

  it('refuses non-JSON, unknown versions and out-of-range fields', () => {
    expect(decodeImage(hex('ff00')).ok).toBe(false);
    const json = JSON.parse(new TextDecoder().decode(encodeImage(factoryImage({ uid: TEST_UID })))) as Record<string, unknown>;
    const withField = (key: string, value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify({ ...json, [key]: value }));
    expect(decodeImage(withField('formatVersion', 2))).toEqual({ ok: false, reason: 'unknown formatVersion' });
    expect(decodeImage(withField('piccKeySettings', 300)).ok).toBe(false);
    expect(decodeImage(withField('uid', '0411')).ok).toBe(false);
    expect(decodeImage(withField('applications', [{ aid: 1 }])).ok).toBe(false);
  });
});
