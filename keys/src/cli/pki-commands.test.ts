import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ed25519KeyPairFromSeed } from '../signing/ed25519.js';
import { fromHex, toHex } from '../bytes.js';
import { CA_PASSPHRASE_ENV, registerPkiCommands } from './pki-commands.js';
import { reportError } from './report-error.js';

const work = mkdtempSync(join(tmpdir(), 'onecard-pki-cli-'));
const path = (name: string): string => join(work, name);
const passphrase = 'cli test passphrase';
writeFileSync(path('pass.txt'), `${passphrase}\n`);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one invocation in-process the way runCli does: exitOverride, errors through reportError. */
async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const program = new Command('keys')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      outputError: (text, write) => {
        write(text);
      },
    });
  registerPkiCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const report = reportError(error);
    if (report.line !== '') stderr += `${report.line}\n`;
    return { exitCode: report.exitCode, stdout, stderr };
  }
}

describe('keys PKI commands', () => {
  const ca = path('ca');
  const pass = ['--passphrase-file', path('pass.txt')];

  it('runs the whole life cycle: init, request, issue, publish, verify, revoke, publish, verify', async () => {
    expect((await run('ca', 'init', '--dir', ca, '--validity-days', '3650', ...pass)).exitCode).toBe(0);
    const request = await run('cert', 'request', '--role', 'validator', '--device-id', 'hn-bus-0042-v1', '--out-key', path('dev.key'), '--out-csr', path('dev.csr'));
    expect(request.exitCode).toBe(0);
    expect(statSync(path('dev.key')).mode & 0o777).toBe(0o600);
    const seedHex = readFileSync(path('dev.key.ed25519-seed'), 'utf8').trim();
    expect(request.stdout).toContain(toHex(ed25519KeyPairFromSeed(fromHex(seedHex)).publicKey));

    const issue = await run('cert', 'issue', '--dir', ca, '--csr', path('dev.csr'), '--validity-days', '365', '--out', path('dev.pem'), ...pass);
    expect(issue.exitCode).toBe(0);
    const serial = /issued serial ([0-9a-f]+)/.exec(issue.stdout)?.[1] ?? '';
    expect(serial).toMatch(/^[0-9a-f]{32}$/);

    const unpublished = await run('cert', 'verify', '--dir', ca, '--cert', path('dev.pem'));
    expect(unpublished.exitCode).toBe(1);
    expect(unpublished.stderr).toContain('[crl_missing]');

    vi.stubEnv(CA_PASSPHRASE_ENV, passphrase);
    expect((await run('crl', 'publish', '--dir', ca, '--next-update-days', '7')).stdout).toContain('CRL #1 listing 0');
    const valid = await run('cert', 'verify', '--dir', ca, '--cert', path('dev.pem'));
    expect(valid.exitCode).toBe(0);
    expect(valid.stdout).toContain(`valid: validator hn-bus-0042-v1, serial ${serial}`);

    expect((await run('cert', 'revoke', '--dir', ca, '--serial', serial, '--reason', 'keyCompromise')).exitCode).toBe(0);
    expect((await run('crl', 'publish', '--dir', ca, '--next-update-days', '7')).stdout).toContain('CRL #2 listing 1');
    const revoked = await run('cert', 'verify', '--dir', ca, '--cert', path('dev.pem'));
    expect(revoked.exitCode).toBe(1);
    expect(revoked.stderr.trim()).toBe('error: certificate rejected: certificate is revoked [certificate_revoked]');
  });

  it('answers usage errors with exit code 2 and one line, without echoing the value', async () => {
    const badRole = await run('cert', 'request', '--role', 'toaster', '--device-id', 'x', '--out-key', path('x.key'), '--out-csr', path('x.csr'));
    expect(badRole.exitCode).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of validator');
    expect(badRole.stderr).not.toContain('toaster');
    const missing = await run('cert', 'issue', '--dir', ca);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("required option '--csr <file>' not specified");
    const badDays = await run('crl', 'publish', '--dir', ca, '--next-update-days', '99', ...pass);
    expect(badDays.exitCode).toBe(2);
    const badReason = await run('cert', 'revoke', '--dir', ca, '--serial', 'ab', '--reason', 'removeFromCRL');
    expect(badReason.exitCode).toBe(2);
    writeFileSync(path('junk.csr'), 'not a request');
    const junk = await run('cert', 'issue', '--dir', ca, '--csr', path('junk.csr'), '--validity-days', '30', '--out', path('junk.pem'), ...pass);
    expect(junk.exitCode).toBe(2);
    expect(junk.stderr).toContain('[csr_invalid]');
  });

  it('fails operations with exit code 1 (wrong passphrase, existing output, unknown serial); a missing passphrase is usage', async () => {
    writeFileSync(path('wrong.txt'), 'definitely the wrong passphrase');
    const wrong = await run('crl', 'publish', '--dir', ca, '--next-update-days', '7', '--passphrase-file', path('wrong.txt'));
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('[passphrase_invalid]');
    expect(wrong.stderr).not.toContain('definitely the wrong passphrase');
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    const none = await run('crl', 'publish', '--dir', ca, '--next-update-days', '7');
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain(CA_PASSPHRASE_ENV);
    const clobber = await run('cert', 'request', '--role', 'pos', '--device-id', 'pos-1', '--out-key', path('dev.key'), '--out-csr', path('pos.csr'));
    expect(clobber.exitCode).toBe(1);
    expect(clobber.stderr).toContain('already exists');
    expect(existsSync(path('pos.csr'))).toBe(false);
    const unknown = await run('cert', 'revoke', '--dir', ca, '--serial', '7f00', '--reason', 'superseded');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('[serial_unknown]');
    const notCa = await run('cert', 'verify', '--dir', work, '--cert', path('dev.pem'));
    expect(notCa.exitCode).toBe(1);
    expect(notCa.stderr).not.toMatch(/\n\s+at /);
  });
});
