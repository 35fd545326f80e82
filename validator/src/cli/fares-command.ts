/**
 * `validator fares quote --feed DIR --journey FILE`: loads a GTFS-Fares v2
 * feed folder and a journey file (fares/journey.ts) and prints the quote as
 * JSON: each leg's product and amount, and the total. A bad feed or journey
 * file exits 2 with the file, line and field (or JSON path) at fault; a
 * journey the feed cannot price exits 1. Errors go through commander
 * (`command.error`), so the program's exit handling applies.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeFeedError, formatAmount, JOURNEY_FILE_BYTES_MAX, loadFeedFromDirectory, parseJourney, quoteJourney, type JourneyQuote } from '../fares/index.js';

export const EXIT_QUOTE_FAILED = 1;
export const EXIT_INVALID_INPUT = 2;

export interface FaresCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface QuoteOptions {
  readonly feed: string;
  readonly journey: string;
}

export function quoteToJson(quote: JourneyQuote): unknown {
  const amount = (minorUnits: number) => formatAmount(minorUnits, quote.currencyDecimals);
  return {
    currency: quote.currency,
    legs: quote.legs.map((leg) => ({
      leg_index: leg.legIndex,
      route_id: leg.routeId,
      rider_category_id: leg.riderCategoryId,
      fare_media_id: leg.fareMediaId ?? null,
      kind: leg.kind,
      fare_product_id: leg.fareProductId,
      leg_group_id: leg.legGroupId ?? null,
      transfer_fare_product_id: leg.transferFareProductId ?? null,
      fare_transfer_type: leg.fareTransferType ?? null,
      amount: amount(leg.amountMinorUnits),
      amount_minor_units: leg.amountMinorUnits,
    })),
    total: amount(quote.totalMinorUnits),
    total_minor_units: quote.totalMinorUnits,
  };
}

async function readJourneyText(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > JOURNEY_FILE_BYTES_MAX) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function registerFaresCommands(program: Command, io: FaresCommandIo): void {
  const fares = program.command('fares').description('GTFS-Fares v2 fare engine: quote journeys from a feed folder');
  fares.configureOutput({ writeOut: (text) => { io.stdout(text); }, writeErr: (text) => { io.stderr(text); } });
  const quote: Command = fares
    .command('quote')
    .description('print the fare of a journey as JSON: each leg with product and amount, and the total')
    .requiredOption('--feed <dir>', 'feed folder (GTFS-Fares v2 + OneCard extension, see validator/feeds/README.md)')
    .requiredOption('--journey <file>', 'journey JSON file: { "legs": [{ route_id, from_stop_id, to_stop_id, start_time, end_time, rider_category_id, fare_media_id }] }');
  quote.action(async (options: QuoteOptions) => {
    const loaded = await loadFeedFromDirectory(options.feed);
    if (!loaded.ok) quote.error(`error: invalid feed: ${describeFeedError(loaded.error)}`, { exitCode: EXIT_INVALID_INPUT, code: 'fares.feed_invalid' });
    const text = await readJourneyText(options.journey);
    if (text === undefined) quote.error(`error: cannot read the journey file (missing, unreadable or larger than ${JOURNEY_FILE_BYTES_MAX} bytes)`, { exitCode: EXIT_INVALID_INPUT, code: 'fares.journey_unreadable' });
    const journey = parseJourney(text);
    if (!journey.ok) quote.error(`error: invalid journey: ${journey.message}`, { exitCode: EXIT_INVALID_INPUT, code: 'fares.journey_invalid' });
    const result = quoteJourney(loaded.value, journey.journey);
    if (!result.ok) quote.error(`error: cannot quote leg ${result.legIndex}: ${result.message} [${result.code}]`, { exitCode: EXIT_QUOTE_FAILED, code: 'fares.quote_failed' });
    io.stdout(`${JSON.stringify(quoteToJson(result.quote), null, 2)}\n`);
  });
}
