/**
 * The conformance suite against a real DESFire EV2/EV3 card on a real
 * reader. Opt-in: ONECARD_REAL_CARD_READER="<reader name pattern>" selects
 * the reader; only read-only cases run unless ONECARD_REAL_CARD_ALLOW_FORMAT=1
 * (then the card, whose PICC master key must be the factory DES zero key, is
 * formatted: everything on it is lost). See target-real-card.ts.
 */
import { describe } from 'vitest';
import { desfireConformance } from './suite.js';
import { REAL_CARD_ALLOW_FORMAT_ENV, REAL_CARD_READER_ENV, realCardTarget } from './target-real-card.js';

const readerNamePattern = process.env[REAL_CARD_READER_ENV] ?? '';

// Skipped unless a reader with a card is named: no machine in CI has one.
describe.skipIf(readerNamePattern === '')('on a real card', () => {
  desfireConformance(realCardTarget({ readerNamePattern, allowFormat: process.env[REAL_CARD_ALLOW_FORMAT_ENV] === '1' }));
});
