import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { describe, expect, test } from 'vitest';
import { EXIT_INVALID_INPUT, EXIT_QUOTE_FAILED, registerFaresCommands } from './fares-command.js';

const HANOI = fileURLToPath(new URL('../../feeds/hanoi', import.meta.url));
const TRANSLINK = fileURLToPath(new URL('../fares/fixtures/gtfs-org-translink', import.meta.url));

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const program = new Command('validator').exitOverride().configureOutput({ writeOut: (text) => (stdout += text), writeErr: (text) => (stderr += text) });
  registerFaresCommands(program, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { exitCode: 0, stdout, stderr };
  } catch (error: unknown) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode, stdout, stderr };
    throw error;
  }
}

function journeyFile(content: unknown): string {
  const directory = mkdtempSync(join(tmpdir(), 'onecard-journey-'));
  const path = join(directory, 'journey.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const TWO_LEGS = {
  legs: [
    { route_id: '01', from_stop_id: 'HN_GIALAM', to_stop_id: 'HN_YENNGHIA', start_time: '2026-12-04T07:00:00+07:00', end_time: '2026-12-04T08:10:00+07:00', rider_category_id: 'adult', fare_media_id: 'onecard' },
    { route_id: 'BRT01', from_stop_id: 'HN_YENNGHIA', to_stop_id: 'HN_KIMMA', start_time: '2026-12-04T08:20:00+07:00', end_time: '2026-12-04T09:00:00+07:00', rider_category_id: 'elderly_60_plus', fare_media_id: 'onecard' },
  ],
};

describe('validator fares quote', () => {
  test('prints each leg with product and amount, and the total, as JSON', async () => {
    const result = await run(['fares', 'quote', '--feed', HANOI, '--journey', journeyFile(TWO_LEGS)]);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      currency: 'VND',
      legs: [
        { leg_index: 0, route_id: '01', rider_category_id: 'adult', fare_media_id: 'onecard', kind: 'fare', fare_product_id: 'single_12k', leg_group_id: 'single_12k', transfer_fare_product_id: null, fare_transfer_type: null, amount: '12000', amount_minor_units: 12000 },
        { leg_index: 1, route_id: 'BRT01', rider_category_id: 'elderly_60_plus', fare_media_id: 'onecard', kind: 'fare', fare_product_id: 'single_8k', leg_group_id: 'single_8k', transfer_fare_product_id: null, fare_transfer_type: null, amount: '0', amount_minor_units: 0 },
      ],
      total: '12000',
      total_minor_units: 12000,
    });
  });

  test('the example journey of feeds/README.md quotes 40,000 VND', async () => {
    const example = fileURLToPath(new URL('../../feeds/examples/hanoi-journey.json', import.meta.url));
    const result = await run(['fares', 'quote', '--feed', HANOI, '--journey', example]);
    expect(JSON.parse(result.stdout)).toMatchObject({ total: '40000', legs: [{ amount: '12000' }, { amount: '8000' }, { amount: '20000', fare_media_id: 'paper' }] });
  });

  test('decimal currencies print major units', async () => {
    const journey = { legs: [{ route_id: 'bus_099', start_time: '2026-06-01T08:00:00-07:00', end_time: '2026-06-01T08:20:00-07:00', fare_media_id: 'contactless' }, { route_id: 'expo', from_stop_id: '8039', to_stop_id: '8066', start_time: '2026-06-01T08:30:00-07:00', end_time: '2026-06-01T09:00:00-07:00', fare_media_id: 'contactless' }] };
    const result = await run(['fares', 'quote', '--feed', TRANSLINK, '--journey', journeyFile(journey)]);
    expect(JSON.parse(result.stdout)).toMatchObject({ currency: 'CAD', total: '4.65', legs: [{ amount: '3.20' }, { amount: '1.45', transfer_fare_product_id: '1_zone_to_2_zone_upgrade', fare_transfer_type: 0 }] });
  });

  test('a bad feed exits 2 naming file, line and field', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'onecard-badfeed-'));
    writeFileSync(join(directory, 'routes.txt'), 'route_id\nr1\n');
    writeFileSync(join(directory, 'fare_products.txt'), 'fare_product_id,amount,currency\nsingle,8000.5,VND\n');
    writeFileSync(join(directory, 'fare_leg_rules.txt'), 'fare_product_id\nsingle\n');
    const result = await run(['fares', 'quote', '--feed', directory, '--journey', journeyFile(TWO_LEGS)]);
    expect(result.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: invalid feed: fare_products\.txt line 2, field amount: .*\[field_invalid\]\n$/);
  });

  test('a missing feed folder exits 2', async () => {
    const result = await run(['fares', 'quote', '--feed', '/nonexistent/feed', '--journey', journeyFile(TWO_LEGS)]);
    expect(result).toMatchObject({ exitCode: EXIT_INVALID_INPUT, stdout: '' });
    expect(result.stderr).toMatch(/invalid feed: .*\[unreadable\]/);
  });

  test('a malformed journey exits 2 naming the JSON path', async () => {
    const result = await run(['fares', 'quote', '--feed', HANOI, '--journey', journeyFile({ legs: [{ route_id: '01', start_time: 'yesterday', end_time: '2026-12-04T08:00:00+07:00' }] })]);
    expect(result.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(result.stderr).toMatch(/^error: invalid journey: legs\.0\.start_time: /);
  });

  test('a journey file that cannot be read exits 2', async () => {
    const result = await run(['fares', 'quote', '--feed', HANOI, '--journey', '/nonexistent/journey.json']);
    expect(result.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(result.stderr).toMatch(/cannot read the journey file/);
  });

  test('a journey the feed cannot price exits 1 naming the leg', async () => {
    const result = await run(['fares', 'quote', '--feed', HANOI, '--journey', journeyFile({ legs: [{ ...TWO_LEGS.legs[0], route_id: '999' }] })]);
    expect(result.exitCode).toBe(EXIT_QUOTE_FAILED);
    expect(result.stderr).toMatch(/^error: cannot quote leg 0: route 999 is not in the feed \[route_unknown\]\n$/);
  });

  test('both options are required', async () => {
    const result = await run(['fares', 'quote', '--feed', HANOI]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/--journey/);
  });
});
