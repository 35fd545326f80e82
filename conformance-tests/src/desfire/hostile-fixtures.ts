/**
 * Tools for the hostile-input tests: a seeded PRNG, a channel that records
 * and can tamper with APDUs in either direction, the well-formedness rule for
 * card answers, and a personalised card whose every key is secret to the
 * attacker (PICC master key changed, no free create/delete).
 */
import {
  DesfireClient,
  DesfireStatus,
  type InProcessChannel,
  IsoStatusWord,
  NATIVE_SW1,
  changeKey,
  changeKeySettings,
  commitTransaction,
  credit,
  encodeImage,
  isDesfireStatus,
  isSuccessStatus,
  isoStatusName,
  selectApplication,
  writeData,
  writeRecord,
  type CardChannel,
  type DesfireCard,
} from '@onecard/card-os';
import { fromHex } from '@onecard/keys';
import { APP_SETTINGS, EV2_AES, authenticate, authenticatePicc, createAndSelectApp, createDataFile, createRecordFile, createValueFile, key, must, pattern, rights } from './fixtures.js';
import { openInProcessCard } from './target-in-process.js';

/** mulberry32: a small, well-known 32-bit seeded PRNG (reproducible fuzz runs). */
export function seededRandom(seed: number): { next: () => number; int: (maxExclusive: number) => number; bytes: (lengthBytes: number) => Uint8Array } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return { next, int, bytes: (lengthBytes) => Uint8Array.from({ length: lengthBytes }, () => int(0x100)) };
}

/**
 * Records every command APDU; `tamperCommand`/`tamperResponse` rewrite the
 * next one (then reset); `rewriteCommands` rewrites every one until cleared.
 */
export class TamperChannel implements CardChannel {
  readonly #inner: CardChannel;
  readonly sent: Uint8Array[] = [];
  tamperCommand: ((apdu: Uint8Array) => Uint8Array) | undefined;
  tamperResponse: ((apdu: Uint8Array) => Uint8Array) | undefined;
  rewriteCommands: ((apdu: Uint8Array) => Uint8Array) | undefined;

  constructor(inner: CardChannel) {
    this.#inner = inner;
  }

  async transmit(commandApdu: Uint8Array): Promise<Uint8Array> {
    const tamper = this.tamperCommand ?? this.rewriteCommands;
    this.tamperCommand = undefined;
    const apdu = tamper === undefined ? commandApdu : tamper(commandApdu.slice());
    this.sent.push(apdu.slice());
    const response = await this.#inner.transmit(apdu);
    const tamperResponse = this.tamperResponse;
    this.tamperResponse = undefined;
    return tamperResponse === undefined ? response : tamperResponse(response.slice());
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Flips one bit of byte `index` (counted from the end when negative). */
export function flipByte(index: number): (apdu: Uint8Array) => Uint8Array {
  return (apdu) => {
    const at = index < 0 ? apdu.length + index : index;
    apdu[at] = (apdu[at] ?? 0) ^ 0x01;
    return apdu;
  };
}

/**
 * A well-formed card answer: at least SW1 SW2; a native answer (SW1 91)
 * carries a defined DESFire status and data only with a success or AF
 * status; an ISO answer is a defined status word, with data only on 90 00.
 * Returns a reason when malformed.
 */
export function malformation(response: Uint8Array): string | undefined {
  if (response.length < 2) return 'shorter than a status word';
  const sw1 = response[response.length - 2] ?? 0;
  const sw2 = response[response.length - 1] ?? 0;
  const dataBytes = response.length - 2;
  if (sw1 === NATIVE_SW1) {
    if (!isDesfireStatus(sw2)) return `undefined DESFire status ${sw2}`;
    if (dataBytes > 0 && !isSuccessStatus(sw2) && sw2 !== DesfireStatus.ADDITIONAL_FRAME) return 'data with an error status';
    return undefined;
  }
  const statusWord = (sw1 << 8) | sw2;
  if (isoStatusName(statusWord) === 'unknown_status_word') return `undefined status word ${statusWord}`;
  if (dataBytes > 0 && statusWord !== IsoStatusWord.OK) return 'data with an ISO error';
  return undefined;
}

export const VICTIM_AID = 0x00bad0;
export const SECRET_PICC_KEY = fromHex('5a5b5c5d5e5f60616263646566676869');
export const SECRET_KEYS = [fromHex('000102030405060708090a0b0c0d0e0f'), fromHex('101112131415161718191a1b1c1d1e1f'), fromHex('202122232425262728292a2b2c2d2e2f')] as const;
export const VictimFile = { profile: 1, state: 2, purse: 3, trips: 4 } as const;
export const PURSE_VALUE = 50_000;
export const PROFILE_BYTES = 48;
export const STATE_BYTES = 32;
export const TRIP_BYTES = 16;

export interface Victim {
  readonly card: DesfireCard;
  readonly plain: InProcessChannel;
  readonly channel: TamperChannel;
  readonly client: DesfireClient;
  readonly internalErrors: unknown[];
  /** The committed card image, encoded (compare with `imageBytes`). */
  imageBytes(): Uint8Array;
  /** An EV2 session on the victim application with key `keyNo` (0 master, 1 read, 2 read&write). */
  session(keyNo: 0 | 1 | 2): Promise<DesfireClient>;
}

/**
 * A card as a transit operator leaves it: AES PICC master key, PICC settings
 * without free create/delete or directory, one application with secret AES
 * keys: profile (full), tap state (backup, MAC), purse (value, MAC), trips
 * (cyclic, full). Read key 1, Read&Write key 2, change key 0.
 */
export async function personalisedVictim(): Promise<Victim> {
  const internalErrors: unknown[] = [];
  const { card, channel: plain } = openInProcessCard({ onInternalError: (error) => internalErrors.push(error) });
  const channel = new TamperChannel(plain);
  const client = new DesfireClient(channel);
  await authenticatePicc(client);
  await createAndSelectApp(client, { aid: VICTIM_AID, keyType: 'aes128', keyCount: 3 });
  await authenticate(client, EV2_AES, { keyNo: 0 });
  const access = rights(key(1), key(2), key(2), key(0));
  must(await createDataFile(client, { fileNo: VictimFile.profile, backup: false, mode: 'full', sizeBytes: PROFILE_BYTES, access }), 'profile');
  must(await createDataFile(client, { fileNo: VictimFile.state, backup: true, mode: 'mac', sizeBytes: STATE_BYTES, access }), 'state');
  must(await createValueFile(client, { fileNo: VictimFile.purse, mode: 'mac', lowerLimit: 0, upperLimit: 2_000_000, value: 0, limitedCredit: true, access }), 'purse');
  must(await createRecordFile(client, { fileNo: VictimFile.trips, cyclic: true, mode: 'full', recordSizeBytes: TRIP_BYTES, recordCountMax: 5, access }), 'trips');
  for (const keyNo of [1, 2] as const) {
    must(await changeKey(client, { keyNo, newKey: SECRET_KEYS[keyNo], newKeyType: 'aes128', newKeyVersion: 1, oldKey: new Uint8Array(16), piccLevel: false }), 'ChangeKey');
  }
  must(await changeKey(client, { keyNo: 0, newKey: SECRET_KEYS[0], newKeyType: 'aes128', newKeyVersion: 1, piccLevel: false }), 'ChangeKey 0');
  const session = async (keyNo: 0 | 1 | 2): Promise<DesfireClient> => {
    must(await selectApplication(client, VICTIM_AID), 'select');
    await authenticate(client, EV2_AES, { keyNo, key: SECRET_KEYS[keyNo] });
    return client;
  };
  await session(2);
  must(await writeData(client, { fileNo: VictimFile.profile, mode: 'full', offsetBytes: 0, data: pattern(PROFILE_BYTES, 0x11) }), 'profile data');
  must(await writeData(client, { fileNo: VictimFile.state, mode: 'mac', offsetBytes: 0, data: pattern(STATE_BYTES, 0x22) }), 'state data');
  must(await credit(client, { fileNo: VictimFile.purse, mode: 'mac', amount: PURSE_VALUE }), 'credit');
  must(await writeRecord(client, { fileNo: VictimFile.trips, mode: 'full', offsetBytes: 0, data: pattern(TRIP_BYTES, 0x33) }), 'trip');
  must(await commitTransaction(client, { returnTransactionMac: false }), 'commit');
  await authenticatePicc(client);
  must(await changeKeySettings(client, { ...APP_SETTINGS, freeDirectoryList: false, configurationChangeable: false }), 'PICC key settings');
  await authenticatePicc(client);
  must(await changeKey(client, { keyNo: 0, newKey: SECRET_PICC_KEY, newKeyType: 'aes128', newKeyVersion: 1, piccLevel: true }), 'PICC master key');
  return { card, plain, channel, client, internalErrors, imageBytes: () => encodeImage(card.image), session };
}
