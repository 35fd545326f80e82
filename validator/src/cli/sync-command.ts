/**
 * `validator sync --config FILE`: one sync round with the configured
 * clearing house (batches up, lists down), then prints what moved (JSON).
 * Exit 1 when the round failed (nothing is lost: batches stay pending).
 */
import type { Command } from 'commander';
import { openValidatorDevice } from '../runtime/open-device.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILED, EXIT_USAGE, failWithDeviceError, loadConfigOrFail } from './device-config-loader.js';

export function registerSyncCommand(program: Command, io: CliIo): void {
  const command: Command = program
    .command('sync')
    .description('run one sync round with the clearing house and print what was uploaded and downloaded (JSON)')
    .requiredOption('--config <file>', 'device configuration (JSON, see validator/README.md)');
  command.action(async (options: { config: string }) => {
    const config = await loadConfigOrFail(command, options.config);
    if (config.clearingHouse === undefined) command.error('error: clearingHouse: is not configured (the device is offline) [validator.sync_not_configured]', { exitCode: EXIT_USAGE, code: 'validator.sync_not_configured' });
    let device;
    try {
      device = await openValidatorDevice(config, { sync: 'manual' });
    } catch (error: unknown) {
      failWithDeviceError(command, error);
    }
    let failed = false;
    try {
      const before = device.status();
      const round = await device.syncOnce();
      const after = device.status();
      failed = round?.ok !== true;
      io.stdout(`${JSON.stringify({
        ok: round?.ok ?? false,
        errorCode: round?.errorCode ?? null,
        uploaded: { batchSeqs: round?.acknowledgedBatchSeqs ?? [], eventCount: before.journal.unacknowledgedEventCount - after.journal.unacknowledgedEventCount },
        pendingBatchCount: after.journal.pendingBatchCount,
        morePending: round?.morePending ?? false,
        downloaded: {
          deny: { versionBefore: before.lists.deny.version, versionAfter: after.lists.deny.version, entryCount: after.lists.deny.entryCount },
          actions: { versionBefore: before.lists.actions.version, versionAfter: after.lists.actions.version, entryCount: after.lists.actions.entryCount },
        },
      }, null, 2)}\n`);
    } finally {
      await device.close();
    }
    if (failed) command.error('error: the sync round failed; pending batches stay and are sent by the next round', { exitCode: EXIT_FAILED, code: 'validator.sync_failed' });
  });
}
