/**
 * The `keys` command line: key store, SAM derivation, device bundles, audit
 * (this workspace) plus the PKI commands (registerPkiCommands).
 *
 * `runCli` runs in-process and returns the exit code (tests call it);
 * `main` wires it to the real process for bin/keys.js.
 */
import { Command, Option } from 'commander';
import { registerPkiCommands } from './pki-commands.js';
import { PASSPHRASE_ENV, type CliDependencies, type CliIo } from './cli-context.js';
import { registerCardCommands } from './card-commands.js';
import { reportError } from './report-error.js';
import { registerStoreCommands } from './store-commands.js';

export function buildProgram(io: CliIo, deps: CliDependencies): Command {
  const program = new Command('keys')
    .description('OneCard key store, SAM and device PKI')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => { write(text); } })
    .showSuggestionAfterError(true)
    .option('--passphrase-file <file>', `file holding the key store passphrase (else $${PASSPHRASE_ENV})`)
    .option('--principal <name>', 'who is acting, for the audit log (else $ONECARD_OPERATOR or the OS user)')
    .addOption(new Option('--weak-kdf-for-testing', 'allow a scrypt cost below 2^15 on test stores').hideHelp());
  const context = { io, deps };
  registerStoreCommands(program, context);
  registerCardCommands(program, context);
  registerPkiCommands(program);
  return program;
}

/** Runs one invocation (`argv` without node and script) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies = {}): Promise<number> {
  try {
    await buildProgram(io, deps).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error: unknown) {
    const report = reportError(error);
    if (report.line !== '') io.stderr(`${report.line}\n`);
    return report.exitCode;
  }
}

export async function main(): Promise<void> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
