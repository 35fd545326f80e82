/**
 * Shared by the libfreefare interop suites: the test card, time limits, and
 * assertions whose failure message carries the tool's output and the APDUs.
 */
import { expect } from 'vitest';
import type { CardResult } from '@onecard/card-os';
import { fromHex, toHex } from '@onecard/keys';
import type { ApduTrace } from './apdu-trace.js';
import { SLOT_WAIT_TIMEOUT_MS, TOOL_TIMEOUT_MS, type LibfreefareRig } from './libfreefare-rig.js';
import type { ToolRun } from './tool-run.js';

/** Made-up NXP UID (libnfc and libfreefare take only UIDs starting 04). */
export const CARD_UID = fromHex('04c0ffee0000a1');
export const ZERO_DES_KEY = new Uint8Array(8);
/** A test may wait for the slot once, then run a few tools. */
export const TEST_TIMEOUT_MS = SLOT_WAIT_TIMEOUT_MS + 4 * TOOL_TIMEOUT_MS;
export const SETUP_TIMEOUT_MS = SLOT_WAIT_TIMEOUT_MS + 30_000;

export function value<T>(result: CardResult<T>): T {
  if (!result.ok) throw new Error(`card answered ${result.reason}`);
  return result.value;
}

/** Exit 0 within the time limit. */
export function expectSuccess(rig: LibfreefareRig, run: ToolRun): void {
  expect(run.timedOut, rig.explain(run)).toBe(false);
  expect(run.exitCode, rig.explain(run)).toBe(0);
}

/** The card's answers (hex) to every command APDU equal to `commandHex` in the trace. */
export function answersTo(trace: ApduTrace, commandHex: string): string[] {
  const wanted = toHex(fromHex(commandHex));
  return trace.exchanges.filter((e) => toHex(e.command) === wanted).map((e) => toHex(e.response));
}
