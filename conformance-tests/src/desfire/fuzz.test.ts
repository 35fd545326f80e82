/**
 * Seeded fuzz at suite level, against the in-process target: random and
 * mutated APDUs (truncated, oversize, wrong Lc, wrong CLA, out-of-sequence
 * AdditionalFrame, replayed frames of real sessions) interleaved with honest
 * EV2 bus taps, some of them tampered on the way. After every attacker APDU
 * the card must have answered a well-formed status without an internal error,
 * and its committed image must equal the one the last honest tap left.
 */
import { Ins, commitTransaction, debit, getValue, writeRecord } from '@onecard/card-os';
import { equalBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { must, pattern } from './fixtures.js';
import { PURSE_VALUE, TRIP_BYTES, VictimFile, flipByte, malformation, personalisedVictim, seededRandom, type Victim } from './hostile-fixtures.js';

/** Fixed seed: a failure replays exactly. Change it to explore; keep the one that found a bug in a test. */
const FUZZ_SEED = 0x0c4d_2025;
/** Rounds of the fuzz loop: ~1.5 s in-process here; the budget is ~5 s on a 2-core CI machine. */
const FUZZ_ROUNDS = 10_000;
/** Every this many rounds (on average) an honest tap runs; every other honest tap is tampered. */
const HONEST_TAP_EVERY_ROUNDS = 40;
const COMMAND_DATA_BYTES_MAX = 70;
/** Oversize: past the 255-byte short-APDU data limit. */
const OVERSIZE_DATA_BYTES = 300;
/** Small enough that every expected honest tap finds money on the card (asserted below). */
const FARE = 100;
const NATIVE_CLA = 0x90;
const INS_CODES: readonly number[] = Object.values(Ins);

type Random = ReturnType<typeof seededRandom>;

function randomApdu(random: Random): Uint8Array {
  const pick = random.next();
  if (pick < 0.05) return random.bytes(random.int(5)); // truncated below a header
  const cla = pick < 0.75 ? NATIVE_CLA : [0x00, 0xff, 0x80, random.int(0x100)][random.int(4)] ?? 0;
  const ins = random.next() < 0.8 ? (INS_CODES[random.int(INS_CODES.length)] ?? 0) : random.int(0x100);
  const p1p2 = random.next() < 0.9 ? [0, 0] : [random.int(0x100), random.int(0x100)];
  const dataBytes = random.next() < 0.05 ? OVERSIZE_DATA_BYTES : random.int(COMMAND_DATA_BYTES_MAX);
  const data = random.bytes(dataBytes);
  const lc = random.next() < 0.8 ? dataBytes & 0xff : random.int(0x100);
  const tail = random.next() < 0.8 ? [0x00] : [];
  return Uint8Array.of(cla, ins, ...p1p2, ...(dataBytes === 0 && random.next() < 0.5 ? [] : [lc]), ...data, ...tail);
}

function mutate(random: Random, apdu: Uint8Array): Uint8Array {
  const copy = apdu.slice();
  switch (random.int(6)) {
    case 0: return copy.subarray(0, random.int(copy.length)); // truncated
    case 1: return Uint8Array.from([...copy, ...random.bytes(1 + random.int(8))]); // extended
    case 2: { copy[4] = random.int(0x100); return copy; } // wrong Lc
    case 3: { copy[0] = random.int(0x100); return copy; } // wrong CLA
    case 4: { copy[1] = Ins.AdditionalFrame; return copy; } // AF out of sequence
    default: return flipByte(random.int(copy.length))(copy);
  }
}

interface Stats { attackerApdus: number; honestTaps: number; tamperedTaps: number; statuses: Set<number> }

async function honestTap(victim: Victim, options: { tamperAt: number | undefined }): Promise<boolean> {
  victim.plain.remove();
  victim.plain.tap(); // a fresh presentation, as at a validator
  const client = await victim.session(2);
  if (options.tamperAt !== undefined) {
    const at = options.tamperAt;
    let sent = 0;
    victim.channel.rewriteCommands = (apdu) => (sent++ === at ? flipByte(5 + (at % 4))(apdu) : apdu);
  }
  try {
    const steps = [
      () => debit(client, { fileNo: VictimFile.purse, mode: 'mac', amount: FARE }),
      () => writeRecord(client, { fileNo: VictimFile.trips, mode: 'full', offsetBytes: 0, data: pattern(TRIP_BYTES, 0x70) }),
      () => commitTransaction(client, { returnTransactionMac: false }),
    ];
    for (const step of steps) if (!(await step()).ok) return false;
    return true;
  } finally {
    victim.channel.rewriteCommands = undefined;
  }
}

describe('fuzz: random, mutated and replayed APDUs between honest taps', () => {
  it(`${FUZZ_ROUNDS} seeded rounds: well-formed answers, no internal error, no change without the keys`, async () => {
    expect(FARE * (FUZZ_ROUNDS / HONEST_TAP_EVERY_ROUNDS)).toBeLessThan(PURSE_VALUE);
    const random = seededRandom(FUZZ_SEED);
    const victim = await personalisedVictim();
    const recorded = victim.channel.sent.slice();
    const stats: Stats = { attackerApdus: 0, honestTaps: 0, tamperedTaps: 0, statuses: new Set() };
    let expectedImage = victim.imageBytes();
    let expectedPurse = PURSE_VALUE;
    for (let round = 0; round < FUZZ_ROUNDS; round++) {
      if (random.int(HONEST_TAP_EVERY_ROUNDS) === 0) {
        const tampered = stats.honestTaps % 2 === 1;
        const committed = await honestTap(victim, { tamperAt: tampered ? random.int(3) : undefined });
        expect(committed, `round ${round}`).toBe(!tampered);
        stats.honestTaps++;
        if (tampered) stats.tamperedTaps++;
        else expectedPurse -= FARE;
        if (!tampered) expectedImage = victim.imageBytes();
        expect(equalBytes(victim.imageBytes(), expectedImage), `round ${round}: tampered tap changed the card`).toBe(true);
        recorded.push(...victim.channel.sent.splice(0));
        continue;
      }
      if (random.int(50) === 0) {
        victim.plain.remove();
        victim.plain.tap();
      }
      const source = random.next();
      const apdu = source < 0.5 ? randomApdu(random) : mutate(random, recorded[random.int(recorded.length)] ?? new Uint8Array(0));
      const replay = source > 0.9 ? recorded[random.int(recorded.length)] : undefined;
      const response = victim.card.process(replay ?? apdu);
      stats.attackerApdus++;
      stats.statuses.add(((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0));
      expect(malformation(response), `round ${round}`).toBeUndefined();
      expect(victim.internalErrors, `round ${round}`).toEqual([]);
      expect(equalBytes(victim.imageBytes(), expectedImage), `round ${round}: the card changed without the keys`).toBe(true);
    }
    // The card still works, with exactly the honest taps booked.
    victim.plain.remove();
    victim.plain.tap();
    expect(must(await getValue(await victim.session(1), { fileNo: VictimFile.purse, mode: 'mac' }), 'GetValue')).toBe(expectedPurse);
    expect(stats.honestTaps).toBeGreaterThan(FUZZ_ROUNDS / HONEST_TAP_EVERY_ROUNDS / 2);
    expect(stats.tamperedTaps).toBeGreaterThan(0);
    expect(stats.statuses.size).toBeGreaterThanOrEqual(10);
  });
});
