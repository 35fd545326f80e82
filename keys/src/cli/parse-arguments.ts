/**
 * Parsing of command-line values into checked values. Failures are
 * CliUsageError with a message that names the option and the expected form
 * but never repeats what was typed (it may be a UID or a pasted key).
 */
import { fromHex } from '../bytes.js';
import { KEY_NO_MAX, KEY_VERSION_MAX, MASTER_KEY_TYPES, APPLICATION_NAME_PATTERN, type MasterKeyType } from '../store/master-key-slot.js';
import { CARD_UID_LENGTH_BYTES } from '../sam/diversification-input.js';
import { KEY_BUNDLE_ROLES, isKeyBundleRole, type KeyBundleRole } from '../sam/key-bundle-roles.js';
import { CliUsageError } from './cli-context.js';

const DECIMAL_PATTERN = /^(?:0|[1-9][0-9]{0,5})$/;

export function parseBoundedInteger(text: string, options: { option: string; min: number; max: number }): number {
  const value = DECIMAL_PATTERN.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < options.min || value > options.max) {
    throw new CliUsageError(`${options.option} must be an integer ${options.min}..${options.max}`);
  }
  return value;
}

export function parseKeyNo(text: string): number {
  return parseBoundedInteger(text, { option: '--key-no', min: 0, max: KEY_NO_MAX });
}

export function parseKeyVersion(text: string): number {
  return parseBoundedInteger(text, { option: '--version', min: 0, max: KEY_VERSION_MAX });
}

export function parseApplication(text: string): string {
  if (!APPLICATION_NAME_PATTERN.test(text)) throw new CliUsageError('--app must be a lower-case application name (a-z, 0-9, -)');
  return text;
}

export function parseKeyType(text: string): MasterKeyType {
  const found = MASTER_KEY_TYPES.find((type) => type === text);
  if (found === undefined) throw new CliUsageError(`--type must be one of ${MASTER_KEY_TYPES.join(', ')}`);
  return found;
}

export function parseRole(text: string): KeyBundleRole {
  if (!isKeyBundleRole(text)) throw new CliUsageError(`--role must be one of ${KEY_BUNDLE_ROLES.join(', ')}`);
  return text;
}

/** Hex bytes; separators ' ' and ':' allowed between bytes. */
export function parseHexBytes(text: string, options: { what: string; lengthsBytes: readonly number[] }): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(text.replace(/:/g, ''));
  } catch {
    throw new CliUsageError(`${options.what} must be hexadecimal`);
  }
  if (!options.lengthsBytes.includes(bytes.length)) {
    bytes.fill(0);
    throw new CliUsageError(`${options.what} must be ${options.lengthsBytes.join(' or ')} bytes`);
  }
  return bytes;
}

export function parseUid(text: string): Uint8Array {
  return parseHexBytes(text, { what: `--uid (${2 * CARD_UID_LENGTH_BYTES} hex digits)`, lengthsBytes: [CARD_UID_LENGTH_BYTES] });
}
