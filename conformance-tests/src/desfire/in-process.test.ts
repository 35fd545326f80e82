/** The conformance suite against the emulator in this process: always runs. */
import { afterAll, expect } from 'vitest';
import { desfireConformance } from './suite.js';
import { inProcessTarget } from './target-in-process.js';

const internalErrors: unknown[] = [];
desfireConformance(inProcessTarget({ onInternalError: (error) => internalErrors.push(error) }));

afterAll(() => {
  // The card answers 6F 00 to a bug instead of throwing; the suite must never meet one.
  expect(internalErrors).toEqual([]);
});
