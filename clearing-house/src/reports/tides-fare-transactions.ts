/**
 * Export of fare transactions in the TIDES `fare_transactions` table
 * (TIDES-transit/TIDES, spec/fare_transactions.schema.json, a Frictionless
 * Table Schema): the fields below are that schema's, in its order, with its
 * types, required flags, enums and minimums. Every record is checked against
 * this table before the CSV is returned.
 *
 * Mapping decisions: service_date is the Asia/Ho_Chi_Minh business day (Hanoi
 * buses do not run past midnight); event_timestamp is UTC `YYYY-MM-DDThh:mm:ssZ`
 * (the Table Schema default datetime format); amount is integer đồng with
 * currency_type `VND`; media_type is always "Smart card or ticket";
 * fare_media_id is the pseudonymous card account id, or left out on request.
 */
import { pipeline, Readable } from 'node:stream';
import { stringify as stringifyStream } from 'csv-stringify';
import { stringify } from 'csv-stringify/sync';
import { businessDayOf } from './business-day.js';
import type { FareTransactionKind, FareTransactionRow } from './rows.js';

export type TidesFieldType = 'string' | 'date' | 'datetime' | 'number' | 'integer' | 'boolean';

export interface TidesField {
  readonly name: string;
  readonly type: TidesFieldType;
  readonly required: boolean;
  readonly enumValues?: readonly string[];
  readonly minimum?: number;
}

export const TIDES_FARE_ACTIONS = ['Unknown action type', 'Purchase', 'Enter', 'Exit', 'Transfer entrance', 'Transfer exit', 'Add', 'Activate', 'Adjust', 'Other'] as const;
export const TIDES_MEDIA_TYPES = [
  'Cash or coins',
  'Smart card or ticket',
  'Magnetic-stripe card or ticket',
  'Bank card',
  'Mobile NFC',
  'Optical scan',
  'Button pressed by driver or operator to indicate a boarding or alighting passenger.',
  'Other type',
] as const;

export const TIDES_FARE_TRANSACTION_FIELDS: readonly TidesField[] = [
  { name: 'transaction_id', type: 'string', required: true },
  { name: 'service_date', type: 'date', required: true },
  { name: 'event_timestamp', type: 'datetime', required: true },
  { name: 'amount', type: 'number', required: true },
  { name: 'currency_type', type: 'string', required: false },
  { name: 'fare_action', type: 'string', required: true, enumValues: TIDES_FARE_ACTIONS },
  { name: 'trip_id_performed', type: 'string', required: false },
  { name: 'pattern_id', type: 'string', required: false },
  { name: 'stop_sequence', type: 'integer', required: false, minimum: 0 },
  { name: 'vehicle_id', type: 'string', required: false },
  { name: 'device_id', type: 'string', required: false },
  { name: 'fare_id', type: 'string', required: false },
  { name: 'stop_id', type: 'string', required: false },
  { name: 'group_size', type: 'integer', required: false, minimum: 0 },
  { name: 'media_type', type: 'string', required: false, enumValues: TIDES_MEDIA_TYPES },
  { name: 'rider_category', type: 'string', required: false },
  { name: 'fare_product', type: 'string', required: false },
  { name: 'fare_period', type: 'string', required: false },
  { name: 'fare_capped', type: 'boolean', required: true },
  { name: 'fare_media_id', type: 'string', required: false },
  { name: 'fare_media_id_purchased', type: 'string', required: false },
  { name: 'balance', type: 'number', required: false },
];

export const TIDES_ROW_COUNT_MAX = 5_000_000;
const TIDES_FIELD_NAMES: ReadonlySet<string> = new Set(TIDES_FARE_TRANSACTION_FIELDS.map((field) => field.name));
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/u;
const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/u;
const NUMBER_PATTERN = /^-?\d+(\.\d+)?$/u;
const INTEGER_PATTERN = /^-?\d+$/u;

export type TidesRecord = Readonly<Record<string, string>>;

export interface TidesExportOptions {
  readonly fareMediaIds: 'pseudonymous' | 'omitted';
}

export function tidesFareAction(kind: FareTransactionKind): (typeof TIDES_FARE_ACTIONS)[number] {
  switch (kind) {
    case 'fare':
      return 'Enter';
    case 'transfer':
      return 'Transfer entrance';
    case 'pass_purchase':
      return 'Purchase';
    case 'top_up':
      return 'Add';
    case 'adjustment':
      return 'Adjust';
  }
}

export function toTidesRecord(row: FareTransactionRow, options: TidesExportOptions): TidesRecord {
  return {
    transaction_id: row.transactionId,
    service_date: businessDayOf(row.occurredAt),
    event_timestamp: `${row.occurredAt.toISOString().slice(0, 19)}Z`,
    amount: String(row.amountVnd),
    currency_type: 'VND',
    fare_action: tidesFareAction(row.kind),
    trip_id_performed: row.tripIdPerformed ?? '',
    pattern_id: '',
    stop_sequence: '',
    vehicle_id: row.vehicleId ?? '',
    device_id: row.deviceId,
    fare_id: row.fareId ?? '',
    stop_id: row.stopId ?? '',
    group_size: '1',
    media_type: 'Smart card or ticket',
    rider_category: row.riderCategory ?? '',
    fare_product: row.fareProduct ?? '',
    fare_period: '',
    fare_capped: row.fareCapped ? 'true' : 'false',
    fare_media_id: options.fareMediaIds === 'pseudonymous' ? row.fareMediaId : '',
    fare_media_id_purchased: '',
    balance: row.balanceAfterVnd === null ? '' : String(row.balanceAfterVnd),
  };
}

function fieldProblem(field: TidesField, value: string): string | undefined {
  if (value === '') return field.required ? `${field.name} is required` : undefined;
  const formatOk = ((): boolean => {
    switch (field.type) {
      case 'string':
        return true;
      case 'date':
        return DATE_PATTERN.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
      case 'datetime':
        return DATETIME_PATTERN.test(value) && !Number.isNaN(Date.parse(value));
      case 'number':
        return NUMBER_PATTERN.test(value);
      case 'integer':
        return INTEGER_PATTERN.test(value);
      case 'boolean':
        return value === 'true' || value === 'false';
    }
  })();
  if (!formatOk) return `${field.name} is not a valid ${field.type}`;
  if (field.enumValues !== undefined && !field.enumValues.includes(value)) return `${field.name} is not one of the allowed values`;
  if (field.minimum !== undefined && Number(value) < field.minimum) return `${field.name} is below ${field.minimum}`;
  return undefined;
}

/** Problems of one record against the TIDES field table (empty when valid). Unknown columns are problems too. */
export function tidesRecordProblems(record: TidesRecord): readonly string[] {
  const problems: string[] = [];
  for (const name of Object.keys(record)) if (!TIDES_FIELD_NAMES.has(name)) problems.push(`${name} is not a TIDES fare_transactions field`);
  for (const field of TIDES_FARE_TRANSACTION_FIELDS) {
    const problem = fieldProblem(field, record[field.name] ?? '');
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

const TIDES_COLUMNS = TIDES_FARE_TRANSACTION_FIELDS.map((field) => field.name);

/** One row as TIDES CSV values in schema order; throws if it breaks the schema or repeats a transaction id. */
function checkedValues(row: FareTransactionRow, options: TidesExportOptions, seen: Set<string>): string[] {
  const record = toTidesRecord(row, options);
  const problems = tidesRecordProblems(record);
  if (problems.length > 0) throw new RangeError(`fare transaction breaks the TIDES schema: ${problems.join('; ')}`);
  if (seen.has(row.transactionId)) throw new RangeError('fare transaction id repeated (TIDES transaction_id is unique)');
  if (seen.size >= TIDES_ROW_COUNT_MAX) throw new RangeError('too many fare transactions for one export');
  seen.add(row.transactionId);
  return TIDES_COLUMNS.map((name) => record[name] ?? '');
}

/** The TIDES CSV (header = field names in schema order). Throws if a row breaks the schema or repeats a transaction id. */
export function tidesFareTransactionsCsv(rows: readonly FareTransactionRow[], options: TidesExportOptions): string {
  const seen = new Set<string>();
  const records = rows.map((row) => checkedValues(row, options, seen));
  return stringify(records, { header: true, columns: TIDES_COLUMNS });
}

/**
 * The same CSV as a stream, for an operator-day of hundreds of thousands of
 * taps: rows are checked as they pass; a bad row ends the stream with an
 * error (the download fails rather than arriving incomplete and looking whole).
 */
export function tidesFareTransactionsCsvStream(rows: AsyncIterable<FareTransactionRow>, options: TidesExportOptions): Readable {
  const seen = new Set<string>();
  async function* records(): AsyncGenerator<string[]> {
    for await (const row of rows) yield checkedValues(row, options, seen);
  }
  const csv = stringifyStream({ header: true, columns: TIDES_COLUMNS });
  return pipeline(Readable.from(records()), csv, () => {
    // Errors reach the consumer through `csv` itself (pipeline destroys it with the error).
  });
}
