/**
 * A device's journal as a validator keeps it: hash-chained events and signed
 * batches (the real card-os contract), for tests and the benchmark.
 */
import { GENESIS_HASH_HEX, sealEvent, signBatch, type JournalEvent, type JournalEventBody } from '@onecard/card-os/profile';
import { generateEd25519KeyPair, type Ed25519KeyPair } from '@onecard/keys';

export type EventInput = Omit<JournalEventBody, 'v' | 'deviceId' | 'seq'>;

export class DeviceJournal {
  readonly deviceId: number;
  readonly keyPair: Ed25519KeyPair;
  readonly keyId: string;
  readonly events: JournalEvent[] = [];
  #nextBatchSeq = 1;

  constructor(input: { readonly deviceId: number; readonly keyPair?: Ed25519KeyPair }) {
    this.deviceId = input.deviceId;
    this.keyPair = input.keyPair ?? generateEd25519KeyPair();
    this.keyId = `device-${input.deviceId}`;
  }

  append(input: EventInput): JournalEvent {
    const previous = this.events[this.events.length - 1];
    const event = sealEvent(previous?.hash ?? GENESIS_HASH_HEX, { v: 1, deviceId: this.deviceId, seq: this.events.length + 1, ...input });
    this.events.push(event);
    return event;
  }

  /** Signs events [fromSeq, toSeq] as the next batch (or as `batchSeq`). */
  batch(input: { readonly fromSeq: number; readonly toSeq: number; readonly batchSeq?: number }): { readonly batchSeq: number; readonly bytes: Uint8Array } {
    const batchSeq = input.batchSeq ?? this.#nextBatchSeq;
    this.#nextBatchSeq = Math.max(this.#nextBatchSeq, batchSeq + 1);
    const events = this.events.slice(input.fromSeq - 1, input.toSeq);
    return { batchSeq, bytes: signBatch({ deviceId: this.deviceId, batchSeq, createdAt: new Date(Date.UTC(2026, 11, 4, 12)), events, signer: { keyId: this.keyId, secretKey: this.keyPair.secretKey } }) };
  }

  /** Cuts all events into batches of `eventCountPerBatch`. */
  batches(eventCountPerBatch: number): { readonly batchSeq: number; readonly bytes: Uint8Array }[] {
    const out: { batchSeq: number; bytes: Uint8Array }[] = [];
    for (let from = 1; from <= this.events.length; from += eventCountPerBatch) {
      out.push(this.batch({ fromSeq: from, toSeq: Math.min(this.events.length, from + eventCountPerBatch - 1) }));
    }
    return out;
  }
}
