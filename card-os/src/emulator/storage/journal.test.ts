import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireCard, CardStateError } from '../card.js';
import { factoryImage } from '../image/factory.js';
import { TEST_UID, hex } from '../testing/fixtures.js';
import { TestReader } from '../testing/reader.js';
import { FaultInjectingMedium, PowerCutError } from './fault-medium.js';
import { JournaledCardStore } from './journal.js';
import { FileMedium, JOURNAL_FILE_SUFFIX, MemoryMedium } from './medium.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-card-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('JournaledCardStore', () => {
  it('is empty on a fresh medium and loads what it saved', () => {
    const store = new JournaledCardStore(new MemoryMedium());
    expect(store.load()).toEqual({ kind: 'empty' });
    const image = factoryImage({ uid: TEST_UID });
    store.save(image);
    expect(store.load()).toEqual({ kind: 'loaded', image });
  });

  it('finishes a change whose journal is complete (cut after the journal write)', () => {
    const medium = new MemoryMedium();
    const store = new JournaledCardStore(medium);
    const before = factoryImage({ uid: TEST_UID });
    store.save(before);
    const after = { ...before, piccKeySettings: 0x09 };
    // One step writes the whole journal, the next (image) is cut.
    const cutStore = new JournaledCardStore(new FaultInjectingMedium(medium, { cutAfterStepCount: 1, chunkBytes: 1_000_000 }));
    expect(() => {
      cutStore.save(after);
    }).toThrow(PowerCutError);
    expect(medium.read('journal')).not.toBeNull();
    expect(new JournaledCardStore(medium).load()).toEqual({ kind: 'loaded', image: after });
    expect(medium.read('journal')).toBeNull();
  });

  it('drops a torn journal (the change never happened)', () => {
    const medium = new MemoryMedium();
    const before = factoryImage({ uid: TEST_UID });
    new JournaledCardStore(medium).save(before);
    const cutStore = new JournaledCardStore(new FaultInjectingMedium(medium, { cutAfterStepCount: 2 }));
    expect(() => {
      cutStore.save({ ...before, piccKeySettings: 0x01 });
    }).toThrow(PowerCutError);
    expect(new JournaledCardStore(medium).load()).toEqual({ kind: 'loaded', image: before });
  });

  it('reports a damaged image as corrupt, and the card refuses to open it', () => {
    const medium = new MemoryMedium();
    new JournaledCardStore(medium).save(factoryImage({ uid: TEST_UID }));
    const bytes = medium.read('image') ?? new Uint8Array(0);
    bytes[20] = (bytes[20] ?? 0) ^ 0xff;
    medium.write('image', bytes);
    expect(new JournaledCardStore(medium).load().kind).toBe('corrupt');
    expect(() => DesfireCard.open({ store: new JournaledCardStore(medium) })).toThrow(CardStateError);
  });
});

describe('FileMedium (--state FILE)', () => {
  it('keeps the card across processes: applications and data survive a reopen', () => {
    const imagePath = join(tempDir(), 'card.state');
    const open = (): DesfireCard => DesfireCard.open({ store: new JournaledCardStore(new FileMedium({ imagePath, durability: 'os-buffered' })), factory: { uid: TEST_UID } });
    const first = open();
    first.powerOn();
    const reader = new TestReader(first);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f 81')).status).toBe(0);
    expect(existsSync(imagePath)).toBe(true);
    expect(existsSync(`${imagePath}${JOURNAL_FILE_SUFFIX}`)).toBe(false);
    const second = open();
    second.powerOn();
    expect(new TestReader(second).frame(Ins.GetApplicationIDs)).toEqual({ status: 0, data: hex('010000') });
    expect(second.image.uid).toEqual(TEST_UID);
  });

  it('replays a complete journal file left by a crash', () => {
    const imagePath = join(tempDir(), 'card.state');
    const medium = new FileMedium({ imagePath });
    const store = new JournaledCardStore(medium);
    const before = factoryImage({ uid: TEST_UID });
    store.save(before);
    const pending = readFileSync(imagePath);
    const after = { ...before, piccKeySettings: 0x0b };
    store.save(after);
    // Simulate: crash after the journal of `after` was written, before the image was: old image + journal.
    const journal = readFileSync(imagePath);
    writeFileSync(imagePath, pending);
    writeFileSync(`${imagePath}${JOURNAL_FILE_SUFFIX}`, journal);
    expect(new JournaledCardStore(new FileMedium({ imagePath })).load()).toEqual({ kind: 'loaded', image: after });
    expect(existsSync(`${imagePath}${JOURNAL_FILE_SUFFIX}`)).toBe(false);
  });
});
