/**
 * Fault injection: cut the power after every write step of a card-state
 * change, reload the card from what reached the medium, and check that the
 * image is exactly the pre- or the post-change image, and that the card
 * still works.
 */
import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../protocol/commands.js';
import { encodeValueLe } from '../protocol/file-settings.js';
import { DesfireStatus } from '../protocol/status.js';
import { changeKeyPlaintext } from '../sm/change-key.js';
import { CONFIG_OPTION_ATS, userAtsPlaintext } from '../sm/user-ats.js';
import { DesfireCard } from './card.js';
import type { CardImage } from './image/types.js';
import { FaultInjectingMedium } from './storage/fault-medium.js';
import { JournaledCardStore } from './storage/journal.js';
import { MemoryMedium, type RegionName } from './storage/medium.js';
import { OK, RND_A_16, TEST_UID, ZERO_AES_KEY, authDefaultPicc, counterRandom, hex, select } from './testing/fixtures.js';
import { TestReader } from './testing/reader.js';

/** Upper bound on write steps of one scenario (an 8 KB image in 32-byte steps, twice, plus removal). */
const SCENARIO_STEP_COUNT_MAX = 2_000;

type Scenario = (reader: TestReader) => void;

function openCard(medium: MemoryMedium | FaultInjectingMedium): { card: DesfireCard; reader: TestReader } {
  const card = DesfireCard.open({
    store: new JournaledCardStore(medium),
    factory: { uid: TEST_UID },
    random: counterRandom(),
    onInternalError: (error) => {
      throw error;
    },
  });
  card.powerOn();
  return { card, reader: new TestReader(card) };
}

/** A personalised card: AES app 000001, value file 02 (0..1000, 500), cyclic record file 04, std file 05. */
function personalised(): ReadonlyMap<RegionName, Uint8Array> {
  const medium = new MemoryMedium();
  const { reader } = openCard(medium);
  expect(reader.frame(Ins.CreateApplication, hex('010000 ef 82')).status).toBe(OK);
  select(reader, 1);
  expect(reader.frame(Ins.CreateValueFile, hex('02 00 1011 00000000 e8030000 f4010000 01')).status).toBe(OK);
  expect(reader.frame(Ins.CreateCyclicRecordFile, hex('04 00 1011 100000 050000')).status).toBe(OK);
  expect(reader.frame(Ins.CreateStdDataFile, hex('05 00 1011 400000')).status).toBe(OK);
  return medium.snapshot();
}

/** The personalised card plus a Transaction MAC file 0F (Read key 1, CommitReaderID disabled). */
function personalisedWithTmac(): ReadonlyMap<RegionName, Uint8Array> {
  const medium = MemoryMedium.from(personalised());
  const { reader } = openCard(medium);
  select(reader, 1);
  expect(reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
  expect(reader.send(Ins.CreateTransactionMACFile, { header: hex('0f 00 f01f 02'), data: concatBytes(TM_KEY, hex('01')) }).status).toBe(OK);
  return medium.snapshot();
}

const TM_KEY = hex('00112233445566778899aabbccddeeff');

function authApp(reader: TestReader): void {
  select(reader, 1);
  expect(reader.authenticateEv2({ method: 'ev2-first', keyNo: 1, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
}

const debitWriteRecordCommit: Scenario = (reader) => {
  authApp(reader);
  expect(reader.send(Ins.Debit, { header: hex('02'), data: encodeValueLe(120), fileMode: 'plain' }).status).toBe(OK);
  expect(reader.send(Ins.WriteRecord, { header: hex('04 000000 100000'), data: new Uint8Array(16).fill(0x5a), fileMode: 'plain' }).status).toBe(OK);
  reader.send(Ins.CommitTransaction);
};

const macedCommit: Scenario = (reader) => {
  authApp(reader);
  expect(reader.send(Ins.Debit, { header: hex('02'), data: encodeValueLe(120), fileMode: 'plain' }).status).toBe(OK);
  expect(reader.send(Ins.WriteRecord, { header: hex('04 000000 100000'), data: new Uint8Array(16).fill(0x5a), fileMode: 'plain' }).status).toBe(OK);
  reader.send(Ins.CommitTransaction, { header: hex('01') });
};

const writeStdData: Scenario = (reader) => {
  authApp(reader);
  reader.send(Ins.WriteData, { header: hex('05 000000 400000'), data: new Uint8Array(64).fill(0xa5), fileMode: 'plain' });
};

const changeKey: Scenario = (reader) => {
  authApp(reader);
  const plaintext = changeKeyPlaintext({ scheme: 'ev2', keyNo: 1, authKeyNo: 1, newKeyCipher: 'aes128', oldKey: undefined, newKey: hex('0102030405060708090a0b0c0d0e0f10'), keyVersion: 7 });
  reader.sendPreformatted(Ins.ChangeKey, { header: hex('01'), plaintext, sameKey: true });
};

const createApplication: Scenario = (reader) => {
  select(reader, 0);
  reader.frame(Ins.CreateApplication, concatBytes(hex('020000 0f 85')));
};

const setUserAts: Scenario = (reader) => {
  select(reader, 0);
  authDefaultPicc(reader);
  const plaintext = userAtsPlaintext({ scheme: 'd40', ats: hex('0a 75 77 81 02 80 4f 4e 45 43') });
  reader.sendPreformatted(Ins.SetConfiguration, { header: Uint8Array.of(CONFIG_OPTION_ATS), plaintext, sameKey: false });
};

const formatPicc: Scenario = (reader) => {
  select(reader, 0);
  authDefaultPicc(reader);
  reader.send(Ins.FormatPICC);
};

function run(base: ReadonlyMap<RegionName, Uint8Array>, scenario: Scenario, cutAfterStepCount: number): { medium: MemoryMedium; stepCount: number } {
  const medium = MemoryMedium.from(base);
  const fault = new FaultInjectingMedium(medium, { cutAfterStepCount });
  const { reader } = openCard(fault);
  scenario(reader);
  return { medium, stepCount: fault.stepCount };
}

function imageOf(medium: MemoryMedium): CardImage {
  return openCard(medium).card.image;
}

describe('tearing: a power cut after any write step leaves the pre- or the post-change image', () => {
  const scenarios: readonly (readonly [string, Scenario, () => ReadonlyMap<RegionName, Uint8Array>])[] = [
    ['Debit + WriteRecord + CommitTransaction', debitWriteRecordCommit, personalised],
    ['Debit + WriteRecord + CommitTransaction with a Transaction MAC (TMC, TMV and data together)', macedCommit, personalisedWithTmac],
    ['WriteData on a Standard data file', writeStdData, personalised],
    ['ChangeKey', changeKey, personalised],
    ['CreateApplication', createApplication, personalised],
    ['FormatPICC', formatPicc, personalised],
    ['SetConfiguration option 02 (user ATS)', setUserAts, personalised],
  ];
  for (const [name, scenario, personalise] of scenarios) {
    it(name, () => {
      const base = personalise();
      const pre = imageOf(MemoryMedium.from(base));
      const full = run(base, scenario, Infinity);
      const post = imageOf(full.medium);
      expect(post).not.toEqual(pre);
      expect(full.stepCount).toBeGreaterThan(2);
      expect(full.stepCount).toBeLessThan(SCENARIO_STEP_COUNT_MAX);
      const seen = { pre: 0, post: 0 };
      for (let k = 0; k <= full.stepCount; k++) {
        const { medium } = run(base, scenario, k);
        const reloaded = imageOf(medium);
        if (JSON.stringify(reloaded, replacer) === JSON.stringify(pre, replacer)) seen.pre++;
        else {
          expect(reloaded).toEqual(post);
          seen.post++;
        }
        expectStillWorks(medium);
      }
      expect(seen.pre).toBeGreaterThan(0);
      expect(seen.post).toBeGreaterThan(0);
    });
  }

  it('a cut during the commit answers EEPROM_ERROR and the transaction is not half-applied', () => {
    const base = personalised();
    const medium = MemoryMedium.from(base);
    const fault = new FaultInjectingMedium(medium, { cutAfterStepCount: 3 });
    const { reader } = openCard(fault);
    authApp(reader);
    reader.send(Ins.Debit, { header: hex('02'), data: encodeValueLe(120), fileMode: 'plain' });
    expect(reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.EEPROM_ERROR);
    const file = imageOf(medium).applications[0]?.files.find((f) => f.fileNo === 2);
    expect(file?.kind === 'value' ? file.value : undefined).toBe(500);
  });

  it('a cut during a MACed commit leaves TMC where it was, with the old value', () => {
    const medium = MemoryMedium.from(personalisedWithTmac());
    const { reader } = openCard(new FaultInjectingMedium(medium, { cutAfterStepCount: 3 }));
    authApp(reader);
    expect(reader.send(Ins.Debit, { header: hex('02'), data: encodeValueLe(120), fileMode: 'plain' }).status).toBe(OK);
    expect(reader.send(Ins.CommitTransaction, { header: hex('01') }).status).toBe(DesfireStatus.EEPROM_ERROR);
    const files = imageOf(medium).applications[0]?.files ?? [];
    const value = files.find((f) => f.fileNo === 2);
    const tmac = files.find((f) => f.kind === 'tmac');
    expect(value?.kind === 'value' ? value.value : undefined).toBe(500);
    expect(tmac?.kind === 'tmac' ? tmac.tmc : undefined).toBe(0);
    const uncut = imageOf(run(personalisedWithTmac(), macedCommit, Infinity).medium).applications[0]?.files ?? [];
    expect(uncut.find((f) => f.kind === 'tmac')).toMatchObject({ tmc: 1 });
    expect(uncut.find((f) => f.fileNo === 2)).toMatchObject({ value: 380 });
  });
});

/** After the cut the card still works: a new application can be created and listed. */
function expectStillWorks(medium: MemoryMedium): void {
  const { reader } = openCard(medium);
  expect(reader.frame(Ins.CreateApplication, hex('0c0b0a 0f 81')).status).toBe(OK);
  expect(reader.exchange(Ins.GetApplicationIDs).data).toContain(0x0c);
  expect(reader.frame(Ins.GetFreeMemory).status).toBe(OK);
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Array.from(value) : value;
}
