import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH_HEX, checkChain, decodeBatch } from '@onecard/card-os/profile';
import { JournalError, openJournal, signerPublicKey, type DeviceJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureKeyPair, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

const NOW = new Date('2026-12-04T02:00:00.000Z');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof JournalError) return error.code;
    throw error;
  }
  return undefined;
}

describe('journal append', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;
  const open = (deviceId = FIXTURE_DEVICE_ID) => openJournal({ dir: folder.dir, deviceId, signer: fixtureSigner(), now: () => NOW });

  beforeEach(() => {
    folder = tempDir('journal-append');
    journal = open();
  });
  afterEach(() => {
    journal.close();
    folder.remove();
  });

  it('assigns seq from 1 without gaps and seals each event onto the chain', () => {
    const events = [0, 1, 2, 3, 4].map((index) => journal.append(fareEntry(index)));
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH_HEX);
    expect(events.every((event) => event.deviceId === FIXTURE_DEVICE_ID)).toBe(true);
    expect(checkChain(events, { prevHashHex: GENESIS_HASH_HEX })).toEqual({ ok: true });
    expect(journal.readEvents({ fromSeq: 1, limit: 10 })).toEqual(events);
  });

  it('keeps every event and the tail across close and reopen, and continues the chain', () => {
    const first = [0, 1, 2].map((index) => journal.append(fareEntry(index)));
    journal.close();
    journal = open();
    const next = journal.append(fareEntry(3));
    expect(next.seq).toBe(4);
    expect(next.prevHash).toBe(first[2]?.hash);
    expect(journal.verify()).toEqual({ ok: true, eventCount: 4, firstSeq: 1, lastSeq: 4 });
  });

  it('finds the newest event of a card per application', () => {
    const card = fareEntry(1).cardNumber;
    journal.append(fareEntry(1));
    journal.append(fareEntry(2));
    const newest = journal.append(fareEntry(1, { kind: 'recovery', amountVnd: 0 }));
    journal.append(fareEntry(1, { application: 'canteen', kind: 'canteen-purchase', amountVnd: 25_000 }));
    expect(journal.lastEventFor(card, 'transit')).toEqual(newest);
    expect(journal.lastEventFor(card, 'canteen')?.kind).toBe('canteen-purchase');
    expect(journal.lastEventFor(card, 'student')).toBeUndefined();
    expect(journal.lastEventFor('9999999999999999', 'transit')).toBeUndefined();
  });

  it('remembers applied actions across reopen', () => {
    journal.append(fareEntry(1, { kind: 'autoload', amountVnd: 100_000, actionId: 'act-2026-000017' }));
    expect(journal.isActionApplied('act-2026-000017')).toBe(true);
    expect(journal.isActionApplied('act-2026-000018')).toBe(false);
    journal.close();
    journal = open();
    expect(journal.isActionApplied('act-2026-000017')).toBe(true);
  });

  it('refuses an invalid or hostile entry with entry_invalid, naming the field, not the value, and stores nothing', () => {
    const bad = fareEntry(1, { cardNumber: '1234' });
    let message = '';
    try {
      journal.append(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(JournalError);
      message = (error as JournalError).message;
      expect((error as JournalError).code).toBe('entry_invalid');
    }
    expect(message).toContain('cardNumber');
    expect(message).not.toContain('1234');
    expect(codeOf(() => journal.append({ ...fareEntry(2), injected: 'x' } as never))).toBe('entry_invalid');
    expect(codeOf(() => journal.append(fareEntry(3, { amountVnd: -1 })))).toBe('entry_invalid');
    expect(codeOf(() => journal.append(fareEntry(3, { at: 'yesterday' })))).toBe('entry_invalid');
    expect(codeOf(() => journal.append({ ...fareEntry(4), seq: 99 } as never))).toBe('entry_invalid');
    expect(journal.status().lastSeq).toBe(0);
    expect(journal.append(fareEntry(5)).seq).toBe(1);
  });

  it('refuses a second opener and another device id with typed errors', () => {
    expect(codeOf(() => open())).toBe('journal_locked');
    journal.close();
    expect(codeOf(() => open(FIXTURE_DEVICE_ID + 1))).toBe('device_mismatch');
    journal = open();
    expect(journal.status().deviceId).toBe(FIXTURE_DEVICE_ID);
  });

  it('answers journal_closed after close', () => {
    journal.close();
    expect(codeOf(() => journal.append(fareEntry(1)))).toBe('journal_closed');
    expect(journal.checkCapacity()).toEqual({ ok: false, code: 'journal_closed' });
  });
});

describe('journal batches', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;
  const open = () => openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), now: () => NOW });

  beforeEach(() => {
    folder = tempDir('journal-batches');
    journal = open();
  });
  afterEach(() => {
    journal.close();
    folder.remove();
  });

  it('cuts contiguous events into signed batches numbered from 1 that the clearing house decodes', () => {
    const events = Array.from({ length: 7 }, (_, index) => journal.append(fareEntry(index)));
    expect(journal.cutBatches({ eventCountPerBatchMax: 3 }).map((batch) => [batch.batchSeq, batch.firstSeq, batch.lastSeq])).toEqual([
      [1, 1, 3],
      [2, 4, 6],
      [3, 7, 7],
    ]);
    expect(journal.cutBatches()).toEqual([]);
    const pending = journal.pendingBatches({ limit: 10 });
    expect(pending.map((batch) => batch.state)).toEqual(['pending', 'pending', 'pending']);
    const decoded = pending.map((batch) => decodeBatch(batch.envelope, { publicKey: fixtureKeyPair().publicKey }));
    const all = decoded.flatMap((result) => (result.ok ? result.batch.events : []));
    expect(all).toEqual(events);
    expect(decoded.map((result) => (result.ok ? result.batch.batchSeq : 0))).toEqual([1, 2, 3]);
    expect(decoded.every((result) => result.ok && result.batch.createdAt === NOW.toISOString())).toBe(true);
    expect(signerPublicKey(fixtureSigner())).toEqual(fixtureKeyPair().publicKey);
  });

  it('keeps a cut batch byte for byte across reopen, and the next batch continues the numbering', () => {
    journal.append(fareEntry(1));
    journal.cutBatches();
    const before = journal.pendingBatches({ limit: 1 })[0]?.envelope;
    journal.close();
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner(), now: () => new Date('2027-01-01T00:00:00.000Z') });
    expect(journal.pendingBatches({ limit: 1 })[0]?.envelope).toEqual(before);
    journal.append(fareEntry(2));
    expect(journal.cutBatches().map((batch) => batch.batchSeq)).toEqual([2]);
  });

  it('records one acknowledgement per batch, idempotently, with a bounded reason code', () => {
    for (let index = 0; index < 4; index += 1) journal.append(fareEntry(index));
    journal.cutBatches({ eventCountPerBatchMax: 2 });
    expect(journal.acknowledgeBatch({ batchSeq: 1, acknowledgement: 'accepted' })).toBe(true);
    expect(journal.acknowledgeBatch({ batchSeq: 1, acknowledgement: 'duplicate' })).toBe(false);
    expect(journal.batch(1)?.state).toBe('accepted');
    expect(journal.acknowledgeBatch({ batchSeq: 2, acknowledgement: 'quarantined', reason: 'Card 9704000000000001 unknown!' })).toBe(true);
    expect(journal.batch(2)).toMatchObject({ state: 'quarantined', reason: 'unspecified', acknowledgedAt: NOW.toISOString() });
    expect(journal.pendingBatches({ limit: 10 })).toEqual([]);
    expect(journal.status()).toMatchObject({ pendingBatchCount: 0, unacknowledgedEventCount: 0, unacknowledgedBytes: 0 });
    expect(codeOf(() => journal.acknowledgeBatch({ batchSeq: 9, acknowledgement: 'accepted' }))).toBe('batch_unknown');
    expect(journal.verify().ok).toBe(true);
  });
});
