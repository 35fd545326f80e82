/**
 * Shared by the device commands: reads the configuration (exit 2 with
 * `path: rule` lines when it is missing or malformed) and turns the errors of
 * opening a device into commander errors with the right exit code (2 for a
 * configuration or file problem, 1 for a failed operation).
 */
import type { Command } from 'commander';
import { DeviceError } from '../runtime/device-error.js';
import { readDeviceConfig } from '../runtime/config-file.js';
import type { DeviceConfig } from '../runtime/config-schema.js';

export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function loadConfigOrFail(command: Command, path: string): Promise<DeviceConfig> {
  const read = await readDeviceConfig(path);
  if (!read.ok) command.error(`error: invalid device configuration [${read.code}]\n${read.problems.map((p) => `  ${p}`).join('\n')}`, { exitCode: EXIT_USAGE, code: `validator.${read.code}` });
  return read.config;
}

/** Rethrows anything that is not a DeviceError (a bug: runCli reports it as a failure). */
export function failWithDeviceError(command: Command, error: unknown): never {
  if (!(error instanceof DeviceError)) throw error;
  command.error(`error: ${error.message}`, { exitCode: error.isConfigProblem ? EXIT_USAGE : EXIT_FAILED, code: `validator.${error.code}` });
}
