/**
 * Expected fares from public engines and guides (fixtures/README.md names
 * each source): every case of fixtures/<feed>/cases.json is quoted and
 * compared leg by leg.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { loadFeedFromDirectory } from './load-feed.js';
import { journeySchema } from './journey.js';
import { quoteJourney } from './quote.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

const caseSchema = z.object({
  name: z.string(),
  source: z.string().min(10),
  journey: journeySchema,
  expect: z
    .object({
      legs: z.array(z.object({ kind: z.enum(['fare', 'transfer', 'joined']), fare_product_id: z.string(), transfer_fare_product_id: z.string().optional(), amount_minor_units: z.number().int() })),
      total_minor_units: z.number().int(),
    })
    .optional(),
  expectFailure: z.string().optional(),
});

const feeds = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory());

test('every fixture feed has cases', () => {
  expect(feeds.length).toBeGreaterThanOrEqual(7);
});

describe.each(feeds)('%s', (feedName) => {
  const cases = z.array(caseSchema).min(1).parse(JSON.parse(readFileSync(join(FIXTURES, feedName, 'cases.json'), 'utf8')));
  test.each(cases.map((c) => [`${c.name} [${c.source}]`, c] as const))('%s', async (_title, fareCase) => {
    const loaded = await loadFeedFromDirectory(join(FIXTURES, feedName));
    if (!loaded.ok) throw new Error(`fixture feed does not load: ${JSON.stringify(loaded.error)}`);
    const result = quoteJourney(loaded.value, fareCase.journey);
    if (fareCase.expectFailure !== undefined) {
      expect(result).toMatchObject({ ok: false, code: fareCase.expectFailure });
      return;
    }
    if (!result.ok) throw new Error(`quote failed: ${result.message}`);
    const expected = fareCase.expect;
    expect(expected).toBeDefined();
    expect(
      result.quote.legs.map((leg) => ({
        kind: leg.kind,
        fare_product_id: leg.fareProductId,
        ...(leg.transferFareProductId === undefined ? {} : { transfer_fare_product_id: leg.transferFareProductId }),
        amount_minor_units: leg.amountMinorUnits,
      })),
    ).toEqual(expected?.legs);
    expect(result.quote.totalMinorUnits).toBe(expected?.total_minor_units);
  });
});
