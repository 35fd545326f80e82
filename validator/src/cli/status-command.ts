/**
 * `validator status --config FILE`: the device's journal, list and sync
 * status as JSON. While a device runs on the data folder its journal is
 * locked: the command says so and prints the status that device last wrote.
 */
import type { Command } from 'commander';
import { DeviceError } from '../runtime/device-error.js';
import { readStatusFile } from '../runtime/device-status.js';
import { openValidatorDevice } from '../runtime/open-device.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILED, failWithDeviceError, loadConfigOrFail } from './device-config-loader.js';

/** Undefined fields print as null, so an offline device shows `"sync": null` rather than nothing. */
export function statusJson(status: unknown): string {
  return JSON.stringify(status, (_key, value: unknown) => (value === undefined ? null : value), 2);
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  const command: Command = program
    .command('status')
    .description("print the device's journal fill, pending batches, last sync and list versions (JSON)")
    .requiredOption('--config <file>', 'device configuration (JSON, see validator/README.md)');
  command.action(async (options: { config: string }) => {
    const config = await loadConfigOrFail(command, options.config);
    let device;
    try {
      device = await openValidatorDevice(config, { sync: 'manual' });
    } catch (error: unknown) {
      if (error instanceof DeviceError && error.code === 'journal_locked') {
        const reported = await readStatusFile(config.dataDir);
        if (reported === undefined) command.error('error: the journal is locked by a running device on this data folder, and it has not reported a status yet [journal_locked]', { exitCode: EXIT_FAILED, code: 'validator.journal_locked' });
        io.stdout('The journal is locked by a running device on this data folder; its last reported status:\n');
        // Re-serialised, not copied: whatever the file holds, control characters come out escaped.
        io.stdout(`${statusJson(reported.json)}\n`);
        return;
      }
      failWithDeviceError(command, error);
    }
    try {
      io.stdout(`${statusJson(device.status())}\n`);
    } finally {
      await device.close();
    }
  });
}
