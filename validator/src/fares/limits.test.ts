/** How the fare engine's limits relate to each other and to the card profile's fields. */
import { ROUTE_ID_MAX, TRANSFERS_PER_JOURNEY_MAX } from '@onecard/card-os/profile';
import { expect, test } from 'vitest';
import { TRANSFERS_USED_MAX } from './bus-tap.js';
import { CAP_COUNTER_VND_MAX } from './caps.js';
import { FEED_FILE_BYTES_MAX, FEED_ROWS_MAX, FIELD_CHARS_MAX } from './csv-table.js';
import { JOURNEY_FILE_BYTES_MAX, JOURNEY_LEGS_MAX } from './journey.js';
import { AMOUNT_MINOR_UNITS_MAX } from './money.js';
import { DURATION_LIMIT_SECONDS_MAX, ID_CHARS_MAX, ROUTE_CODE_MAX } from './row-schemas.js';

test('card route codes and transfer counters fit the card fields', () => {
  expect(ROUTE_CODE_MAX).toBe(ROUTE_ID_MAX);
  expect(TRANSFERS_USED_MAX).toBe(TRANSFERS_PER_JOURNEY_MAX);
  expect(CAP_COUNTER_VND_MAX).toBe(0xffff_ffff);
});

test('a journey can never use more transfers than the card counts', () => {
  expect(JOURNEY_LEGS_MAX - 1).toBeLessThanOrEqual(TRANSFERS_USED_MAX);
});

test('amounts stay exact integers when a whole journey is summed', () => {
  expect(AMOUNT_MINOR_UNITS_MAX * JOURNEY_LEGS_MAX * 3).toBeLessThan(Number.MAX_SAFE_INTEGER);
});

test('read limits are consistent', () => {
  expect(ID_CHARS_MAX).toBeLessThan(FIELD_CHARS_MAX);
  expect(FEED_ROWS_MAX * 8).toBeLessThan(FEED_FILE_BYTES_MAX);
  expect(JOURNEY_FILE_BYTES_MAX).toBeLessThan(FEED_FILE_BYTES_MAX);
  expect(DURATION_LIMIT_SECONDS_MAX).toBeGreaterThanOrEqual(24 * 3600);
});
