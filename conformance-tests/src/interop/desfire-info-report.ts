/**
 * Reads what libfreefare's `mifare-desfire-info` prints (libfreefare 0.4.0,
 * examples/mifare-desfire-info.c: one block per DESFire tag, from GetVersion,
 * GetKeySettings, GetKeyVersion(0) and GetFreeMemory) back into numbers, so
 * the test can compare them with what our own host library reads.
 */

export interface InfoVersionPart {
  readonly vendorId: number;
  readonly type: number;
  readonly subtype: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly storageSizeByte: number;
  readonly protocol: number;
}

export interface DesfireInfoReport {
  /** The UID libnfc reported for the tag (the 4-byte random ID when that is on), lower-case hex. */
  readonly tagUidHex: string;
  /** The UID field of GetVersion, lower-case hex. */
  readonly uidHex: string;
  readonly batchNoHex: string;
  /** printf("week %x, 20%02x") of the BCD bytes: read back as the BCD bytes. */
  readonly productionWeekBcd: number;
  readonly productionYearBcd: number;
  readonly hardware: InfoVersionPart;
  readonly software: InfoVersionPart;
  /** 'locked' when GetKeySettings needed the PICC master key. */
  readonly masterKeySettings: number | 'locked';
  readonly masterKeyVersion: number;
  /** undefined when the tool printed "unknown". */
  readonly freeMemoryBytes: number | undefined;
  readonly randomUid: boolean;
}

export type DesfireInfoParse = { readonly ok: true; readonly reports: readonly DesfireInfoReport[] } | { readonly ok: false; readonly reason: string };

const TAG_HEADER = /^===> Version information for tag ([0-9a-f]+):$/m;
const HEX = 16;
const DECIMAL = 10;

class MissingField extends Error {}

function field(text: string, label: string, pattern: RegExp): RegExpMatchArray {
  const line = new RegExp(`^\\s*${label}:\\s+(.*)$`, 'm').exec(text);
  const value = line?.[1]?.trim();
  const match = value === undefined ? null : pattern.exec(value);
  if (match === null) throw new MissingField(`no "${label}" line of the expected form`);
  return match;
}

function group(match: RegExpMatchArray, index: number, radix: number): number {
  return Number.parseInt(match[index] ?? '', radix);
}

function versionPart(text: string): InfoVersionPart {
  const version = field(text, 'Version', /^(\d+)\.(\d+)$/);
  return {
    vendorId: group(field(text, 'Vendor ID', /^0x([0-9a-f]{2})$/), 1, HEX),
    type: group(field(text, 'Type', /^0x([0-9a-f]{2})$/), 1, HEX),
    subtype: group(field(text, 'Subtype', /^0x([0-9a-f]{2})$/), 1, HEX),
    majorVersion: group(version, 1, DECIMAL),
    minorVersion: group(version, 2, DECIMAL),
    storageSizeByte: group(field(text, 'Storage size', /^0x([0-9a-f]{2}) \([=>]\d+ bytes\)$/), 1, HEX),
    protocol: group(field(text, 'Protocol', /^0x([0-9a-f]{2})$/), 1, HEX),
  };
}

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) throw new MissingField(`no "${start}" section`);
  return text.slice(from + start.length, to);
}

function parseBlock(tagUidHex: string, block: string): DesfireInfoReport {
  const production = field(block, 'Production date', /^week ([0-9a-f]{1,2}), 20([0-9a-f]{2})$/);
  const settingsHeader = /^Master Key settings(?: \((0x[0-9a-f]{2})\))?:/m.exec(block);
  const lockedSettings = /^Master Key settings: LOCKED$/m.test(block);
  if (settingsHeader === null && !lockedSettings) throw new MissingField('no "Master Key settings" line');
  const freeMemory = field(block, 'Free memory', /^(?:(\d+) bytes|unknown)$/);
  return {
    tagUidHex,
    uidHex: field(block, 'UID', /^0x([0-9a-f]{14})$/)[1] ?? '',
    batchNoHex: field(block, 'Batch number', /^0x([0-9a-f]{10})$/)[1] ?? '',
    productionWeekBcd: group(production, 1, HEX),
    productionYearBcd: group(production, 2, HEX),
    hardware: versionPart(between(block, 'Hardware Information:', 'Software Information:')),
    software: versionPart(between(block, 'Software Information:', 'Master Key')),
    masterKeySettings: lockedSettings ? 'locked' : Number.parseInt(settingsHeader?.[1] ?? '', HEX),
    masterKeyVersion: group(field(block, 'Master Key version', /^(\d+) \(0x[0-9a-f]{2}\)$/), 1, DECIMAL),
    freeMemoryBytes: freeMemory[1] === undefined ? undefined : Number.parseInt(freeMemory[1], DECIMAL),
    randomUid: field(block, 'Use random UID', /^(yes|no)$/)[1] === 'yes',
  };
}

/** One report per "===> Version information for tag" block, in order. */
export function parseDesfireInfo(stdout: string): DesfireInfoParse {
  const reports: DesfireInfoReport[] = [];
  let rest = stdout;
  for (let header = TAG_HEADER.exec(rest); header !== null; header = TAG_HEADER.exec(rest)) {
    const afterHeader = rest.slice(header.index + header[0].length);
    const next = TAG_HEADER.exec(afterHeader);
    const block = next === null ? afterHeader : afterHeader.slice(0, next.index);
    try {
      reports.push(parseBlock(header[1] ?? '', block));
    } catch (error: unknown) {
      if (error instanceof MissingField) return { ok: false, reason: `tag block ${reports.length + 1}: ${error.message}` };
      throw error;
    }
    rest = afterHeader.slice(block.length);
  }
  return { ok: true, reports };
}
