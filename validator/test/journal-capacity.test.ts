import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_EVENT_COUNT_MAX_MIN, JOURNAL_STORED_BYTES_MAX_MIN, JOURNAL_TAP_RESERVE_EVENT_COUNT, JOURNAL_WARNING_PERCENT, JournalError, openJournal, type DeviceJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

const EVENT_COUNT_MAX = 100;
const BATCH_EVENT_COUNT = 10;
/** ~1,000 fsynced appends fill the smallest byte bound: seconds on a busy shared machine. */
const BYTES_TEST_TIMEOUT_MS = 30_000;

function appendCode(journal: DeviceJournal, index: number): string | undefined {
  try {
    journal.append(fareEntry(index));
    return undefined;
  } catch (error) {
    if (error instanceof JournalError) return error.code;
    throw error;
  }
}

describe('bounded journal storage', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;

  beforeEach(() => {
    folder = tempDir('journal-capacity');
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), eventCountMax: EVENT_COUNT_MAX });
  });
  afterEach(() => {
    journal.close();
    folder.remove();
  });

  it('warns at the warning share of un-acknowledged events, long before full', () => {
    const warnAt = (EVENT_COUNT_MAX * JOURNAL_WARNING_PERCENT) / 100;
    for (let index = 0; index < warnAt - 1; index += 1) journal.append(fareEntry(index));
    expect(journal.status().state).toBe('ok');
    expect(journal.checkCapacity()).toEqual({ ok: true, level: 'ok' });
    journal.append(fareEntry(warnAt));
    expect(journal.status()).toMatchObject({ state: 'warning', fillPercent: JOURNAL_WARNING_PERCENT });
    expect(journal.checkCapacity()).toEqual({ ok: true, level: 'warning' });
  });

  it('refuses new taps when un-acknowledged events fill it, losing none, and the reserve still journals admitted taps', () => {
    let index = 0;
    while (journal.checkCapacity().ok) journal.append(fareEntry((index += 1)));
    expect(index).toBe(EVENT_COUNT_MAX - JOURNAL_TAP_RESERVE_EVENT_COUNT + 1);
    expect(journal.status().state).toBe('full');
    // Taps admitted before the card was touched still land in the reserve.
    while (journal.status().lastSeq < EVENT_COUNT_MAX) journal.append(fareEntry((index += 1)));
    expect(appendCode(journal, (index += 1))).toBe('storage_full');
    journal.cutBatches({ eventCountPerBatchMax: BATCH_EVENT_COUNT });
    expect(appendCode(journal, (index += 1))).toBe('storage_full');
    expect(journal.status()).toMatchObject({ lastSeq: EVENT_COUNT_MAX, storedEventCount: EVENT_COUNT_MAX, firstStoredSeq: 1 });
    expect(journal.verify().ok).toBe(true);
  });

  it('prunes acknowledged batches oldest first when space is needed, and the rest still verifies from the anchor', () => {
    for (let index = 0; index < EVENT_COUNT_MAX; index += 1) journal.append(fareEntry(index, index === 3 ? { kind: 'autoload', actionId: 'act-early' } : {}));
    journal.cutBatches({ eventCountPerBatchMax: BATCH_EVENT_COUNT });
    journal.acknowledgeBatch({ batchSeq: 1, acknowledgement: 'accepted' });
    journal.acknowledgeBatch({ batchSeq: 2, acknowledgement: 'quarantined', reason: 'unknown_card' });
    expect(journal.status()).toMatchObject({ storedEventCount: EVENT_COUNT_MAX, retainedEventCount: EVENT_COUNT_MAX - 2 * BATCH_EVENT_COUNT });
    const next = journal.append(fareEntry(1000));
    expect(next.seq).toBe(EVENT_COUNT_MAX + 1);
    expect(journal.status()).toMatchObject({ firstStoredSeq: BATCH_EVENT_COUNT + 1, storedEventCount: EVENT_COUNT_MAX + 1 - BATCH_EVENT_COUNT });
    expect(journal.batch(1)).toBeUndefined();
    expect(journal.batch(2)?.state).toBe('quarantined');
    expect(journal.readEvents({ fromSeq: 1, limit: 1 })[0]?.seq).toBe(BATCH_EVENT_COUNT + 1);
    expect(journal.isActionApplied('act-early')).toBe(true);
    expect(journal.verify()).toEqual({ ok: true, eventCount: EVENT_COUNT_MAX + 1 - BATCH_EVENT_COUNT, firstSeq: BATCH_EVENT_COUNT + 1, lastSeq: EVENT_COUNT_MAX + 1 });
    journal.close();
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), eventCountMax: EVENT_COUNT_MAX });
    expect(journal.status().state).not.toBe('chain_broken');
    expect(journal.verify().ok).toBe(true);
  });

  it('prunes only a prefix: an acknowledged batch behind a pending one is kept', () => {
    for (let index = 0; index < EVENT_COUNT_MAX; index += 1) journal.append(fareEntry(index));
    journal.cutBatches({ eventCountPerBatchMax: BATCH_EVENT_COUNT });
    journal.acknowledgeBatch({ batchSeq: 2, acknowledgement: 'accepted' });
    expect(journal.status().retainedEventCount).toBe(EVENT_COUNT_MAX);
    expect(appendCode(journal, 1000)).toBe('storage_full');
    journal.acknowledgeBatch({ batchSeq: 1, acknowledgement: 'duplicate' });
    expect(appendCode(journal, 1001)).toBeUndefined();
    expect(journal.status().firstStoredSeq).toBe(BATCH_EVENT_COUNT + 1);
  });

  it('bounds bytes as well as events', () => {
    journal.close();
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), storedBytesMax: JOURNAL_STORED_BYTES_MAX_MIN });
    // Large (but valid) events fill the byte bound long before the count bound.
    const detail = Object.fromEntries(Array.from({ length: 16 }, (_, key) => [`item${key}`, 'v'.repeat(64)]));
    let index = 0;
    while (journal.checkCapacity().ok) journal.append(fareEntry((index += 1), { detail }));
    const status = journal.status();
    expect(status.state).toBe('full');
    expect(status.storedEventCount).toBeLessThan(status.eventCountMax / 4);
    expect(status.storedEventCount).toBe(index);
    expect(status.storedBytes).toBeLessThanOrEqual(JOURNAL_STORED_BYTES_MAX_MIN);
    expect(status.fillPercent).toBeGreaterThan(JOURNAL_WARNING_PERCENT);
  }, BYTES_TEST_TIMEOUT_MS);

  it('rejects bounds below the minima as programmer errors', () => {
    expect(() => openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), eventCountMax: JOURNAL_EVENT_COUNT_MAX_MIN - 1 })).toThrow(RangeError);
    expect(() => openJournal({ dir: folder.dir, deviceId: 0, signer: fixtureSigner() })).toThrow(RangeError);
  });
});
