/**
 * The `card-os` command line: `serve` (an emulated card behind pcscd via
 * vpcd) and the card-profile commands `personalise` and `inspect`
 * (profile-commands.ts).
 *
 * `runCli` runs in-process and returns the exit code (tests call it);
 * `main` wires it to the real process for bin/card-os.js.
 * Exit codes: 0 done, 1 failed operation, 2 usage (report-error.ts).
 */
import { Command } from 'commander';
import type { CliDependencies, CliIo } from './cli-context.js';
import { registerProfileCommands } from './profile-commands.js';
import { reportError } from './report-error.js';
import { registerServeCommand } from './serve-command.js';

export function buildProgram(io: CliIo, deps: CliDependencies): Command {
  const program = new Command('card-os')
    .description('OneCard card OS: the emulated DESFire card and card-profile tools')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => { write(text); } })
    .showSuggestionAfterError(true);
  registerServeCommand(program, { io, deps });
  registerProfileCommands(program, { io, cwd: deps.cwd ?? process.cwd(), clock: deps.clock ?? (() => new Date()) });
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
