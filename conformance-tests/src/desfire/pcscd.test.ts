/**
 * The conformance suite against the emulator behind the real pcscd (vpcd
 * slot 00 01). Runs when scripts/services/services.sh has started pcscd and
 * `eval "$(scripts/services/services.sh env)"` exported ONECARD_PCSC=1 (CI does).
 */
import { afterAll, describe, expect } from 'vitest';
import { desfireConformance } from './suite.js';
import { pcscdTarget, pcscdTargetOptionsFromEnv } from './target-pcscd.js';

const internalErrors: unknown[] = [];

// Needs pcscd with the OneCard vpcd reader, which only scripts/services/services.sh starts.
describe.skipIf(process.env['ONECARD_PCSC'] !== '1')('through pcscd', () => {
  desfireConformance(pcscdTarget(pcscdTargetOptionsFromEnv(process.env, (error) => internalErrors.push(error))));
  afterAll(() => {
    expect(internalErrors).toEqual([]);
  });
});
