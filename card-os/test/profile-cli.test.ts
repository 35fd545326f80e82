/**
 * `card-os personalise` and `card-os inspect` in-process on --state cards:
 * the embedded test key store, an explicit one, Vietnamese and English
 * output, role-limited inspection, and input errors that name the field.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliFailure, CliUsageError } from '../src/cli/cli-context.js';
import { registerProfileCommands } from '../src/cli/profile-commands.js';
import { DEFAULT_KEYSTORE_RELATIVE_PATH } from '../src/profile/tools/key-store.js';
import { createTestKeys, SAMPLE_HOLDER, TEST_PASSPHRASE, type TestKeys } from '../src/profile/testing/fixtures.js';

const CLI_TEST_TIMEOUT_MS = 30_000;
let dir: string;
let keys: TestKeys;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-profile-cli-'));
  writeFileSync(join(dir, 'holder.json'), JSON.stringify(SAMPLE_HOLDER));
  keys = await createTestKeys();
  keys.store.close();
});
afterAll(() => {
  keys.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: readonly string[], env: Record<string, string | undefined> = { ONECARD_KEYSTORE_PASSPHRASE: TEST_PASSPHRASE }): Promise<{ stdout: string; error: unknown }> {
  let stdout = '';
  const program = new Command('card-os').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerProfileCommands(program, { io: { stdout: (t) => { stdout += t; }, stderr: () => undefined, env }, cwd: dir, clock: () => new Date('2025-09-01T01:30:00Z') });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { stdout, error: undefined };
  } catch (error: unknown) {
    return { stdout, error };
  }
}

const withTestStore = (): string[] => ['--keystore', join(keys.dir, 'keystore.json'), '--weak-kdf-for-testing'];

describe('card-os personalise / inspect', () => {
  it('issues a --state card with the embedded test key store, and a re-run finds everything done', async () => {
    const card = join(dir, 'embedded.card');
    const first = await run(['personalise', '--state', card, '--holder', join(dir, 'holder.json'), '--station-id', '7']);
    expect(first.error).toBeUndefined();
    expect(first.stdout).toBe('personalised: 43 step(s) applied, 0 already done\n');
    expect(existsSync(join(dir, DEFAULT_KEYSTORE_RELATIVE_PATH))).toBe(true);
    const again = await run(['personalise', '--state', card, '--holder', join(dir, 'holder.json')]);
    expect(again.stdout).toBe('personalised: 0 step(s) applied, 43 already done\n');
  }, CLI_TEST_TIMEOUT_MS);

  it('prints every application in Vietnamese with diacritics, and in English', async () => {
    const card = join(dir, 'printed.card');
    expect((await run(['personalise', '--state', card, '--holder', join(dir, 'holder.json'), ...withTestStore()])).error).toBeUndefined();
    const vi = await run(['inspect', '--state', card, ...withTestStore()]);
    expect(vi.error).toBeUndefined();
    for (const text of ['Số thẻ: 9704 0000 0000 0018', 'Đối tượng: Học sinh (01/09/2025 – 31/08/2026)', 'Số dư: 50.000 ₫', 'Vé tháng liên tuyến · Ưu tiên', 'Hạn sử dụng: 31/08/2026', 'Số dư: 100.000 ₫', 'Tài khoản đăng nhập: nguyen.van.an', 'Số thẻ BHYT: HS4010123456789', 'Dị ứng: Penicillin, Hải sản', 'Số giao dịch của thẻ (TMC): 0']) {
      expect(vi.stdout).toContain(text);
    }
    const en = await run(['inspect', '--state', card, '--lang', 'en', ...withTestStore()]);
    expect(en.stdout).toContain('Balance: 50,000 VND');
    expect(en.stdout).toContain('Holder category: Pupil (2025-09-01 – 2026-08-31)');
  }, CLI_TEST_TIMEOUT_MS);

  it('with --role shows only what that device can read', async () => {
    const card = join(dir, 'role.card');
    await run(['personalise', '--state', card, '--holder', join(dir, 'holder.json'), ...withTestStore()]);
    const gate = await run(['inspect', '--state', card, '--lang', 'en', '--role', 'school-gate', ...withTestStore()]);
    expect(gate.stdout).toContain('Student ID: 0123456789');
    expect(gate.stdout).not.toContain('HS4010123456789');
    expect(gate.stdout).not.toContain('50,000 VND');
    // The card number (identity) is readable: every terminal journals it. Not: transit, library loans, canteen, civil, health.
    expect(gate.stdout).toContain('Card number: 9704 0000 0000 0018');
    expect(gate.stdout.match(/Not readable: this terminal does not hold the key/g)).toHaveLength(5);
    const clinic = await run(['inspect', '--state', card, '--role', 'clinic-terminal', ...withTestStore()]);
    expect(clinic.stdout).toContain('Số thẻ BHYT: HS4010123456789');
    expect(clinic.stdout).not.toContain('Mã học sinh');
  }, CLI_TEST_TIMEOUT_MS);

  it('refuses bad input with usage errors that name the problem, not the value', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...SAMPLE_HOLDER, student: { ...SAMPLE_HOLDER.student, studentId: 'lower-case!' } }));
    const bad = await run(['personalise', '--state', join(dir, 'x.card'), '--holder', join(dir, 'bad.json'), ...withTestStore()]);
    expect(bad.error).toBeInstanceOf(CliUsageError);
    expect((bad.error as Error).message).toContain('student.studentId');
    expect((bad.error as Error).message).not.toContain('lower-case!');
    expect((await run(['inspect', '--state', join(dir, 'x.card')], {})).error).toMatchObject({ message: 'set ONECARD_KEYSTORE_PASSPHRASE to the key store passphrase' });
    expect((await run(['inspect', '--state', 'a', '--vpcd', '127.0.0.1:40059'])).error).toBeInstanceOf(CliUsageError);
    expect((await run(['inspect', '--vpcd', '127.0.0.1:41000'])).error).toBeInstanceOf(CliUsageError);
    expect((await run(['personalise', '--state', join(dir, 'y.card'), '--holder', join(dir, 'holder.json'), '--apps', 'bus'])).error).toBeInstanceOf(CliUsageError);
  }, CLI_TEST_TIMEOUT_MS);

  it('fails with the step and the reason when the card holds another holder', async () => {
    const card = join(dir, 'other.card');
    await run(['personalise', '--state', card, '--holder', join(dir, 'holder.json'), ...withTestStore()]);
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...SAMPLE_HOLDER, card: { ...SAMPLE_HOLDER.card, number: '9704000000000026' } }));
    const other = await run(['personalise', '--state', card, '--holder', join(dir, 'other.json'), ...withTestStore()]);
    expect(other.error).toBeInstanceOf(CliFailure);
    expect((other.error as Error).message).toBe('step identity.holder:write failed after 0 applied and 5 already done: unexpected card state: the card holds a different valid record (another holder, or a card in use)');
  }, CLI_TEST_TIMEOUT_MS);
});
