/**
 * `validator run --config FILE`: starts the device — PC/SC reader events
 * (runPcscReader), the terminal display, the web view when configured, the
 * sync loop when a clearing house is configured — until SIGINT/SIGTERM.
 * Stopping waits for the tap in flight to finish its card transaction and
 * its journal write; nothing is cut half-way.
 */
import { PcscClient, PcscError } from '@onecard/card-os';
import type { Command } from 'commander';
import { openValidatorDevice, type ValidatorDevice } from '../runtime/open-device.js';
import { READER_APPEAR_WAIT_MS } from '../runtime/limits.js';
import { renderTerminal, runPcscReader, startWebView, type Validator, type WebView } from '../tap/index.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILED, failWithDeviceError, loadConfigOrFail } from './device-config-loader.js';

/** How often a running device rewrites its status file for `validator status`. */
export const STATUS_WRITE_INTERVAL_MS = 5_000;
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

function stopSignalOf(io: CliIo): { readonly signal: AbortSignal; readonly release: () => void } {
  if (io.stopSignal !== undefined) return { signal: io.stopSignal, release: () => undefined };
  const controller = new AbortController();
  const stop = (): void => { controller.abort(); };
  for (const name of STOP_SIGNALS) process.once(name, stop);
  return { signal: controller.signal, release: () => { for (const name of STOP_SIGNALS) process.off(name, stop); } };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => { resolve(); }, { once: true });
  });
}

/**
 * Runs the reader loop until `signal` aborts. The loop itself only looks at
 * the signal between taps (and waits up to READER_REMOVAL_WAIT_MS for a card
 * to leave), so on abort the device is closed first (the tap in flight
 * finishes, later taps are refused before any card command), then the PC/SC
 * context, which ends any wait.
 */
async function driveReader(device: ValidatorDevice, input: { readonly readerName: string | undefined; readonly signal: AbortSignal; readonly io: CliIo }): Promise<void> {
  const pcsc = await PcscClient.open();
  let loop: Promise<void> | undefined;
  try {
    const appeared = pcsc.waitForReader(input.readerName === undefined ? { readerNamePattern: /./ } : { readerName: input.readerName }, { timeoutMs: READER_APPEAR_WAIT_MS });
    const readerName = await Promise.race([appeared, untilAborted(input.signal).then(() => undefined)]);
    if (readerName === undefined) {
      appeared.catch(() => undefined);
      return;
    }
    input.io.stdout(`reader: ${readerName}\n`);
    const validator: Validator<void> = { mode: device.mode, tap: (link) => device.tap(link) };
    loop = runPcscReader({ validator, pcsc, readerName, input: () => undefined, signal: input.signal, onReaderError: (error) => { if (!input.signal.aborted) input.io.stderr(`reader: ${error.code}\n`); } });
    await Promise.race([loop, untilAborted(input.signal)]);
  } finally {
    await device.close();
    await pcsc.close();
    // After an abort the loop ends with the closed context or the closed device: expected, not reported.
    if (loop !== undefined && input.signal.aborted) await loop.catch(() => undefined);
  }
  if (!input.signal.aborted) await loop;
}

export function registerRunCommand(program: Command, io: CliIo): void {
  const command: Command = program
    .command('run')
    .description('start the validator: reader taps, terminal display, optional web view and sync loop, until SIGINT/SIGTERM')
    .requiredOption('--config <file>', 'device configuration (JSON, see validator/README.md)');
  command.action(async (options: { config: string }) => {
    const config = await loadConfigOrFail(command, options.config);
    const colours = process.stdout.isTTY && io.stopSignal === undefined ? 'ansi' : 'none';
    let device: ValidatorDevice;
    try {
      device = await openValidatorDevice(config, { sync: 'loop', onOutcome: (outcome) => { io.stdout(`${renderTerminal(outcome, { language: config.language, colours })}\n`); } });
    } catch (error: unknown) {
      failWithDeviceError(command, error);
    }
    const stop = stopSignalOf(io);
    let webView: WebView | undefined;
    let failure: string | undefined;
    const statusTimer = setInterval(() => { device.writeStatus().catch(() => undefined); }, STATUS_WRITE_INTERVAL_MS);
    try {
      await device.writeStatus();
      if (config.webView !== undefined) {
        webView = await startWebView({ recent: device.recent, language: config.language, port: config.webView.port, host: config.webView.host });
        io.stdout(`web view: ${webView.url}\n`);
      }
      io.stdout(`validator ${config.deviceId} (${device.mode}) running${config.clearingHouse === undefined ? ', offline' : ', syncing'}; Ctrl-C stops\n`);
      if (config.reader.kind === 'pcsc') await driveReader(device, { readerName: config.reader.name, signal: stop.signal, io });
      else await untilAborted(stop.signal);
    } catch (error: unknown) {
      if (error instanceof PcscError) failure = `error: PC/SC reader failed [${error.code}]`;
      else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') failure = 'error: webView.port: the port is in use';
      else throw error;
    } finally {
      clearInterval(statusTimer);
      stop.release();
      await webView?.close();
      await device.close();
      io.stdout('validator stopped\n');
    }
    if (failure !== undefined) command.error(failure, { exitCode: EXIT_FAILED, code: 'validator.run_failed' });
  });
}
