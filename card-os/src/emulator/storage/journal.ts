/**
 * Tearing-safe persistence of the card image: a redo journal.
 *
 * save(image):
 *   1. write the new image, framed, to the journal region   (k steps)
 *   2. write the same frame over the image region            (k steps)
 *   3. remove the journal                                    (1 step)
 * load():
 *   - a complete journal frame (magic, length and CRC check) is replayed
 *     into the image region, then removed: the change is applied;
 *   - a torn journal is removed: the change never happened;
 *   - then the image region is read.
 * A cut inside step 1 leaves the old image; a cut after step 1 leaves a
 * complete journal, so the next load finishes the change. Nothing in
 * between can be observed. Replay is idempotent, so a cut during recovery
 * is recovered the same way.
 */
import { concatBytes, crc32Desfire, readUintLe, uintLe } from '@onecard/keys';
import { decodeImage, encodeImage } from '../image/codec.js';
import type { CardImage } from '../image/types.js';
import type { StorageMedium } from './medium.js';

/** "OCI1": OneCard image, frame format 1. */
const FRAME_MAGIC = Uint8Array.of(0x4f, 0x43, 0x49, 0x31);
const FRAME_GENERATION_LENGTH_BYTES = 4;
const FRAME_PAYLOAD_LENGTH_BYTES = 4;
const FRAME_CRC_LENGTH_BYTES = 4;
const FRAME_HEADER_LENGTH_BYTES = FRAME_MAGIC.length + FRAME_GENERATION_LENGTH_BYTES + FRAME_PAYLOAD_LENGTH_BYTES;
const GENERATION_MAX = 0xffff_ffff;

export type LoadResult =
  | { kind: 'empty' }
  | { kind: 'loaded'; image: CardImage }
  | { kind: 'corrupt'; reason: string };

/** What the card needs from storage. */
export interface CardStore {
  load(): LoadResult;
  /** Makes `image` the stored image atomically. Throws StorageError when the medium fails. */
  save(image: CardImage): void;
}

interface Frame {
  generation: number;
  payload: Uint8Array;
}

function frameBytes(frame: Frame): Uint8Array {
  const body = concatBytes(
    FRAME_MAGIC,
    uintLe(frame.generation, FRAME_GENERATION_LENGTH_BYTES),
    uintLe(frame.payload.length, FRAME_PAYLOAD_LENGTH_BYTES),
    frame.payload,
  );
  return concatBytes(body, uintLe(crc32Desfire(body), FRAME_CRC_LENGTH_BYTES));
}

function parseFrame(bytes: Uint8Array): Frame | null {
  if (bytes.length < FRAME_HEADER_LENGTH_BYTES + FRAME_CRC_LENGTH_BYTES) return null;
  for (let i = 0; i < FRAME_MAGIC.length; i++) if (bytes[i] !== FRAME_MAGIC[i]) return null;
  const generation = readUintLe(bytes, FRAME_MAGIC.length, FRAME_GENERATION_LENGTH_BYTES);
  const payloadLengthBytes = readUintLe(bytes, FRAME_MAGIC.length + FRAME_GENERATION_LENGTH_BYTES, FRAME_PAYLOAD_LENGTH_BYTES);
  const bodyLengthBytes = FRAME_HEADER_LENGTH_BYTES + payloadLengthBytes;
  if (bytes.length !== bodyLengthBytes + FRAME_CRC_LENGTH_BYTES) return null;
  const body = bytes.subarray(0, bodyLengthBytes);
  if (crc32Desfire(body) !== readUintLe(bytes, bodyLengthBytes, FRAME_CRC_LENGTH_BYTES)) return null;
  return { generation, payload: bytes.slice(FRAME_HEADER_LENGTH_BYTES, bodyLengthBytes) };
}

export class JournaledCardStore implements CardStore {
  readonly #medium: StorageMedium;
  #generation = 0;

  constructor(medium: StorageMedium) {
    this.#medium = medium;
  }

  load(): LoadResult {
    const journal = this.#medium.read('journal');
    if (journal !== null) {
      const frame = parseFrame(journal);
      if (frame !== null) this.#medium.write('image', journal);
      this.#medium.remove('journal');
    }
    const stored = this.#medium.read('image');
    if (stored === null) return { kind: 'empty' };
    const frame = parseFrame(stored);
    if (frame === null) return { kind: 'corrupt', reason: 'image frame damaged' };
    this.#generation = frame.generation;
    const decoded = decodeImage(frame.payload);
    return decoded.ok ? { kind: 'loaded', image: decoded.image } : { kind: 'corrupt', reason: decoded.reason };
  }

  save(image: CardImage): void {
    const generation = this.#generation >= GENERATION_MAX ? 1 : this.#generation + 1;
    const bytes = frameBytes({ generation, payload: encodeImage(image) });
    this.#medium.write('journal', bytes);
    this.#medium.write('image', bytes);
    this.#medium.remove('journal');
    this.#generation = generation;
  }
}

/** A store that keeps nothing (a card whose state dies with the process). */
export class VolatileCardStore implements CardStore {
  load(): LoadResult {
    return { kind: 'empty' };
  }

  save(): void {
    // Nothing to persist: the card keeps its image in memory.
  }
}
