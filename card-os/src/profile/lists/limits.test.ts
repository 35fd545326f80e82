/** How the list limits relate to each other and to the envelope (STYLE.md "Limits"). */
import { ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { CARD_NUMBER_BYTES } from '../codecs/identity.js';
import { CARD_KEY_MAX } from './card-key.js';
import {
  ACTION_ENTRY_LENGTH_BYTES_MAX,
  ACTION_ENTRY_LENGTH_BYTES_MIN,
  ACTION_ID_LENGTH_BYTES_MAX,
  ACTION_LIST_ENTRY_COUNT_MAX,
  CONTRACT_LENGTH_BYTES,
  DENY_LIST_ENTRY_COUNT_MAX,
  DENY_REASON,
  DENY_REASON_BITS,
  DENY_REASON_RADIX,
  LIST_COUNT_LENGTH_BYTES,
  LIST_HEADER_LENGTH_BYTES,
  VARINT_LENGTH_BYTES_MAX,
} from './codes.js';

const VARINT_PAYLOAD_BITS = 7;
const DENY_TARGET_ENTRY_COUNT = 1_000_000;

describe('list limits', () => {
  it('a full deny list at its maximum, every varint at its longest, fits one envelope payload', () => {
    expect(LIST_HEADER_LENGTH_BYTES + LIST_COUNT_LENGTH_BYTES + DENY_LIST_ENTRY_COUNT_MAX * VARINT_LENGTH_BYTES_MAX).toBeLessThanOrEqual(ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX);
    expect(DENY_LIST_ENTRY_COUNT_MAX).toBeGreaterThanOrEqual(DENY_TARGET_ENTRY_COUNT);
  });

  it('a full action list at its maximum, every entry at its longest, fits one envelope payload', () => {
    expect(ACTION_ENTRY_LENGTH_BYTES_MAX).toBe(CARD_NUMBER_BYTES + 4 + 1 + ACTION_ID_LENGTH_BYTES_MAX + 1 + 1 + 4 + 4 + CONTRACT_LENGTH_BYTES);
    expect(ACTION_ENTRY_LENGTH_BYTES_MIN).toBe(CARD_NUMBER_BYTES + 4 + 1 + 1 + 1 + 1 + 4 + 4);
    expect(LIST_HEADER_LENGTH_BYTES + LIST_COUNT_LENGTH_BYTES + ACTION_LIST_ENTRY_COUNT_MAX * ACTION_ENTRY_LENGTH_BYTES_MAX).toBeLessThanOrEqual(ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX);
  });

  it('gap·8 + reason of the largest gap stays an exact number and fits the longest varint', () => {
    expect(2 ** DENY_REASON_BITS).toBe(DENY_REASON_RADIX);
    const largest = (CARD_KEY_MAX + 1) * DENY_REASON_RADIX + DENY_REASON_RADIX - 1;
    expect(largest).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(largest).toBeLessThan(2 ** (VARINT_PAYLOAD_BITS * VARINT_LENGTH_BYTES_MAX));
    for (const name of DENY_REASON.names) expect(DENY_REASON.codeOf(name)).toBeLessThan(DENY_REASON_RADIX);
  });
});
