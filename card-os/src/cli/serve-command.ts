/**
 * `card-os serve --vpcd HOST:PORT [--state FILE] [--uid HEX]`: puts an
 * emulated DESFire card into a vsmartcard vpcd reader slot, so pcscd (and
 * every PC/SC application: pcsc_scan, opensc-tool, our validators) sees a
 * card in a reader. Runs until SIGINT/SIGTERM, which removes the card.
 *
 * --state keeps the card in a tearing-safe file (created factory-fresh when
 * absent); without it the card is volatile. --uid sets the UID of a new
 * card; with an existing --state file it must match the stored card.
 */
import { equalBytes } from '@onecard/keys';
import type { Command } from 'commander';
import { DesfireCard } from '../emulator/card.js';
import { openCardWithStateFile } from '../emulator/index.js';
import { CliUsageError, type CliContext } from './cli-context.js';
import { parseUid, parseVpcdAddress } from './parse-arguments.js';
import { serveCard } from './serve.js';
import { DEFAULT_CONNECT_RETRY } from './serve-policy.js';

interface ServeCommandOptions {
  readonly vpcd: string;
  readonly state?: string;
  readonly uid?: string;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

const PROCESS_CONTEXT: CliContext = {
  io: { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env },
  deps: {},
};

export function registerServeCommand(program: Command, context: CliContext = PROCESS_CONTEXT): Command {
  return program
    .command('serve')
    .description('put an emulated DESFire card into a vpcd reader slot of pcscd until SIGINT/SIGTERM')
    .requiredOption('--vpcd <host:port>', 'where vsmartcard vpcd listens (scripts/services: 127.0.0.1:40059 or :40060)')
    .option('--state <file>', 'keep the card in this file (tearing-safe; created factory-fresh when absent)')
    .option('--uid <hex>', 'UID of a new card: 7 bytes starting 04 (default: random)')
    .action(async (options: ServeCommandOptions) => {
      await runServe(options, context);
    });
}

async function runServe(options: ServeCommandOptions, context: CliContext): Promise<void> {
  const address = parseVpcdAddress(options.vpcd);
  const uid = options.uid === undefined ? undefined : parseUid(options.uid);
  const { io } = context;
  const onInternalError = (error: unknown): void => {
    io.stderr(`card-os: internal card error answered 6F 00 (${error instanceof Error ? error.name : typeof error})\n`);
  };
  const factory = uid === undefined ? {} : { factory: { uid } };
  const card = options.state === undefined
    ? DesfireCard.open({ ...factory, onInternalError })
    : openCardWithStateFile({ imagePath: options.state, ...factory, onInternalError });
  if (uid !== undefined && !equalBytes(card.image.uid, uid)) {
    throw new CliUsageError('--uid differs from the card already kept in the --state file');
  }
  const stop = context.deps.stopSignal === undefined ? processStopSignal() : { signal: context.deps.stopSignal, release: () => undefined };
  try {
    await serveCard({
      card,
      address,
      retry: context.deps.connectRetry ?? DEFAULT_CONNECT_RETRY,
      stopSignal: stop.signal,
      cardLabel: options.state === undefined ? 'volatile card' : 'card kept in the state file',
      status: (line) => { io.stdout(`${line}\n`); },
      warn: (line) => { io.stderr(`${line}\n`); },
    });
  } finally {
    stop.release();
  }
}

/** SIGINT/SIGTERM abort the returned signal (once; a second signal gets Node's default: exit). */
function processStopSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    release();
    controller.abort(signal);
  };
  const release = (): void => {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return { signal: controller.signal, release };
}
