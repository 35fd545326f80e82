/**
 * A synthetic city day for the benchmark: validators on routes, cards that
 * start with a top-up and then ride; per-card TMCs in commit order across
 * devices (so uploads from different buses interleave a card's history).
 */
import { GENESIS_HASH_HEX, sealEvent, signBatch, type JournalEvent } from '@onecard/card-os/profile';
import { ed25519KeyPairFromSeed, type Ed25519KeyPair } from '@onecard/keys';

export const BENCH_FARE_VND = 7000;
export const BENCH_TOPUP_VND = 200_000;
export const BENCH_OPERATOR_ID = 'hanoibus';
const DAY_START_MS = Date.UTC(2026, 11, 3, 23);
const DAY_LENGTH_MS = 17 * 3_600_000;

export interface BenchDevice {
  readonly deviceId: number;
  readonly keyPair: Ed25519KeyPair;
  readonly keyId: string;
  readonly events: JournalEvent[];
}

export interface BenchDay {
  readonly devices: BenchDevice[];
  readonly cardNumbers: string[];
  readonly eventCount: number;
}

export function cardNumberOf(index: number): string {
  return `9705${String(index).padStart(12, '0')}`;
}

/** `tapCount` taps over `deviceCount` validators and `cardCount` cards; each card's first event is a top-up. */
export function generateDay(input: { readonly deviceCount: number; readonly cardCount: number; readonly tapCount: number; readonly seed: number }): BenchDay {
  let state = input.seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const devices: BenchDevice[] = Array.from({ length: input.deviceCount }, (_, i) => {
    const seed = new Uint8Array(32);
    new DataView(seed.buffer).setUint32(0, i + 1);
    return { deviceId: 100_000 + i, keyPair: ed25519KeyPairFromSeed(seed), keyId: `bench-${100_000 + i}`, events: [] };
  });
  const cardNumbers = Array.from({ length: input.cardCount }, (_, i) => cardNumberOf(i + 1));
  const tmc = new Uint32Array(input.cardCount);
  const balance = new Int32Array(input.cardCount);
  for (let tap = 0; tap < input.tapCount; tap += 1) {
    const device = devices[Math.floor(random() * devices.length)] as BenchDevice;
    const card = Math.floor(random() * input.cardCount);
    const cardNumber = cardNumbers[card] as string;
    const at = new Date(DAY_START_MS + Math.floor((tap / input.tapCount) * DAY_LENGTH_MS)).toISOString();
    const prev = device.events[device.events.length - 1]?.hash ?? GENESIS_HASH_HEX;
    const seq = device.events.length + 1;
    const before = balance[card] ?? 0;
    tmc[card] = (tmc[card] ?? 0) + 1;
    const base = { v: 1 as const, deviceId: device.deviceId, seq, at, application: 'transit' as const, cardNumber, tmc: tmc[card] ?? 0, operatorId: BENCH_OPERATOR_ID };
    if (before < BENCH_FARE_VND) {
      device.events.push(sealEvent(prev, { ...base, kind: 'top-up', amountVnd: BENCH_TOPUP_VND, balanceBeforeVnd: before, balanceAfterVnd: before + BENCH_TOPUP_VND }));
      balance[card] = before + BENCH_TOPUP_VND;
    } else {
      device.events.push(sealEvent(prev, { ...base, kind: 'fare', amountVnd: BENCH_FARE_VND, balanceBeforeVnd: before, balanceAfterVnd: before - BENCH_FARE_VND, routeId: `R${device.deviceId % 150}`, stopId: `S${Math.floor(random() * 4000)}` }));
      balance[card] = before - BENCH_FARE_VND;
    }
  }
  return { devices, cardNumbers, eventCount: input.tapCount };
}

export interface SignedUpload {
  readonly deviceId: number;
  readonly bytes: Uint8Array;
  readonly eventCount: number;
}

/**
 * `device`: all of one validator's batches, then the next one's (worst case for inline posting: most taps
 * wait for a card's earlier TMC from a later validator). `time`: in the order the batches close (their last
 * tap's instant) — validators uploading through the day.
 */
export type UploadOrder = 'device' | 'time';

export function signUploads(day: BenchDay, eventCountPerBatch: number, order: UploadOrder = 'device'): SignedUpload[] {
  const uploads: (SignedUpload & { readonly closedAt: string })[] = [];
  for (const device of day.devices) {
    for (let from = 0, batchSeq = 1; from < device.events.length; from += eventCountPerBatch, batchSeq += 1) {
      const events = device.events.slice(from, from + eventCountPerBatch);
      uploads.push({ deviceId: device.deviceId, eventCount: events.length, closedAt: events[events.length - 1]?.at ?? '', bytes: signBatch({ deviceId: device.deviceId, batchSeq, createdAt: new Date(DAY_START_MS + DAY_LENGTH_MS), events, signer: { keyId: device.keyId, secretKey: device.keyPair.secretKey } }) });
    }
  }
  if (order === 'time') uploads.sort((a, b) => (a.closedAt < b.closedAt ? -1 : a.closedAt > b.closedAt ? 1 : a.deviceId - b.deviceId));
  return uploads.map(({ deviceId, eventCount, bytes }) => ({ deviceId, eventCount, bytes }));
}
