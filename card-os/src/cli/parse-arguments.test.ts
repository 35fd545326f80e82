import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { CliUsageError } from './cli-context.js';
import { parseUid, parseVpcdAddress } from './parse-arguments.js';
import { CONNECT_ATTEMPTS_MAX, CONNECT_BACKOFF_MS_INITIAL, CONNECT_BACKOFF_MS_MAX, DEFAULT_CONNECT_RETRY, backoffMs, backoffMsTotal } from './serve-policy.js';

describe('parseVpcdAddress', () => {
  it('takes host names, IPv4 and bracketed IPv6 with a port', () => {
    expect(parseVpcdAddress('127.0.0.1:40059')).toEqual({ host: '127.0.0.1', port: 40059 });
    expect(parseVpcdAddress('localhost:1')).toEqual({ host: 'localhost', port: 1 });
    expect(parseVpcdAddress('[::1]:65535')).toEqual({ host: '::1', port: 65535 });
    expect(parseVpcdAddress('vpcd.depot-7.example:40060')).toEqual({ host: 'vpcd.depot-7.example', port: 40060 });
  });

  it.each(['', '127.0.0.1', ':40059', '127.0.0.1:', '127.0.0.1:0', 'host:65536', 'host:99999', 'host:-1', 'ho st:1', '-host:1', 'host.:1', 'a:b:1', '::1:40059', 'host:4005a'])(
    'refuses %j with a usage error that does not echo it',
    (text) => {
      const error = captured(() => parseVpcdAddress(text));
      expect(error).toBeInstanceOf(CliUsageError);
      expect((error as Error).message).toMatch(/^--vpcd must be HOST:PORT/);
    },
  );
});

describe('parseUid', () => {
  it('takes 7 bytes starting 04, with or without colons', () => {
    expect(toHex(parseUid('04A1B2C3D4E5F6'))).toBe('04a1b2c3d4e5f6');
    expect(toHex(parseUid('04:a1:b2:c3:d4:e5:f6'))).toBe('04a1b2c3d4e5f6');
  });

  it.each([
    ['not hex', '04a1b2c3d4e5zz'],
    ['too short', '04a1b2c3d4e5'],
    ['too long', '04a1b2c3d4e5f607'],
    ['not NXP', '08a1b2c3d4e5f6'],
    ['odd digits', '04a1b2c3d4e5f'],
    ['4-byte UID', '04a1b2c3'],
  ])('refuses a UID that is %s, naming the form only', (_what, text) => {
    const error = captured(() => parseUid(text));
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as Error).message).toBe('--uid must be 7 bytes (14 hex digits) starting with 04 (NXP)');
    expect((error as Error).message).not.toContain(text);
  });
});

describe('connect retry policy', () => {
  it('doubles from the initial delay up to the cap, and the defaults give up after about half a minute', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(DEFAULT_CONNECT_RETRY, attempt))).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(CONNECT_BACKOFF_MS_INITIAL).toBeLessThan(CONNECT_BACKOFF_MS_MAX);
    expect(CONNECT_ATTEMPTS_MAX).toBeGreaterThan(1);
    const totalMs = backoffMsTotal(DEFAULT_CONNECT_RETRY);
    expect(totalMs).toBeGreaterThanOrEqual(10_000);
    expect(totalMs).toBeLessThanOrEqual(60_000);
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error: unknown) {
    return error;
  }
  return undefined;
}
