import { describe, expect, it } from 'vitest';
import { INTEROP_READER_PATTERN_DEFAULT, INTEROP_TOOLS, interopReadiness, libnfcToolEnvironment, type FileProbe, type InteropSetup } from './interop-setup.js';

const LIBNFC_DIR = '/cache/libnfc-pcsc/install';
const ALL_TOOLS_ON = new Set([`${LIBNFC_DIR}/lib/libnfc.so.6`, ...INTEROP_TOOLS.map((t) => `/usr/bin/${t}`)]);

function probe(files: ReadonlySet<string>): FileProbe {
  return { isFile: (p) => files.has(p), isExecutableFile: (p) => files.has(p) };
}

const CI_ENV = { ONECARD_PCSC: '1', ONECARD_LIBNFC_PCSC_DIR: LIBNFC_DIR, ONECARD_VPCD_HOST: '127.0.0.1', ONECARD_VPCD_PORT: '40059', PATH: '/usr/local/bin:/usr/bin' };

function reason(env: Record<string, string | undefined>, files: ReadonlySet<string> = ALL_TOOLS_ON): string {
  const readiness = interopReadiness(env, probe(files));
  if (readiness.ready) throw new Error('expected a skip reason');
  return readiness.reason;
}

describe('interopReadiness', () => {
  it('is ready in the CI environment: slot 00 01 (port 40060), tools found on PATH', () => {
    const readiness = interopReadiness(CI_ENV, probe(ALL_TOOLS_ON));
    expect(readiness.ready).toBe(true);
    if (!readiness.ready) return;
    expect(readiness.setup).toMatchObject({ libnfcPcscDir: LIBNFC_DIR, vpcdHost: '127.0.0.1', vpcdPort: 40060, reader: { readerNamePattern: INTEROP_READER_PATTERN_DEFAULT } });
    expect(readiness.setup.toolPaths['mifare-desfire-format']).toBe('/usr/bin/mifare-desfire-format');
    expect(INTEROP_READER_PATTERN_DEFAULT.test('OneCard vpcd 00 01')).toBe(true);
    expect(INTEROP_READER_PATTERN_DEFAULT.test('OneCard vpcd 00 00')).toBe(false);
  });

  it('names the first missing piece, in a fixed order', () => {
    expect(reason({ ...CI_ENV, ONECARD_PCSC: undefined })).toMatch(/^ONECARD_PCSC is not 1/);
    expect(reason({ ...CI_ENV, ONECARD_LIBNFC_PCSC_DIR: undefined })).toMatch(/^ONECARD_LIBNFC_PCSC_DIR is not set/);
    expect(reason(CI_ENV, new Set([...ALL_TOOLS_ON].filter((p) => !p.endsWith('.so.6'))))).toMatch(/no lib\/libnfc\.so\.6/);
    const noFreefare = new Set([...ALL_TOOLS_ON].filter((p) => !p.includes('mifare-')));
    expect(reason(CI_ENV, noFreefare)).toMatch(/^not on PATH: mifare-desfire-info, .*libfreefare-bin/);
  });

  it('takes another slot only together with its reader name', () => {
    expect(reason({ ...CI_ENV, ONECARD_INTEROP_VPCD_PORT: '40061' })).toMatch(/needs ONECARD_INTEROP_READER/);
    expect(reason({ ...CI_ENV, ONECARD_INTEROP_VPCD_PORT: 'x', ONECARD_INTEROP_READER: 'r' })).toMatch(/not a TCP port/);
    const readiness = interopReadiness({ ...CI_ENV, ONECARD_INTEROP_VPCD_PORT: '40061', ONECARD_INTEROP_READER: 'OneCard interop vpcd 00 00' }, probe(ALL_TOOLS_ON));
    expect(readiness.ready && readiness.setup).toMatchObject({ vpcdPort: 40061, reader: { readerName: 'OneCard interop vpcd 00 00' } });
  });
});

describe('libnfcToolEnvironment', () => {
  const readiness = interopReadiness(CI_ENV, probe(ALL_TOOLS_ON));
  const setup = (readiness as { setup: InteropSetup }).setup;

  it('points libnfc at exactly one pcsc reader, with autoscan off and the rebuilt library first', () => {
    const env = libnfcToolEnvironment({ setup, readerName: 'OneCard vpcd 00 01', baseEnv: { PATH: '/usr/bin', LD_LIBRARY_PATH: '/opt/lib', LIBNFC_DEFAULT_DEVICE: 'pn532_uart:/dev/ttyUSB0', HOME: '/root' } });
    expect(env).toEqual({
      PATH: '/usr/bin',
      LC_ALL: 'C',
      LD_LIBRARY_PATH: `${LIBNFC_DIR}/lib:/opt/lib`,
      LIBNFC_DEVICE: 'pcsc:OneCard vpcd 00 01',
      LIBNFC_AUTO_SCAN: 'false',
      LIBNFC_INTRUSIVE_SCAN: 'false',
    });
  });
});
