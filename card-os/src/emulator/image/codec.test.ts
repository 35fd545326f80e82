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
    expect(decodeImage(withField('formatVersion', 3))).toEqual({ ok: false, reason: 'unknown formatVersion' });
    expect(decodeImage(withField('piccKeySettings', 300)).ok).toBe(false);
    expect(decodeImage(withField('uid', '0411')).ok).toBe(false);
    expect(decodeImage(withField('applications', [{ aid: 1 }])).ok).toBe(false);
  });

  describe('user ATS (SetConfiguration option 02) and format versions', () => {
    const factoryJson = (): Record<string, unknown> => JSON.parse(new TextDecoder().decode(encodeImage(factoryImage({ uid: TEST_UID })))) as Record<string, unknown>;
    const encodeJson = (json: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(json));
    /** The configuration as a version 1 image had it: no userAts field. */
    const configurationV1 = (json: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(json['configuration'] as Record<string, unknown>).filter(([key]) => key !== 'userAts'));
    const withUserAts = (userAts: unknown): Uint8Array => {
      const json = factoryJson();
      return encodeJson({ ...json, configuration: { ...(json['configuration'] as Record<string, unknown>), userAts } });
    };

    it('round-trips a stored user ATS and writes version 2', () => {
      const image = factoryImage({ uid: TEST_UID });
      const withAts = { ...image, configuration: { ...image.configuration, userAts: hex('067577810280') } };
      expect(decodeImage(encodeImage(withAts))).toEqual({ ok: true, image: withAts });
      expect(factoryJson()['formatVersion']).toBe(2);
    });

    it('loads a version 1 image (no userAts field) with no user ATS', () => {
      const json = factoryJson();
      const decoded = decodeImage(encodeJson({ ...json, formatVersion: 1, configuration: configurationV1(json) }));
      expect(decoded).toEqual({ ok: true, image: factoryImage({ uid: TEST_UID }) });
    });

    it('refuses a version 2 image without userAts, and user ATS values a card could not hold', () => {
      const json = factoryJson();
      expect(decodeImage(encodeJson({ ...json, configuration: configurationV1(json) })).ok).toBe(false);
      expect(decodeImage(withUserAts('0675778102'))).toEqual({ ok: false, reason: 'userAts must start with its length (TL)' });
      expect(decodeImage(withUserAts('')).ok).toBe(false);
      expect(decodeImage(withUserAts(`15${'00'.repeat(20)}`)).ok).toBe(false);
      expect(decodeImage(withUserAts(7)).ok).toBe(false);
      expect(decodeImage(withUserAts('05757781024')).ok).toBe(false);
    });
  });
});
