/**
 * Parsing of `card-os` command-line values into checked values. Failures are
 * CliUsageError naming the option and the expected form, never echoing what
 * was typed (a --uid is a card identifier).
 */
import { fromHex } from '@onecard/keys';
import { UID_LENGTH_BYTES, UID_MANUFACTURER_BYTE_NXP } from '../emulator/limits.js';
import { CliUsageError } from './cli-context.js';

export const TCP_PORT_MIN = 1;
export const TCP_PORT_MAX = 0xffff;
/** RFC 1035 §2.3.4: a host name is at most 253 characters in text form. */
export const HOST_NAME_LENGTH_MAX = 253;

export interface VpcdAddress {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT_PATTERN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/;
const HOST_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const VPCD_FORM = '--vpcd must be HOST:PORT (e.g. 127.0.0.1:40059, [::1]:40059) with a port 1..65535';

/** `HOST:PORT`, `[IPv6]:PORT`. */
export function parseVpcdAddress(text: string): VpcdAddress {
  const match = HOST_PORT_PATTERN.exec(text);
  if (match === null) throw new CliUsageError(VPCD_FORM);
  const [, ipv6, name, portText] = match;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < TCP_PORT_MIN || port > TCP_PORT_MAX) throw new CliUsageError(VPCD_FORM);
  if (ipv6 !== undefined) return { host: ipv6, port };
  if (name === undefined || name.length > HOST_NAME_LENGTH_MAX || !HOST_NAME_PATTERN.test(name)) throw new CliUsageError(VPCD_FORM);
  return { host: name, port };
}

/** A 7-byte NXP UID: 14 hex digits starting 04; ':' allowed between bytes. */
export function parseUid(text: string): Uint8Array {
  const form = `--uid must be ${UID_LENGTH_BYTES} bytes (${2 * UID_LENGTH_BYTES} hex digits) starting with ${UID_MANUFACTURER_BYTE_NXP.toString(16).padStart(2, '0')} (NXP)`;
  let uid: Uint8Array;
  try {
    uid = fromHex(text.replace(/:/g, ''));
  } catch {
    throw new CliUsageError(form);
  }
  if (uid.length !== UID_LENGTH_BYTES || uid[0] !== UID_MANUFACTURER_BYTE_NXP) {
    uid.fill(0);
    throw new CliUsageError(form);
  }
  return uid;
}
