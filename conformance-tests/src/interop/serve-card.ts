/**
 * Puts a factory-fresh emulated DESFire EV2 into vpcd slot 00 01 of the
 * running pcscd (scripts/services/services.sh) until Ctrl-C, so third-party
 * tools can drive it by hand:
 *
 *   npx tsx conformance-tests/src/interop/serve-card.ts [--port 40060] [--uid 04…] [--trace]
 *   eval "$(ONECARD_PCSC_READER='OneCard vpcd 00 01' scripts/services/build-libnfc-pcsc.sh)"
 *   mifare-desfire-info
 *
 * Exit status: 0 after Ctrl-C / SIGTERM, 1 when the card could not be
 * served or vpcd dropped it, 2 on a bad invocation. Status lines name the
 * vpcd address, never the UID; --trace prints every APDU (test cards only).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { fromHex, toHex } from '@onecard/keys';
import type { ApduExchange } from './apdu-trace.js';
import { VPCD_HOST_DEFAULT, VPCD_PORT_SLOT_0_DEFAULT, serveCard } from './served-card.js';

/** A made-up NXP UID (first byte 04, as libfreefare requires). */
export const SERVE_UID_DEFAULT_HEX = '04c0ffee000001';
export const SERVE_PORT_DEFAULT = VPCD_PORT_SLOT_0_DEFAULT + 1;
const UID_HEX_PATTERN = /^04[0-9a-f]{12}$/i;
const PORT_MAX = 0xffff;

export interface ServeCardArguments {
  readonly host: string;
  readonly port: number;
  readonly uid: Uint8Array;
  readonly trace: boolean;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > PORT_MAX) throw new InvalidArgumentError(`must be an integer in 1..${PORT_MAX}`);
  return port;
}

/** Parses argv (without node and the script); throws commander's CommanderError on a bad invocation. */
export function parseServeCardArguments(argv: readonly string[]): ServeCardArguments {
  const program = new Command('serve-card')
    .description('put a factory-fresh emulated DESFire EV2 into a vpcd reader slot of pcscd until Ctrl-C')
    .addOption(new Option('--host <host>', 'vpcd host').default(VPCD_HOST_DEFAULT))
    .addOption(new Option('--port <port>', 'vpcd slot port (40059 = slot 00 00, 40060 = slot 00 01)').argParser(parsePort).default(SERVE_PORT_DEFAULT))
    .addOption(new Option('--uid <hex>', 'card UID, 7 bytes starting 04').default(SERVE_UID_DEFAULT_HEX))
    .option('--trace', 'print every APDU exchange to stderr (test cards only: shows cryptograms)', false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.parse(argv, { from: 'user' });
  const options = program.opts<{ host: string; port: number; uid: string; trace: boolean }>();
  // Checked here, not in an argParser: commander's argParser message repeats the value, and a UID stays out of messages.
  if (!UID_HEX_PATTERN.test(options.uid)) program.error('error: --uid must be 14 hex digits starting with 04 (an NXP UID)', { exitCode: 2 });
  return { host: options.host, port: options.port, uid: fromHex(options.uid), trace: options.trace };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ServeCardArguments;
  try {
    args = parseServeCardArguments(argv);
  } catch (error: unknown) {
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' && exitCode === 0 ? 0 : 2;
  }
  const where = `vpcd at ${args.host}:${args.port}`;
  const stop = new AbortController();
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      stop.abort();
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  let dropped: (reason: string) => void = () => undefined;
  const droppedPromise = new Promise<string>((resolve) => { dropped = resolve; });
  try {
    const served = await serveCard({
      host: args.host,
      port: args.port,
      uid: args.uid,
      onSessionEnd: (end) => { dropped(end.reason); },
      signal: stop.signal,
      ...(args.trace ? { onExchange: printExchange } : {}),
    });
    console.log(`serve-card: factory-fresh card inserted into ${where}; Ctrl-C removes it`);
    const outcome = await Promise.race([stopped.then((signal) => ({ kind: 'stopped' as const, signal })), droppedPromise.then((reason) => ({ kind: 'dropped' as const, reason }))]);
    if (outcome.kind === 'dropped') {
      console.error(`serve-card: ${where} dropped the card (${outcome.reason})`);
      return 1;
    }
    await served.remove();
    console.log(`serve-card: card removed from ${where} (${outcome.signal})`);
    if (served.internalErrors.length === 0) return 0;
    console.error(`serve-card: the emulated card hit ${served.internalErrors.length} internal error(s) (answered 6F 00)`);
    return 1;
  } catch (error: unknown) {
    // VpcdError and ServeCardError messages name host and port only.
    console.error(`serve-card: ${error instanceof Error ? error.message : 'cannot serve the card'}`);
    return 1;
  }
}

function printExchange(exchange: ApduExchange): void {
  process.stderr.write(`> ${toHex(exchange.command)}\n< ${toHex(exchange.response)}\n`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  process.exitCode = await main(process.argv.slice(2));
}
