/**
 * The master key store: one JSON file of AES-256-GCM boxes under a key
 * derived from the operator passphrase (see kdf.ts, store-unlock.ts), an
 * audit log beside it, and a lock file while a writer has it open.
 *
 * Nothing public returns key bytes: listMasters gives metadata, mutations
 * give metadata; the SAM borrows masters through KEY_STORE_INTERNALS.
 * Mutations are serialised within the process and, across processes, by the
 * lock; each one bumps `revision`, rewrites the file atomically, then audits.
 */
import { zeroize } from '../bytes.js';
import { AUDIT_TEXT_PATTERN, type AuditEvent } from '../audit/audit-entry.js';
import { FileAuditLog, auditLogPathForStore } from '../audit/audit-log.js';
import { auditUidHashHex } from '../audit/uid-hash.js';
import { checkNewPassphrase, checkScryptCost, zeroizeStoreKeys, type KdfOptions, type StoreEnvironment, type StoreKeys } from './kdf.js';
import { KeyStoreError } from './key-store-error.js';
import { KEY_STORE_INTERNALS, type KeyStoreInternals, type LentMasterKey } from './key-store-internals.js';
import { checkApplication, checkKeyNo, checkKeyType, checkKeyVersion, checkMasterKeyMaterial, checkMasterKeyRef, FIRST_GENERATED_KEY_VERSION, generateMasterKey, KEY_VERSION_MAX, type MasterKeyType } from './master-key-slot.js';
import { nextVersionsOnRotate, retireInVersions, toMasterKeyInfo, type MasterKeyInfo } from './master-key-info.js';
import { signDocument, withoutMac, type StoreDocument, type StoreDocumentUnsigned, type StoredMaster } from './store-document.js';
import { checkSystemIdentifier, newStoreDocument, rekeyDocument } from './store-keying.js';
import { readStoreFile, storeFileExists, StoreLock, writeStoreFileAtomically } from './store-file.js';
import { lendMasterKey, parseStoreText, sealMasterEntry, unlockStore } from './store-unlock.js';

export type StoreAccess = 'read-write' | 'read-only';

/** Where a new master's bytes come from. Imported bytes are copied; the caller zeroes its own buffer. */
export type MasterKeyMaterial = { readonly source: 'generate' } | { readonly source: 'import'; readonly keyBytes: Uint8Array; readonly version: number };

export interface CreateKeyStoreOptions {
  readonly path: string;
  readonly passphrase: string;
  readonly kdf: KdfOptions;
  readonly environment: StoreEnvironment;
  /** Diversification system identifier (e.g. ASCII 'OneCard'), 1..21 bytes, fixed for the store's life. */
  readonly systemIdentifier: Uint8Array;
  readonly principal: string;
  readonly clockMs?: () => number;
}

export interface OpenKeyStoreOptions {
  readonly path: string;
  readonly passphrase: string;
  readonly access: StoreAccess;
  /** Needed to open a test store whose scrypt cost is below the production floor. */
  readonly weakKdfForTestingOnly?: true;
  readonly clockMs?: () => number;
}

interface OpenState {
  document: StoreDocument;
  keys: StoreKeys;
  readonly auditKey: Uint8Array;
  readonly audit: FileAuditLog;
  readonly lock: StoreLock | undefined;
}

function checkPrincipal(principal: string): string {
  if (!AUDIT_TEXT_PATTERN.test(principal)) throw new KeyStoreError('invalid_argument', 'principal must be 1..64 characters of A-Z a-z 0-9 . _ @ : + / -');
  return principal;
}

export class KeyStore {
  readonly path: string;
  readonly access: StoreAccess;
  readonly #clockMs: () => number;
  #state: OpenState | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: { path: string; access: StoreAccess; clockMs: () => number; state: OpenState }) {
    this.path = options.path;
    this.access = options.access;
    this.#clockMs = options.clockMs;
    this.#state = options.state;
  }

  /** Creates a store (refuses an existing file) and returns it open read-write. */
  static async create(options: CreateKeyStoreOptions): Promise<KeyStore> {
    const clockMs = options.clockMs ?? Date.now;
    const principal = checkPrincipal(options.principal);
    checkNewPassphrase(options.passphrase);
    const systemIdentifier = checkSystemIdentifier(options.systemIdentifier);
    const costLog2 = checkScryptCost({ scryptCostLog2: options.kdf.scryptCostLog2, environment: options.environment, weakKdfForTestingOnly: options.kdf.weakKdfForTestingOnly === true });
    const auditPath = auditLogPathForStore(options.path);
    const lock = StoreLock.acquire(options.path, { nowMs: clockMs() });
    try {
      if ((await storeFileExists(options.path)) || (await storeFileExists(auditPath))) {
        throw new KeyStoreError('store_exists', 'a key store (or its audit log) already exists at that path');
      }
      const { document, keys, auditKey } = await newStoreDocument({
        passphrase: options.passphrase,
        scryptCostLog2: costLog2,
        environment: options.environment,
        systemIdentifier,
        nowUtc: new Date(clockMs()).toISOString(),
      });
      try {
        await writeStoreFileAtomically(options.path, `${JSON.stringify(document, null, 2)}\n`);
        const audit = FileAuditLog.create({ path: auditPath, storeId: document.storeId, clockMs });
        audit.record({ principal, action: 'init', storeRevision: 0 });
        return new KeyStore({ path: options.path, access: 'read-write', clockMs, state: { document, keys, auditKey, audit, lock } });
      } catch (error: unknown) {
        zeroizeStoreKeys(keys);
        zeroize(auditKey);
        throw error;
      }
    } catch (error: unknown) {
      lock.release();
      throw error;
    }
  }

  /** Opens a store; 'read-write' takes the lock file, 'read-only' does not. */
  static async open(options: OpenKeyStoreOptions): Promise<KeyStore> {
    const clockMs = options.clockMs ?? Date.now;
    const lock = options.access === 'read-write' ? StoreLock.acquire(options.path, { nowMs: clockMs() }) : undefined;
    try {
      const document = parseStoreText(await readStoreFile(options.path));
      const unlocked = await unlockStore({ document, passphrase: options.passphrase, weakKdfForTestingOnly: options.weakKdfForTestingOnly === true });
      try {
        const audit = FileAuditLog.open({ path: auditLogPathForStore(options.path), clockMs });
        return new KeyStore({ path: options.path, access: options.access, clockMs, state: { ...unlocked, audit, lock } });
      } catch (error: unknown) {
        zeroizeStoreKeys(unlocked.keys);
        zeroize(unlocked.auditKey);
        throw error;
      }
    } catch (error: unknown) {
      lock?.release();
      throw error;
    }
  }

  get storeId(): string {
    return this.#open().document.storeId;
  }

  get environment(): StoreEnvironment {
    return this.#open().document.environment;
  }

  get revision(): number {
    return this.#open().document.revision;
  }

  get scryptCostLog2(): number {
    return this.#open().document.kdf.costLog2;
  }

  get systemIdentifierHex(): string {
    return this.#open().document.systemIdentifierHex;
  }

  get auditLogPath(): string {
    return this.#open().audit.path;
  }

  /** Metadata of every master: names, types, versions, statuses. Never key bytes. */
  listMasters(): MasterKeyInfo[] {
    return this.#open().document.masters.map(toMasterKeyInfo);
  }

  async addMaster(options: { application: string; keyNo: number; keyType: MasterKeyType; material: MasterKeyMaterial; principal: string }): Promise<MasterKeyInfo> {
    const application = checkApplication(options.application);
    const keyNo = checkKeyNo(options.keyNo);
    const keyType = checkKeyType(options.keyType);
    const principal = checkPrincipal(options.principal);
    return this.#mutate((state) => {
      if (this.#findMaster(state, { application, keyNo }) !== undefined) throw new KeyStoreError('key_exists', 'a master key already exists for that application and key number');
      const { keyBytes, version, origin } = this.#material(keyType, options.material, FIRST_GENERATED_KEY_VERSION);
      const nowUtc = new Date(this.#clockMs()).toISOString();
      try {
        const sealed = sealMasterEntry({ entryKey: state.keys.entryKey, storeId: state.document.storeId, application, keyNo, version, keyType, keyBytes });
        const master: StoredMaster = { application, keyNo, keyType, versions: [{ version, status: 'active', origin, createdUtc: nowUtc, statusChangedUtc: nowUtc, sealed }] };
        return { masters: [...state.document.masters, master], master, event: { principal, action: 'add', application, keyNo, version } };
      } finally {
        zeroize(keyBytes);
      }
    });
  }

  /** New version becomes active; the previous active becomes retiring and still derives for unmigrated cards. */
  async rotateMaster(options: { application: string; keyNo: number; material: MasterKeyMaterial; principal: string }): Promise<MasterKeyInfo> {
    const ref = checkMasterKeyRef(options);
    const principal = checkPrincipal(options.principal);
    return this.#mutate((state) => {
      const current = this.#requireMaster(state, ref);
      const nextGenerated = Math.max(...current.versions.map((entry) => entry.version)) + 1;
      if (options.material.source === 'generate' && nextGenerated > KEY_VERSION_MAX) throw new KeyStoreError('key_version_exhausted', 'no key version left');
      const { keyBytes, version, origin } = this.#material(current.keyType, options.material, nextGenerated);
      if (current.versions.some((entry) => entry.version === version)) {
        zeroize(keyBytes);
        throw new KeyStoreError('key_version_exists', 'that key version already exists');
      }
      const nowUtc = new Date(this.#clockMs()).toISOString();
      try {
        const sealed = sealMasterEntry({ entryKey: state.keys.entryKey, storeId: state.document.storeId, ...ref, version, keyType: current.keyType, keyBytes });
        const master: StoredMaster = { ...current, versions: nextVersionsOnRotate(current.versions, { version, origin, nowUtc, sealed }) };
        return { masters: state.document.masters.map((m) => (m === current ? master : m)), master, event: { principal, action: 'rotate', ...ref, version } };
      } finally {
        zeroize(keyBytes);
      }
    });
  }

  /** A retiring version becomes retired: its key material is destroyed and it no longer derives. Irreversible. */
  async retireVersion(options: { application: string; keyNo: number; version: number; principal: string }): Promise<MasterKeyInfo> {
    const ref = checkMasterKeyRef(options);
    const version = checkKeyVersion(options.version);
    const principal = checkPrincipal(options.principal);
    return this.#mutate((state) => {
      const current = this.#requireMaster(state, ref);
      const master: StoredMaster = { ...current, versions: retireInVersions(current.versions, { version, nowUtc: new Date(this.#clockMs()).toISOString() }) };
      return { masters: state.document.masters.map((m) => (m === current ? master : m)), master, event: { principal, action: 'retire', ...ref, version } };
    });
  }

  /** Re-encrypts every entry under a key from the new passphrase and a fresh salt. */
  async changePassphrase(options: { newPassphrase: string; kdf: KdfOptions; principal: string }): Promise<void> {
    const principal = checkPrincipal(options.principal);
    checkNewPassphrase(options.newPassphrase);
    await this.#serialised(async () => {
      const state = this.#writable();
      const costLog2 = checkScryptCost({ scryptCostLog2: options.kdf.scryptCostLog2, environment: state.document.environment, weakKdfForTestingOnly: options.kdf.weakKdfForTestingOnly === true });
      const { next, keys } = await rekeyDocument({ document: state.document, entryKey: state.keys.entryKey, auditKey: state.auditKey, newPassphrase: options.newPassphrase, scryptCostLog2: costLog2 });
      const oldKeys = state.keys;
      try {
        await this.#commit(state, { next, keys, event: { principal, action: 'change-passphrase' } });
      } catch (error: unknown) {
        zeroizeStoreKeys(keys);
        throw error;
      }
      zeroizeStoreKeys(oldKeys);
    });
  }

  /** Zeroes the keys held in memory and releases the lock. Idempotent. */
  close(): void {
    const state = this.#state;
    if (state === undefined) return;
    this.#state = undefined;
    zeroizeStoreKeys(state.keys);
    zeroize(state.auditKey);
    state.lock?.release();
  }

  /** For the SAM only (see key-store-internals.ts); not exported from the package. */
  [KEY_STORE_INTERNALS](): KeyStoreInternals {
    return {
      useMasterKey: <T>(request: { application: string; keyNo: number; version: number | 'active' }, use: (master: LentMasterKey) => T): T => {
        const state = this.#open();
        const master = this.#requireMaster(state, checkMasterKeyRef(request));
        return lendMasterKey({ entryKey: state.keys.entryKey, storeId: state.document.storeId, master, version: request.version }, use);
      },
      auditUidHashHex: (uid) => auditUidHashHex({ auditKey: this.#open().auditKey, uid }),
      recordAudit: (event) => {
        this.#open().audit.record(event);
      },
    };
  }

  #open(): OpenState {
    if (this.#state === undefined) throw new KeyStoreError('store_closed', 'key store is closed');
    return this.#state;
  }

  #writable(): OpenState {
    const state = this.#open();
    if (this.access !== 'read-write') throw new KeyStoreError('store_read_only', 'key store was opened read-only');
    return state;
  }

  #findMaster(state: OpenState, ref: { application: string; keyNo: number }): StoredMaster | undefined {
    return state.document.masters.find((m) => m.application === ref.application && m.keyNo === ref.keyNo);
  }

  #requireMaster(state: OpenState, ref: { application: string; keyNo: number }): StoredMaster {
    const master = this.#findMaster(state, ref);
    if (master === undefined) throw new KeyStoreError('unknown_key', 'no master key for that application and key number');
    return master;
  }

  #material(keyType: MasterKeyType, material: MasterKeyMaterial, generatedVersion: number): { keyBytes: Uint8Array; version: number; origin: 'generated' | 'imported' } {
    if (material.source === 'generate') return { keyBytes: generateMasterKey(keyType), version: generatedVersion, origin: 'generated' };
    const version = checkKeyVersion(material.version);
    const keyBytes = checkMasterKeyMaterial(keyType, material.keyBytes).slice();
    return { keyBytes, version, origin: 'imported' };
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #mutate(build: (state: OpenState) => { masters: StoredMaster[]; master: StoredMaster; event: AuditEvent }): Promise<MasterKeyInfo> {
    return this.#serialised(async () => {
      const state = this.#writable();
      const { masters, master, event } = build(state);
      await this.#commit(state, { next: { ...state.document, masters }, keys: state.keys, event });
      return toMasterKeyInfo(master);
    });
  }

  async #commit(state: OpenState, change: { next: StoreDocumentUnsigned | StoreDocument; keys: StoreKeys; event: AuditEvent }): Promise<void> {
    const document = signDocument(change.keys.metadataKey, { ...withoutMac(change.next), revision: state.document.revision + 1 });
    await writeStoreFileAtomically(this.path, `${JSON.stringify(document, null, 2)}\n`);
    state.document = document;
    state.keys = change.keys;
    state.audit.record({ ...change.event, storeRevision: document.revision });
  }
}
