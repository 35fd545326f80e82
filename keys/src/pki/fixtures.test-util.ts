/** Test helper: a OneCard root CA and device requests, built once per test file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519KeyPair, type Ed25519KeyPair } from '../signing/ed25519.js';
import { createRootCa, type CaCredentials } from './ca.js';
import { createDeviceCsr, type DeviceCsr } from './csr.js';
import type { DeviceRole } from './roles.js';

export const DAY_MS = 86_400_000;
/** Fixed clock for deterministic tests: 2026-03-01T00:00:00Z. */
export const T0_MS = Date.UTC(2026, 2, 1);

export function testRoot(nowMs: number = T0_MS): CaCredentials {
  return createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: nowMs - DAY_MS });
}

export interface TestDevice extends DeviceCsr {
  readonly role: DeviceRole;
  readonly deviceId: string;
  readonly journalKeyPair: Ed25519KeyPair;
}

export function testDevice(role: DeviceRole, deviceId: string): TestDevice {
  const journalKeyPair = generateEd25519KeyPair();
  return { ...createDeviceCsr({ role, deviceId, journalKeyPair }), role, deviceId, journalKeyPair };
}

export interface ScratchDir {
  readonly path: string;
  file(name: string, contents: string): string;
  remove(): void;
}

export function scratchDir(prefix: string): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file(name, contents) {
      const filePath = join(path, name);
      writeFileSync(filePath, contents);
      return filePath;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
