import { describe, expect, it } from 'vitest';
import { BATCH_EVENT_COUNT_MAX } from '@onecard/card-os/profile';
import * as limits from '../src/journal/limits.js';
import { openJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

describe('journal limits', () => {
  it('keep their relations', () => {
    expect(limits.JOURNAL_BATCH_EVENT_COUNT_DEFAULT).toBeLessThanOrEqual(BATCH_EVENT_COUNT_MAX);
    const reservePercentMax = (100 - limits.JOURNAL_WARNING_PERCENT) / 2;
    expect((limits.JOURNAL_TAP_RESERVE_EVENT_COUNT * 100) / limits.JOURNAL_EVENT_COUNT_MAX_MIN).toBeLessThanOrEqual(reservePercentMax);
    expect((limits.JOURNAL_TAP_RESERVE_BYTES * 100) / limits.JOURNAL_STORED_BYTES_MAX_MIN).toBeLessThanOrEqual(reservePercentMax);
    expect(limits.JOURNAL_TAP_RESERVE_EVENT_COUNT).toBe(limits.JOURNAL_TAPS_IN_FLIGHT_MAX * limits.JOURNAL_EVENTS_PER_TAP_MAX);
    expect(limits.JOURNAL_EVENT_COUNT_MAX_DEFAULT).toBeGreaterThanOrEqual(limits.JOURNAL_EVENT_COUNT_MAX_MIN);
    expect(limits.JOURNAL_STORED_BYTES_MAX_DEFAULT).toBeGreaterThanOrEqual(limits.JOURNAL_STORED_BYTES_MAX_MIN);
    expect(limits.JOURNAL_VERIFY_PAGE_EVENT_COUNT).toBeLessThanOrEqual(limits.JOURNAL_READ_EVENT_COUNT_MAX);
    expect(limits.JOURNAL_TAIL_VERIFY_EVENT_COUNT).toBeLessThanOrEqual(limits.JOURNAL_VERIFY_PAGE_EVENT_COUNT);
    expect(limits.JOURNAL_PRUNE_BATCH_COUNT_PER_APPEND_MAX * limits.JOURNAL_BATCH_EVENT_COUNT_DEFAULT).toBeLessThan(limits.JOURNAL_EVENT_COUNT_MAX_DEFAULT);
  });

  it('a realistic event stays far below JOURNAL_EVENT_BYTES_MAX, and a maximal one still fits', () => {
    const folder = tempDir('journal-limits');
    const journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    try {
      journal.append(fareEntry(1));
      expect(journal.status().storedBytes / limits.JOURNAL_EVENT_COPY_COUNT).toBeLessThan(limits.JOURNAL_EVENT_BYTES_MAX / 8);
      const detail = Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${'x'.repeat(29)}${String(index).padStart(2, '0')}`, 'v'.repeat(64)]));
      const long = 'r'.repeat(64);
      journal.append(fareEntry(2, { detail, routeId: long, stopId: long, fareProductId: long, reason: long, operatorId: long, riderCategory: long, actionId: long }));
      expect(journal.status().lastSeq).toBe(2);
    } finally {
      journal.close();
      folder.remove();
    }
  });
});
