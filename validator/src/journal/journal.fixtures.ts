/** Test fixtures for the journal and the sync agent (not exported from the package). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPairFromSeed } from '@onecard/keys';
import type { BatchSigner } from '@onecard/card-os/profile';
import type { JournalEntry } from '../ports.js';

export const FIXTURE_DEVICE_ID = 4711;
export const FIXTURE_KEY_ID = 'device-4711-journal-1';
const FIXTURE_SEED_BYTE = 7;
const FIXTURE_SEED_LENGTH_BYTES = 32;
const FIXTURE_START_MS = Date.parse('2026-12-04T01:00:00.000Z');
const FIXTURE_TAP_INTERVAL_MS = 1_500;

export function fixtureKeyPair() {
  return ed25519KeyPairFromSeed(new Uint8Array(FIXTURE_SEED_LENGTH_BYTES).fill(FIXTURE_SEED_BYTE));
}

export function fixtureSigner(): BatchSigner {
  return { keyId: FIXTURE_KEY_ID, secretKey: fixtureKeyPair().secretKey };
}

/** A bus fare entry; `index` varies the card and the instant. */
export function fareEntry(index: number, overrides: Partial<JournalEntry> = {}): JournalEntry {
  const cardNumber = `9704${String(index % 1000).padStart(12, '0')}`;
  return {
    at: new Date(FIXTURE_START_MS + index * FIXTURE_TAP_INTERVAL_MS).toISOString(),
    kind: 'fare',
    application: 'transit',
    cardNumber,
    amountVnd: 7_000,
    balanceBeforeVnd: 50_000,
    balanceAfterVnd: 43_000,
    tmc: index + 1,
    tmv: '0123456789abcdef',
    routeId: '32',
    stopId: 'HN-0032-07',
    fareProductId: 'bus-flat',
    riderCategory: 'adult',
    ...overrides,
  };
}

export function tempDir(prefix: string): { readonly dir: string; readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `onecard-${prefix}-`));
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }); } };
}
