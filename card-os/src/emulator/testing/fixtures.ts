/**
 * Shared fixtures for the emulator's tests: a card with deterministic
 * randomness whose internal errors fail the test, and a reader on it.
 */
import { fromHex, uintLe } from '@onecard/keys';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { DesfireCard, type DesfireCardOptions } from '../card.js';
import { TestReader, type Answer } from './reader.js';

export const TEST_UID = fromHex('04112233445566');
export const ZERO_DES_KEY = new Uint8Array(8);
export const ZERO_AES_KEY = new Uint8Array(16);
export const RND_A_8 = fromHex('0102030405060708');
export const RND_A_16 = fromHex('00112233445566778899aabbccddeeff');

/** Deterministic "random" bytes: a counter, so runs and vectors repeat. */
export function counterRandom(seed = 1): (lengthBytes: number) => Uint8Array {
  let next = seed;
  return (lengthBytes) => {
    const out = new Uint8Array(lengthBytes);
    for (let i = 0; i < lengthBytes; i++) {
      out[i] = next & 0xff;
      next = (next * 73 + 41) % 65_521;
    }
    return out;
  };
}

export interface TestCard {
  readonly card: DesfireCard;
  readonly reader: TestReader;
  readonly internalErrors: unknown[];
}

export function newTestCard(options: Omit<DesfireCardOptions, 'onInternalError' | 'random'> = {}): TestCard {
  const internalErrors: unknown[] = [];
  const card = DesfireCard.open({
    ...options,
    factory: { uid: TEST_UID, ...options.factory },
    random: counterRandom(),
    onInternalError: (error) => internalErrors.push(error),
  });
  card.powerOn();
  return { card, reader: new TestReader(card), internalErrors };
}

export function hex(text: string): Uint8Array {
  return fromHex(text);
}

export function aid(value: number): Uint8Array {
  return uintLe(value, 3);
}

/** Authenticates at the current level with the factory DES zero key (legacy 0x0A). */
export function authDefaultPicc(reader: TestReader): Answer {
  return reader.authenticateEv1({ method: 'legacy', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des', rndA: RND_A_8 });
}

export function select(reader: TestReader, value: number): Answer {
  reader.session = null;
  return reader.frame(Ins.SelectApplication, aid(value));
}

/** Creates an AES application with `keyCount` keys and free create/delete + directory list (key settings 0x0F). */
export function createAesApp(reader: TestReader, options: { aid: number; keyCount: number; keySettings?: number }): Answer {
  return reader.send(Ins.CreateApplication, { data: Uint8Array.of(...aid(options.aid), options.keySettings ?? 0x0f, 0x80 | options.keyCount) });
}

export const OK = DesfireStatus.OPERATION_OK;
