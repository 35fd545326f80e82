/**
 * The `validator` command line: `fares quote` (fares-command.ts) and the
 * device commands `run`, `status`, `sync`, `init-demo` (src/runtime). `runCli` runs in-process and returns the exit code
 * (tests call it); `main` wires it to the process for bin/validator.js.
 * Exit codes: 0 done, 1 failed operation, 2 usage.
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { registerFaresCommands } from './fares-command.js';
import { registerInitDemoCommand } from './init-demo-command.js';
import { registerRunCommand } from './run-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerSyncCommand } from './sync-command.js';

export type { CliIo } from './cli-io.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIo): Command {
  const program = new Command('validator')
    .description('OneCard offline validator: fares, taps, journal and sync')
    .exitOverride()
    .configureOutput({ writeOut: (text) => { io.stdout(text); }, writeErr: (text) => { io.stderr(text); }, outputError: (text, write) => { write(text); } })
    .showSuggestionAfterError(true);
  registerFaresCommands(program, io);
  registerRunCommand(program, io);
  registerStatusCommand(program, io);
  registerSyncCommand(program, io);
  registerInitDemoCommand(program, io);
  return program;
}

/** Runs one invocation (`argv` without node and script) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors exit 1 in commander, and 2 here; commands pick their own codes.
      if (error.exitCode === EXIT_OK) return EXIT_OK;
      return error.code.startsWith('commander.') && error.code !== 'commander.error' ? EXIT_USAGE : error.exitCode;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : 'unexpected failure'}\n`);
    return EXIT_FAILED;
  }
}

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
