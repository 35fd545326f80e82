/**
 * Hostile input: random and mutated APDUs never make the card throw, and
 * every answer is a well-formed response (at least SW1 SW2; native answers
 * 91 xx with a status the data sheet defines).
 */
import { describe, expect, it } from 'vitest';
import { isDesfireStatus } from '../protocol/status.js';
import { DesfireCard } from './card.js';
import { MemoryMedium } from './storage/medium.js';
import { JournaledCardStore } from './storage/journal.js';
import { TEST_UID, counterRandom, hex } from './testing/fixtures.js';

/** Rounds of fuzzing per test (bounded: the suite must stay fast). */
const FUZZ_ROUND_COUNT = 4_000;
const APDU_BYTES_MAX = 300;

/** xorshift32: reproducible pseudo-random numbers for the fuzzer. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Valid-looking commands to mutate: a personalisation and a transaction. */
const SEEDS: readonly string[] = [
  '9060000000', '90af000000', '906e000000', '906a000000', '906d000000', '9045000000',
  '90ca000005010000ef8200', '905a00000301000000', '90cd000007010010110004000000',
  '90cc0000110200101100000000e8030000f401000001 00', '90c0000008040010110400000500',
  '903d00000f01000000080000aabbccddeeff001100', '90bd0000070100000000000000', '906c0000010200',
  '90dc0000050201000000 00', '903b00000b04000000040000aabbccdd00', '90bb0000070400000000000000',
  '90c7000000', '90a7000000', '900a0000010000', '901a0000010000', '90aa0000010000', '9071000002000000',
  '90c400001900' + '00'.repeat(24) + '00', '90f50000010100', '905f0000040100eeee00', '90df0000010100',
  '00a4040007d276000085010000', '00a40000023f0000', 'ffca000000', '90fc000000', '905c00000200 0100',
];

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const kind = next() % 6;
  const out = Array.from(bytes);
  switch (kind) {
    case 0: // flip a byte
      if (out.length > 0) out[next() % out.length] = next() & 0xff;
      break;
    case 1: // truncate
      out.length = next() % (out.length + 1);
      break;
    case 2: // wrong Lc
      if (out.length > 4) out[4] = next() & 0xff;
      break;
    case 3: // oversize: append garbage
      for (let i = next() % 64; i > 0; i--) out.push(next() & 0xff);
      break;
    case 4: // wrong CLA
      if (out.length > 0) out[0] = next() & 0xff;
      break;
    default: // fully random
      out.length = 0;
      for (let i = next() % APDU_BYTES_MAX; i > 0; i--) out.push(next() & 0xff);
  }
  return Uint8Array.from(out);
}

function expectWellFormed(answer: Uint8Array): void {
  expect(answer.length).toBeGreaterThanOrEqual(2);
  const sw1 = answer[answer.length - 2] ?? 0;
  if (sw1 === 0x91) expect(isDesfireStatus(answer[answer.length - 1] ?? 0)).toBe(true);
}

describe('hostile APDUs', () => {
  it('random and mutated APDUs (truncated, oversize, wrong Lc, wrong CLA, stray AF) never throw', () => {
    const internalErrors: unknown[] = [];
    const card = DesfireCard.open({
      store: new JournaledCardStore(new MemoryMedium()),
      factory: { uid: TEST_UID },
      random: counterRandom(7),
      onInternalError: (error) => internalErrors.push(error),
    });
    card.powerOn();
    const next = prng(0x5eed);
    for (let round = 0; round < FUZZ_ROUND_COUNT; round++) {
      const seed = hex(SEEDS[next() % SEEDS.length] ?? '9060000000');
      const apdu = next() % 4 === 0 ? seed : mutate(seed, next);
      expectWellFormed(card.process(apdu));
      if (next() % 200 === 0) card.reset();
    }
    expect(internalErrors).toEqual([]);
  });

  it('answers malformed framing with ISO status words', () => {
    const card = DesfireCard.open({ factory: { uid: TEST_UID } });
    card.powerOn();
    expect(card.process(hex('90'))).toEqual(hex('6700'));
    expect(card.process(hex('9060000005aa'))).toEqual(hex('6700'));
    expect(card.process(hex('906001000000'))).toEqual(hex('6a86'));
    expect(card.process(hex('80600000 00'))).toEqual(hex('6e00'));
    expect(card.process(hex('00b0000000'))).toEqual(hex('6d00'));
    expect(card.process(hex('90af000000'))).toEqual(hex('911c'));
    expect(card.process(hex('9042000000'))).toEqual(hex('911c'));
    expect(card.process(new Uint8Array(0))).toEqual(hex('6700'));
  });
});
