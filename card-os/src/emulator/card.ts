/**
 * DesfireCard: the emulated DESFire EV2 behind the `VirtualCard` interface.
 *
 *   90 INS 00 00 [Lc data] [Le]  → native command → data ‖ 91 status
 *   00 A4 …                      → ISO SELECT      → 90 00 / 6A 82 …
 *   FF CA 00 00 00               → UID ‖ 90 00 (what a PC/SC reader reports)
 *   anything else                → 6E 00 (CLA) / 6D 00 (INS) / 67 00 (length)
 *
 * Every card-state change goes through `persist`: the image is journaled
 * (storage/journal.ts) and only then becomes the card's image, so a power
 * cut leaves the card before or after the change. The card never throws on
 * card input; an internal error answers 6F 00, resets the session and is
 * reported to `onInternalError` (tests make it fail loudly).
 */
import { concatBytes, fromHex } from '@onecard/keys';
import { ISO_CLA, NATIVE_WRAP_CLA, isoResponse, nativeResponse, parseCommandApdu } from '../protocol/apdu.js';
import { IsoStatusWord } from '../protocol/status.js';
import { secureRandom, type RandomSource } from '../random.js';
import type { VirtualCard } from '../transport/types.js';
import { atrForAts } from './atr.js';
import type { CardContext } from './commands/types.js';
import { factoryImage, type FactoryOptions } from './image/factory.js';
import type { CardImage } from './image/types.js';
import { INS_GET_DATA, INS_SELECT, getDataUid, isoSelect } from './iso.js';
import { RANDOM_UID_LENGTH_BYTES, UID_LENGTH_BYTES, UID_MANUFACTURER_BYTE_NXP } from './limits.js';
import { processNative } from './processor.js';
import { Session } from './session/session.js';
import { StorageError } from './storage/medium.js';
import { VolatileCardStore, type CardStore } from './storage/journal.js';

/** ATR of a contactless ISO 14443-4 DESFire with its factory ATS, as PC/SC Part 3 builds it (pcsc_scan: "NXP DESFire"). */
export const DESFIRE_ATR = fromHex('3B8180018080');
/** PC/SC pseudo-APDUs (GET DATA) use CLA FF. */
export const PCSC_CLA = 0xff;
/** ISO/IEC 14443-3 §6.5.4: a random ID starts with 08. */
export const RANDOM_ID_FIRST_BYTE = 0x08;

export type { RandomSource };

export interface DesfireCardOptions {
  /** Where the image lives (default: nowhere; the card forgets everything with the process). */
  readonly store?: CardStore;
  /** The card a fresh store starts with (default: factory state, random NXP UID). */
  readonly factory?: Partial<FactoryOptions>;
  /** Randomness for RndB, TI and the random ID (inject fixed bytes for test vectors). */
  readonly random?: RandomSource;
  /** Called with an internal error (a bug) the card turned into 6F 00. */
  readonly onInternalError?: (error: unknown) => void;
}

/** The stored image could not be read back (damaged or foreign state file). */
export class CardStateError extends Error {
  override readonly name: string = 'CardStateError';
}


export class DesfireCard implements VirtualCard {
  readonly #store: CardStore;
  readonly #random: RandomSource;
  readonly #onInternalError: (error: unknown) => void;
  readonly #session = new Session();
  #image: CardImage;

  private constructor(options: { store: CardStore; image: CardImage; random: RandomSource; onInternalError: (error: unknown) => void }) {
    this.#store = options.store;
    this.#image = options.image;
    this.#random = options.random;
    this.#onInternalError = options.onInternalError;
  }

  /** Loads the card from its store, or creates a factory-fresh card (and stores it). */
  static open(options: DesfireCardOptions = {}): DesfireCard {
    const store = options.store ?? new VolatileCardStore();
    const random = options.random ?? secureRandom;
    const loaded = store.load();
    let image: CardImage;
    switch (loaded.kind) {
      case 'loaded':
        image = loaded.image;
        break;
      case 'corrupt':
        throw new CardStateError(`stored card image is unreadable: ${loaded.reason}`);
      case 'empty':
        image = factoryImage({ uid: options.factory?.uid ?? concatBytes(Uint8Array.of(UID_MANUFACTURER_BYTE_NXP), random(UID_LENGTH_BYTES - 1)), ...withoutUid(options.factory) });
        store.save(image);
        break;
    }
    return new DesfireCard({ store, image, random, onInternalError: options.onInternalError ?? (() => undefined) });
  }

  /**
   * The ATR for the ATS the card answers RATS with: the factory ATS, or the
   * user ATS of SetConfiguration option 02 (its historical bytes; atr.ts).
   * Read at every power-on by the vpcd bridge, so a new ATS shows from the
   * next activation on, as on a real card.
   */
  get atr(): Uint8Array {
    return atrForAts(this.#image.configuration.userAts);
  }

  /** A deep copy of the committed image (tools and tests). */
  get image(): CardImage {
    return structuredClone(this.#image);
  }

  powerOn(): void {
    this.#session.reset();
    this.#session.randomId = this.#image.configuration.randomUidEnabled
      ? concatBytes(Uint8Array.of(RANDOM_ID_FIRST_BYTE), this.#random(RANDOM_UID_LENGTH_BYTES - 1))
      : null;
  }

  powerOff(): void {
    this.#session.reset();
  }

  reset(): void {
    this.powerOff();
    this.powerOn();
  }

  process(commandApdu: Uint8Array): Uint8Array {
    try {
      return this.#process(commandApdu);
    } catch (error: unknown) {
      this.#session.reset();
      this.#onInternalError(error);
      return isoResponse(new Uint8Array(0), IsoStatusWord.NO_PRECISE_DIAGNOSIS);
    }
  }

  #process(commandApdu: Uint8Array): Uint8Array {
    if (!(commandApdu instanceof Uint8Array)) return isoResponse(new Uint8Array(0), IsoStatusWord.WRONG_LENGTH);
    const parsed = parseCommandApdu(commandApdu);
    if (!parsed.ok) return isoResponse(new Uint8Array(0), IsoStatusWord.WRONG_LENGTH);
    const { cla, ins, p1, p2, data } = parsed.value;
    switch (cla) {
      case NATIVE_WRAP_CLA: {
        if (p1 !== 0 || p2 !== 0) return isoResponse(new Uint8Array(0), IsoStatusWord.INCORRECT_P1_P2);
        const answer = processNative(this.#context(), ins, data);
        return nativeResponse(answer.data, answer.status);
      }
      case ISO_CLA: {
        if (ins !== INS_SELECT) return isoResponse(new Uint8Array(0), IsoStatusWord.INS_NOT_SUPPORTED);
        const answer = isoSelect({ image: this.#image, session: this.#session, p1, p2, data });
        return isoResponse(answer.data, answer.statusWord);
      }
      case PCSC_CLA: {
        if (ins !== INS_GET_DATA) return isoResponse(new Uint8Array(0), IsoStatusWord.INS_NOT_SUPPORTED);
        const answer = getDataUid({ image: this.#image, session: this.#session, p1, p2 });
        return isoResponse(answer.data, answer.statusWord);
      }
      default:
        return isoResponse(new Uint8Array(0), IsoStatusWord.CLA_NOT_SUPPORTED);
    }
  }

  #context(): CardContext {
    const currentImage = (): CardImage => this.#image;
    return {
      get image() {
        return currentImage();
      },
      session: this.#session,
      persist: (next) => this.#persist(next),
      random: (lengthBytes) => this.#random(lengthBytes),
    };
  }

  #persist(next: CardImage): boolean {
    const copy = structuredClone(next);
    try {
      this.#store.save(copy);
    } catch (error: unknown) {
      if (error instanceof StorageError) return false;
      throw error;
    }
    this.#image = copy;
    return true;
  }
}

function withoutUid(factory: Partial<FactoryOptions> | undefined): Omit<FactoryOptions, 'uid'> {
  if (factory === undefined) return {};
  const rest: Partial<FactoryOptions> = { ...factory };
  delete rest.uid;
  return rest;
}
