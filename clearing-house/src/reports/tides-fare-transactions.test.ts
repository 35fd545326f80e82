import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { FareTransactionRow } from './rows.js';
import { hanoiDay } from './testing/hanoi-day.js';
import {
  TIDES_FARE_TRANSACTION_FIELDS,
  tidesFareTransactionsCsv,
  tidesFareTransactionsCsvStream,
  tidesRecordProblems,
  toTidesRecord,
} from './tides-fare-transactions.js';

const day = hanoiDay({ businessDay: '2026-12-03', seed: 3 });
const first = day.fareTransactions[0] as FareTransactionRow;

/** The required fields of TIDES fare_transactions.schema.json (constraints.required: true). */
const TIDES_REQUIRED = ['transaction_id', 'service_date', 'event_timestamp', 'amount', 'fare_action', 'fare_capped'];

describe('TIDES fare_transactions export', () => {
  it('has the schema fields in schema order, with its required set', () => {
    expect(TIDES_FARE_TRANSACTION_FIELDS.filter((field) => field.required).map((field) => field.name)).toEqual(TIDES_REQUIRED);
    expect(TIDES_FARE_TRANSACTION_FIELDS).toHaveLength(22);
  });

  it('round-trips a Hanoi day: every record parses back and validates', () => {
    const csv = tidesFareTransactionsCsv(day.fareTransactions, { fareMediaIds: 'pseudonymous' });
    const records: Record<string, string>[] = parse(csv, { columns: true });
    expect(Object.keys(records[0] ?? {})).toEqual(TIDES_FARE_TRANSACTION_FIELDS.map((field) => field.name));
    expect(records).toHaveLength(day.fareTransactions.length);
    for (const record of records) expect(tidesRecordProblems(record)).toEqual([]);
    expect(new Set(records.map((record) => record['transaction_id'])).size).toBe(records.length);
    expect(new Set(records.map((record) => record['service_date']))).toEqual(new Set(['2026-12-03']));
    const totalVnd = records.reduce((sum, record) => sum + Number(record['amount']), 0);
    expect(totalVnd).toBe(day.fareTransactions.reduce((sum, row) => sum + row.amountVnd, 0));
  });

  it('maps kinds to TIDES fare actions and times to UTC seconds', () => {
    const record = toTidesRecord({ ...first, kind: 'transfer', occurredAt: new Date('2026-12-02T23:59:30.250Z') }, { fareMediaIds: 'omitted' });
    expect(record).toMatchObject({ fare_action: 'Transfer entrance', event_timestamp: '2026-12-02T23:59:30Z', service_date: '2026-12-03', currency_type: 'VND', fare_media_id: '' });
    expect(toTidesRecord({ ...first, kind: 'top_up' }, { fareMediaIds: 'omitted' })['fare_action']).toBe('Add');
    expect(toTidesRecord({ ...first, kind: 'pass_purchase' }, { fareMediaIds: 'omitted' })['fare_action']).toBe('Purchase');
  });

  it('finds what breaks the schema', () => {
    const good = toTidesRecord(first, { fareMediaIds: 'pseudonymous' });
    expect(tidesRecordProblems({ ...good, fare_action: 'Tap' })).toEqual(['fare_action is not one of the allowed values']);
    expect(tidesRecordProblems({ ...good, service_date: '2026-13-45' })).toEqual(['service_date is not a valid date']);
    expect(tidesRecordProblems({ ...good, fare_capped: 'yes' })).toEqual(['fare_capped is not a valid boolean']);
    expect(tidesRecordProblems({ ...good, group_size: '-1' })).toEqual(['group_size is below 0']);
    expect(tidesRecordProblems({ ...good, transaction_id: '' })).toEqual(['transaction_id is required']);
    expect(tidesRecordProblems({ ...good, card_uid: '04A1B2' })).toEqual(['card_uid is not a TIDES fare_transactions field']);
  });

  it('streams the same CSV, and ends the stream with an error at a bad row', async () => {
    async function* rows(list: readonly FareTransactionRow[]): AsyncGenerator<FareTransactionRow> {
      for (const row of list) yield await Promise.resolve(row);
    }
    const read = async (list: readonly FareTransactionRow[]): Promise<string> => {
      let text = '';
      for await (const chunk of tidesFareTransactionsCsvStream(rows(list), { fareMediaIds: 'pseudonymous' })) text += String(chunk);
      return text;
    };
    expect(await read(day.fareTransactions)).toBe(tidesFareTransactionsCsv(day.fareTransactions, { fareMediaIds: 'pseudonymous' }));
    await expect(read([first, { ...first, transactionId: 'second', occurredAt: new Date(Number.NaN) }])).rejects.toThrow();
    await expect(read([first, first])).rejects.toThrow(/unique/u);
  });

  it('refuses a repeated transaction id and a row that would break the schema', () => {
    expect(() => tidesFareTransactionsCsv([first, first], { fareMediaIds: 'omitted' })).toThrow(/unique/u);
    expect(() => tidesFareTransactionsCsv([{ ...first, transactionId: '' }], { fareMediaIds: 'omitted' })).toThrow(/transaction_id is required/u);
  });
});
