/**
 * The SAM service: derives per-card keys (AN10922) from masters it never
 * hands out. Built from the back-office KeyStore (every derivation audited to
 * disk) or from a device's DeviceKeyBundle (derivations counted in memory).
 *
 * Public surface: deriveCardKey, verifyLoginResponse, and metadata. No
 * method returns a master key; sam.test.ts checks that deeply.
 */
import { setDesKeyVersion } from '../des-key.js';
import { diversifyAes128, diversifyTdea } from '../an10922.js';
import { toHex, zeroize } from '../bytes.js';
import { AUDIT_TEXT_PATTERN } from '../audit/audit-entry.js';
import type { KeyStore } from '../store/key-store.js';
import type { LentMasterKey } from '../store/key-store-internals.js';
import { checkApplication, checkKeyNo, checkKeyVersion, type MasterKeyType } from '../store/master-key-slot.js';
import { checkApplicationAids, type ApplicationAids } from './application-aids.js';
import { BundleMasterSource } from './bundle-master-source.js';
import { buildDiversificationInput, checkCardUid } from './diversification-input.js';
import { checkLoginChallenge, loginResponseMatches } from './login.js';
import type { DerivationRecord, MasterSource, SamKeyInfo, SamSourceKind } from './master-source.js';
import { SamError } from './sam-error.js';
import { StoreMasterSource } from './store-master-source.js';

export interface DeriveCardKeyRequest {
  readonly application: string;
  readonly keyNo: number;
  readonly uid: Uint8Array;
  /**
   * Required, no default: the version the card reports (GetKeyVersion) when
   * authenticating an existing card, or 'active' when personalising or
   * migrating a card to the current key. 'active' can never select a retired
   * or weaker key; it is the newest.
   */
  readonly version: number | 'active';
  /** Who asks (operator, service or device id) and why; both go to the audit record. */
  readonly principal: string;
  readonly purpose: string;
}

export interface DerivedCardKey {
  /** The diversified card key; the caller zeroes it after use. TDEA keys carry `version` in their parity bits. */
  readonly key: Uint8Array;
  readonly keyType: MasterKeyType;
  readonly version: number;
}

export interface VerifyLoginRequest {
  readonly loginKey: { readonly application: string; readonly keyNo: number };
  readonly uid: Uint8Array;
  readonly version: number | 'active';
  readonly challenge: Uint8Array;
  readonly response: Uint8Array;
  readonly principal: string;
}

export type LoginVerification = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly reason: 'response_mismatch' };

const LOGIN_PURPOSE = 'workstation-login';

function checkAuditText(field: string, value: unknown): string {
  if (typeof value !== 'string' || !AUDIT_TEXT_PATTERN.test(value)) throw new SamError('invalid_argument', `${field} must be 1..64 characters of A-Z a-z 0-9 . _ @ : + / -`);
  return value;
}

function diversify(master: LentMasterKey, diversificationInput: Uint8Array): Uint8Array {
  if (master.keyType === 'aes128') return diversifyAes128({ masterKey: master.keyBytes, diversificationInput });
  const raw = diversifyTdea({ masterKey: master.keyBytes, diversificationInput });
  const versioned = setDesKeyVersion(raw, master.version);
  zeroize(raw);
  return versioned;
}

export class Sam {
  readonly #source: MasterSource;
  #closed = false;

  private constructor(source: MasterSource) {
    this.#source = source;
  }

  /** Back office: masters stay in the store (which the caller keeps open and closes). */
  static fromStore(options: { store: KeyStore; applicationAids: ApplicationAids }): Sam {
    return new Sam(new StoreMasterSource({ store: options.store, applicationAids: checkApplicationAids(options.applicationAids) }));
  }

  /** Device: `bundle` is the unsealed DeviceKeyBundle plaintext; it is zeroed here. */
  static fromBundle(options: { bundle: Uint8Array }): Sam {
    return new Sam(new BundleMasterSource(options.bundle));
  }

  get source(): SamSourceKind {
    return this.#source.kind;
  }

  get systemIdentifierHex(): string {
    return toHex(this.#source.systemIdentifier());
  }

  listKeys(): SamKeyInfo[] {
    return this.#source.listKeys();
  }

  derivationCount(): number {
    return this.#source.derivationCount();
  }

  /** Derives, audits (durably for a store, counted for a bundle), then returns the card key. */
  deriveCardKey(request: DeriveCardKeyRequest): DerivedCardKey {
    const { derived, record } = this.#derive(request);
    try {
      this.#source.recordDerivation({ ...record, action: 'derive' });
    } catch (error: unknown) {
      zeroize(derived.key);
      throw error;
    }
    return derived;
  }

  /** Checks a card's login answer without exposing the login key or its master; audits the outcome. */
  verifyLoginResponse(request: VerifyLoginRequest): LoginVerification {
    const challenge = checkLoginChallenge(request.challenge);
    const { derived, record } = this.#derive({
      application: request.loginKey.application,
      keyNo: request.loginKey.keyNo,
      uid: request.uid,
      version: request.version,
      principal: request.principal,
      purpose: LOGIN_PURPOSE,
    });
    let matches: boolean;
    try {
      if (derived.keyType !== 'aes128') throw new SamError('invalid_argument', 'the login key must be an AES-128 key');
      matches = loginResponseMatches({ cardKey: derived.key, challenge, response: request.response });
    } finally {
      zeroize(derived.key);
    }
    this.#source.recordDerivation({ ...record, action: 'verify-login', outcome: matches ? 'ok' : 'refused' });
    return matches ? { ok: true, version: derived.version } : { ok: false, reason: 'response_mismatch' };
  }

  /** Zeroes what the SAM holds (bundle masters). A store-backed SAM leaves the store to its owner. */
  close(): void {
    this.#closed = true;
    this.#source.close();
  }

  #derive(request: DeriveCardKeyRequest): { derived: DerivedCardKey; record: Omit<DerivationRecord, 'action'> } {
    if (this.#closed) throw new SamError('sam_closed', 'SAM is closed');
    const application = checkApplication(request.application);
    const keyNo = checkKeyNo(request.keyNo);
    const uid = checkCardUid(request.uid);
    const version = request.version === 'active' ? 'active' : checkKeyVersion(request.version);
    const principal = checkAuditText('principal', request.principal);
    const purpose = checkAuditText('purpose', request.purpose);
    const aid = this.#source.aidOf(application);
    if (aid === undefined) throw new SamError('unknown_application', 'no AID registered for that application');
    const systemIdentifier = this.#source.systemIdentifier();
    const derived = this.#source.useMaster({ application, keyNo, version }, (master) => {
      const diversificationInput = buildDiversificationInput({ uid, aid, systemIdentifier, keyType: master.keyType });
      const key = diversify(master, diversificationInput);
      zeroize(diversificationInput);
      return { key, keyType: master.keyType, version: master.version };
    });
    return { derived, record: { principal, purpose, application, keyNo, version: derived.version, uid } };
  }
}
