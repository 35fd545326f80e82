/**
 * One card in front of one terminal: selects profile applications and
 * authenticates with the terminal's diversified keys (EV2, AES: AN12343),
 * tracking what is selected so that a second key in the same application
 * costs only an AuthenticateEV2NonFirst. Readers and the personaliser both
 * work through it.
 */
import type { DesfireClient } from '../host/client.js';
import { getVersion, selectApplication } from '../host/picc.js';
import { getKeyVersion } from '../host/key-commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { PICC_AID, PROFILE_AIDS, type ProfileApplication, type ProfileKeyRef } from './layout/applications.js';
import { AES_KEY_LENGTH_BYTES, CardKeyRing, type ProfileKeySource } from './keys/key-source.js';
import { cardRefused, ok, type ProfileResult } from './result.js';

/** Key version of a key slot still holding the card's default key (factory: all-zero AES). */
export const DEFAULT_KEY_VERSION = 0;
/** The key of a slot at version 0: all zero (factory default key, MF2DLHX0 §8.2.2). A fresh copy each time. */
export function defaultAesKey(): Uint8Array {
  return new Uint8Array(AES_KEY_LENGTH_BYTES);
}

/** What the session is authenticated as. */
interface AuthState {
  readonly aid: number;
  readonly keyNo: number;
}

export class ProfileSession {
  readonly client: DesfireClient;
  readonly keys: CardKeyRing;
  #selectedAid: number | undefined;
  #auth: AuthState | undefined;

  private constructor(client: DesfireClient, keys: CardKeyRing) {
    this.client = client;
    this.keys = keys;
  }

  /**
   * Selects the PICC level (ending whatever session the card had) and reads
   * the UID with GetVersion, plain: the profile keeps random ID off (PROFILE.md §3).
   */
  static async open(client: DesfireClient, source: ProfileKeySource): Promise<ProfileResult<ProfileSession>> {
    const selected = await selectApplication(client, PICC_AID);
    if (!selected.ok) return cardRefused(selected);
    const version = await getVersion(client);
    if (!version.ok) return cardRefused(version);
    const session = new ProfileSession(client, new CardKeyRing(source, version.value.uid));
    session.#selectedAid = PICC_AID;
    return ok(session);
  }

  /**
   * A session for a card whose UID the reader already reported (PC/SC GET
   * DATA is answered by the reader from anticollision, no card APDU): what a
   * validator does in a tap, saving SelectApplication(PICC) and GetVersion.
   */
  static withUid(client: DesfireClient, source: ProfileKeySource, uid: Uint8Array): ProfileSession {
    return new ProfileSession(client, new CardKeyRing(source, uid));
  }

  get uid(): Uint8Array {
    return this.keys.uid;
  }

  /** Authenticated in `application` with `keyNo`, with a live session. */
  isAuthenticated(aid: number, keyNo: number): boolean {
    return this.client.session !== undefined && this.#auth?.aid === aid && this.#auth.keyNo === keyNo && this.#selectedAid === aid;
  }

  /** Selects an application (or the PICC level, PICC_AID); a no-op when already selected and not needed afresh. */
  async select(aid: number, application: string): Promise<ProfileResult<void>> {
    if (this.#selectedAid === aid) return ok(undefined);
    this.#auth = undefined;
    this.#selectedAid = undefined;
    const selected = await selectApplication(this.client, aid);
    if (!selected.ok) {
      if (selected.status === DesfireStatus.APPLICATION_NOT_FOUND) return { ok: false, code: 'application_absent', application };
      return cardRefused(selected);
    }
    this.#selectedAid = aid;
    return ok(undefined);
  }

  /** Forgets what is selected (after a command that changes it on the card, e.g. DeleteApplication). */
  forgetSelection(): void {
    this.#selectedAid = undefined;
    this.#auth = undefined;
    this.client.endSession();
  }

  /** Current key version of a slot at the selected level (GetKeyVersion, free). */
  async keyVersion(keyNo: number): Promise<ProfileResult<number>> {
    const version = await getKeyVersion(this.client, keyNo);
    return version.ok ? ok(version.value) : cardRefused(version);
  }

  /**
   * Selects `application` and authenticates with its key `keyNo`, derived
   * for the version the card reports. `defaultKeyAllowed` (personalisation
   * only) accepts a slot still at the default key.
   */
  async authenticate(application: ProfileApplication, keyNo: number, options: { defaultKeyAllowed: boolean }): Promise<ProfileResult<void>> {
    const aid = PROFILE_AIDS[application];
    return this.authenticateAt({ aid, ref: { application, keyNo }, defaultKeyAllowed: options.defaultKeyAllowed });
  }

  /**
   * Authenticates with the first of `keyNos` this terminal holds (least
   * privilege first); `key_not_held` when it holds none. Answers the key used.
   */
  async authenticateFirstHeld(application: ProfileApplication, keyNos: readonly number[]): Promise<ProfileResult<number>> {
    for (const keyNo of keyNos) {
      const auth = await this.authenticate(application, keyNo, { defaultKeyAllowed: false });
      if (auth.ok) return ok(keyNo);
      if (auth.code !== 'key_not_held') return auth;
    }
    return { ok: false, code: 'key_not_held', application, keyNo: keyNos[0] ?? 0 };
  }

  /** As authenticate, for any level (the PICC level included). */
  async authenticateAt(options: { aid: number; ref: ProfileKeyRef; defaultKeyAllowed: boolean }): Promise<ProfileResult<void>> {
    const { aid, ref } = options;
    if (this.isAuthenticated(aid, ref.keyNo)) return ok(undefined);
    const selected = await this.select(aid, ref.application);
    if (!selected.ok) return selected;
    const version = await this.keyVersion(ref.keyNo);
    if (!version.ok) return version;
    let key: Uint8Array;
    if (version.value === DEFAULT_KEY_VERSION && options.defaultKeyAllowed && aid !== PICC_AID) {
      key = defaultAesKey();
    } else {
      const held = this.keys.key(ref, version.value);
      if (held === undefined) return { ok: false, code: 'key_not_held', application: ref.application, keyNo: ref.keyNo };
      key = held.key;
    }
    return this.authenticateWith({ aid, keyNo: ref.keyNo, key });
  }

  /** EV2 authentication with a given key at the selected level (EV2 NonFirst when a session is open). */
  async authenticateWith(options: { aid: number; keyNo: number; key: Uint8Array }): Promise<ProfileResult<void>> {
    const method = this.client.session === undefined ? 'ev2-first' : 'ev2-non-first';
    this.#auth = undefined;
    const auth = await this.client.authenticate({ method, keyNo: options.keyNo, key: options.key, keyType: 'aes128' });
    if (!auth.ok) return cardRefused(auth);
    this.#auth = { aid: options.aid, keyNo: options.keyNo };
    return ok(undefined);
  }

  /** Records an authentication made outside the session helper (legacy PICC keys during personalisation). */
  noteAuthenticated(aid: number, keyNo: number): void {
    this.#selectedAid = aid;
    this.#auth = { aid, keyNo };
  }

  close(): void {
    this.keys.close();
    this.client.endSession();
  }
}
