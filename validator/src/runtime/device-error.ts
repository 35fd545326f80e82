/**
 * Why a device did not open or a command failed, with stable codes. `field`
 * names the configuration field at fault; messages never carry a path's
 * content, a key, a card number or a UID.
 */
export const DEVICE_ERROR_CODES = [
  // the configuration and the files it names (exit 2: fix the config)
  'file_unreadable',
  'key_bundle_invalid',
  'key_bundle_role_mismatch',
  'key_bundle_device_mismatch',
  'journal_seed_invalid',
  'list_key_invalid',
  'feed_invalid',
  // the device's own state (exit 1: the operation failed)
  'journal_locked',
  'journal_device_mismatch',
  'journal_unavailable',
  'lists_unavailable',
  'device_closed',
] as const;
export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

const CONFIG_CODES: ReadonlySet<DeviceErrorCode> = new Set(['file_unreadable', 'key_bundle_invalid', 'key_bundle_role_mismatch', 'key_bundle_device_mismatch', 'journal_seed_invalid', 'list_key_invalid', 'feed_invalid']);

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  readonly code: DeviceErrorCode;
  /** The configuration field at fault, when there is one (`keys.bundle.file`). */
  readonly field: string | undefined;

  constructor(code: DeviceErrorCode, message: string, options: { readonly field?: string; readonly cause?: unknown } = {}) {
    super(`${options.field === undefined ? '' : `${options.field}: `}${message} [${code}]`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }

  /** A problem with the configuration or a file it names, as opposed to a failed operation. */
  get isConfigProblem(): boolean {
    return CONFIG_CODES.has(this.code);
  }
}
