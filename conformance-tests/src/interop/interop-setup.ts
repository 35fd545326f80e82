/**
 * What the libfreefare interop test needs from the machine, read from the
 * environment .ci/run (or a developer) sets up:
 *
 *   ONECARD_PCSC=1               pcscd with the OneCard vpcd reader runs (services.sh env)
 *   ONECARD_VPCD_HOST/_PORT      vpcd address of slot 00 00 (the test uses slot 00 01)
 *   ONECARD_LIBNFC_PCSC_DIR      libnfc rebuilt with its pcsc driver (build-libnfc-pcsc.sh dir)
 *   ONECARD_INTEROP_VPCD_PORT    optional: another vpcd slot port for the test …
 *   ONECARD_INTEROP_READER       … and the exact name of that slot's reader
 *   Debian's libfreefare-bin and libnfc-bin tools on PATH
 *
 * Missing pieces are a reason to skip, said in one line; the environment the
 * tools run with (libnfc pointed at exactly one reader) is built here too.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VPCD_HOST_DEFAULT, VPCD_PORT_SLOT_0_DEFAULT } from './served-card.js';

export const LIBNFC_SONAME = 'libnfc.so.6';
export const INTEROP_VPCD_SLOT = 1;
export const INTEROP_READER_PATTERN_DEFAULT = /(vpcd|virtual pcd) 00 01$/i;

/** The libfreefare-bin examples the test runs (Debian 12: libfreefare 0.4.0), and libnfc-bin's nfc-list. */
export const INTEROP_TOOLS = [
  'nfc-list',
  'mifare-desfire-info',
  'mifare-desfire-format',
  'mifare-desfire-create-ndef',
  'mifare-desfire-write-ndef',
  'mifare-desfire-read-ndef',
  'mifare-desfire-access',
  'mifare-desfire-ev1-configure-default-key',
  'mifare-desfire-ev1-configure-random-uid',
  'mifare-desfire-ev1-configure-ats',
] as const;
export type InteropTool = (typeof INTEROP_TOOLS)[number];

export interface InteropSetup {
  readonly libnfcPcscDir: string;
  readonly vpcdHost: string;
  readonly vpcdPort: number;
  readonly reader: { readonly readerName: string } | { readonly readerNamePattern: RegExp };
  readonly toolPaths: Readonly<Record<InteropTool, string>>;
}

export type InteropReadiness = { readonly ready: true; readonly setup: InteropSetup } | { readonly ready: false; readonly reason: string };

/** File-system questions, injectable for tests. */
export interface FileProbe {
  isFile(path: string): boolean;
  isExecutableFile(path: string): boolean;
}

export const nodeFileProbe: FileProbe = {
  isFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false,
  isExecutableFile: (path) => {
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return false;
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

type Env = Readonly<Record<string, string | undefined>>;

function findOnPath(command: string, env: Env, probe: FileProbe): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (probe.isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 0xffff ? port : undefined;
}

/** Checks run in this order; the first missing piece is the reason. */
export function interopReadiness(env: Env, probe: FileProbe = nodeFileProbe): InteropReadiness {
  if (env['ONECARD_PCSC'] !== '1') {
    return { ready: false, reason: 'ONECARD_PCSC is not 1: pcscd with the OneCard vpcd reader is not running (eval "$(scripts/services/services.sh env)")' };
  }
  const libnfcPcscDir = env['ONECARD_LIBNFC_PCSC_DIR'];
  if (libnfcPcscDir === undefined || libnfcPcscDir === '') {
    return { ready: false, reason: 'ONECARD_LIBNFC_PCSC_DIR is not set: libnfc with the pcsc driver was not built (scripts/services/build-libnfc-pcsc.sh dir; .ci/run warns when it cannot)' };
  }
  if (!probe.isFile(join(libnfcPcscDir, 'lib', LIBNFC_SONAME))) {
    return { ready: false, reason: `ONECARD_LIBNFC_PCSC_DIR has no lib/${LIBNFC_SONAME}: rebuild with scripts/services/build-libnfc-pcsc.sh` };
  }
  const toolPaths: Partial<Record<InteropTool, string>> = {};
  const missing: string[] = [];
  for (const tool of INTEROP_TOOLS) {
    const path = findOnPath(tool, env, probe);
    if (path === undefined) missing.push(tool);
    else toolPaths[tool] = path;
  }
  if (missing.length > 0) return { ready: false, reason: `not on PATH: ${missing.join(', ')} (apt-get install libfreefare-bin libnfc-bin)` };
  const slot0Port = parsePort(env['ONECARD_VPCD_PORT']) ?? VPCD_PORT_SLOT_0_DEFAULT;
  const portOverride = env['ONECARD_INTEROP_VPCD_PORT'];
  const vpcdPort = portOverride === undefined ? slot0Port + INTEROP_VPCD_SLOT : parsePort(portOverride);
  if (vpcdPort === undefined) return { ready: false, reason: 'ONECARD_INTEROP_VPCD_PORT is not a TCP port' };
  const readerName = env['ONECARD_INTEROP_READER'];
  if (portOverride !== undefined && (readerName === undefined || readerName === '')) {
    return { ready: false, reason: 'ONECARD_INTEROP_VPCD_PORT needs ONECARD_INTEROP_READER (the reader name of that slot)' };
  }
  return {
    ready: true,
    setup: {
      libnfcPcscDir,
      vpcdHost: env['ONECARD_VPCD_HOST'] ?? VPCD_HOST_DEFAULT,
      vpcdPort,
      reader: readerName === undefined || readerName === '' ? { readerNamePattern: INTEROP_READER_PATTERN_DEFAULT } : { readerName },
      toolPaths: toolPaths as Record<InteropTool, string>,
    },
  };
}

/**
 * The environment a libnfc tool runs with: the rebuilt libnfc first on the
 * library path, exactly one device (LIBNFC_DEVICE = pcsc:<reader>) and no
 * autoscan: with autoscan on, libnfc adds every pcscd reader to the list, so
 * each tool would run twice on our reader and also on the cards other suites
 * put in other slots (libnfc 1.8.0 nfc-internal.c, nfc.c nfc_list_devices).
 */
export function libnfcToolEnvironment(options: { setup: InteropSetup; readerName: string; baseEnv: Env }): Record<string, string> {
  const { setup, readerName, baseEnv } = options;
  const inheritedLibraryPath = baseEnv['LD_LIBRARY_PATH'];
  return {
    PATH: baseEnv['PATH'] ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    LD_LIBRARY_PATH: [join(setup.libnfcPcscDir, 'lib'), ...(inheritedLibraryPath === undefined || inheritedLibraryPath === '' ? [] : [inheritedLibraryPath])].join(delimiter),
    LIBNFC_DEVICE: `pcsc:${readerName}`,
    LIBNFC_AUTO_SCAN: 'false',
    LIBNFC_INTRUSIVE_SCAN: 'false',
  };
}
