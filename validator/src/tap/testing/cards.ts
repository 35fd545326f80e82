/**
 * Test and bench fixtures: a test key store with every profile master, cards
 * personalised in-process with the profile's own plan, device keys exported
 * for a role exactly as a device gets them, and a channel that cuts the card
 * at a chosen APDU. Never imported by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesfireCard, DesfireClient, InProcessChannel, type CardChannel } from '@onecard/card-os';
import { addMissingProfileMasters, applicationsInHolder, buildPlan, parseHolder, profileApplicationAids, runPlan, samKeySource, type HolderInput, type ProfileKeyRef, type ProfileKeySource } from '@onecard/card-os/profile';
import { KeyStore, Sam, exportDeviceBundle, type KeyBundleRole } from '@onecard/keys';
import { openDeviceKeys, type DeviceKeys } from '../../device/device-keys.js';

const PRINCIPAL = 'validator-tests';
const PASSPHRASE = 'correct horse battery staple';
const SCRYPT_COST_LOG2_TESTS = 10;
const SYSTEM_IDENTIFIER = new TextEncoder().encode('OneCard');
export const ISSUED_AT = new Date('2025-09-01T01:30:00Z');
const STATION_ID = 7;

export interface TestKeyStore {
  readonly store: KeyStore;
  readonly sam: Sam;
  /** Every master: the issuer's encoding station. */
  readonly issuer: ProfileKeySource;
  /** The device keys of a role, through a real exported bundle (only that role's masters). */
  deviceKeys(role: KeyBundleRole): Promise<DeviceKeys>;
  /** A role's keys plus extra slots, from the store (for roles whose policy change is pending: see the report). */
  roleWith(refs: readonly ProfileKeyRef[]): ProfileKeySource;
  close(): void;
}

export async function createTestKeyStore(): Promise<TestKeyStore> {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-validator-'));
  const store = await KeyStore.create({
    path: join(dir, 'keystore.json'),
    passphrase: PASSPHRASE,
    kdf: { scryptCostLog2: SCRYPT_COST_LOG2_TESTS, weakKdfForTestingOnly: true },
    environment: 'test',
    systemIdentifier: SYSTEM_IDENTIFIER,
    principal: PRINCIPAL,
  });
  await addMissingProfileMasters(store, { principal: PRINCIPAL });
  const sam = Sam.fromStore({ store, applicationAids: profileApplicationAids() });
  const opened: DeviceKeys[] = [];
  return {
    store,
    sam,
    issuer: cached(samKeySource({ sam, principal: PRINCIPAL, purpose: 'issue' })),
    deviceKeys: async (role) => {
      const exported = await exportDeviceBundle({ store, role, deviceId: `test-${role}`, applicationAids: profileApplicationAids(), principal: PRINCIPAL, seal: (plaintext) => plaintext.slice() });
      const keys = openDeviceKeys({ bundle: exported.sealed, expectedRole: role });
      opened.push(keys);
      return keys;
    },
    roleWith: (refs) => cached(samKeySource({ sam, principal: PRINCIPAL, purpose: 'tap-test', allowed: refs })),
    close: () => {
      for (const keys of opened) keys.close();
      sam.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Derives each (UID, slot, version) once: a store-backed SAM fsyncs an audit record per derivation. */
function cached(source: ProfileKeySource): ProfileKeySource {
  const cache = new Map<string, { key: Uint8Array; version: number } | undefined>();
  return {
    cardKey(request) {
      const id = `${Buffer.from(request.uid).toString('hex')}/${request.ref.application}/${request.ref.keyNo}/${String(request.version)}`;
      if (!cache.has(id)) cache.set(id, source.cardKey(request));
      const found = cache.get(id);
      return found === undefined ? undefined : { key: found.key.slice(), version: found.version };
    },
  };
}

export interface TestCard {
  readonly card: DesfireCard;
  readonly uid: Uint8Array;
  /** Puts the card in the field afresh (a new tap) and answers its channel. */
  tap(): InProcessChannel;
}

/** A card personalised by the profile plan for `holder` (all its sections). */
export async function issueCard(options: { issuer: ProfileKeySource; holder: HolderInput; uid: Uint8Array }): Promise<TestCard> {
  const parsed = parseHolder(options.holder);
  if (!parsed.ok) throw new Error(`holder invalid: ${parsed.problems.join('; ')}`);
  const plan = buildPlan({ holder: parsed.holder, applications: applicationsInHolder(parsed.holder), issuedAt: ISSUED_AT, stationId: STATION_ID });
  if (!plan.ok) throw new Error(plan.problems.join('; '));
  const card = DesfireCard.open({ factory: { uid: options.uid }, onInternalError: (error) => { throw error; } });
  const channel = new InProcessChannel(card).tap();
  const outcome = await runPlan({ client: new DesfireClient(channel), keys: options.issuer, steps: plan.steps });
  if (!outcome.ok) throw new Error(`personalisation failed at ${outcome.failedStep}`);
  channel.remove();
  return { card, uid: options.uid, tap: () => new InProcessChannel(card).tap() };
}

/**
 * A copy of an issued card (same UID, same records, its own state from now
 * on): the tearing tests cut hundreds of cards without personalising each.
 */
export function cloneCard(template: TestCard): TestCard {
  const image = template.card.image;
  const card = DesfireCard.open({ store: { load: () => ({ kind: 'loaded', image: structuredClone(image) }), save: () => undefined }, onInternalError: (error) => { throw error; } });
  return { card, uid: template.uid, tap: () => new InProcessChannel(card).tap() };
}

/** Takes the card out of the field at the `cutAt`-th APDU: before the card sees it, or after it ran. */
export class CuttingChannel implements CardChannel {
  readonly #inner: InProcessChannel;
  readonly #cutAt: number | undefined;
  readonly #point: 'before-delivery' | 'after-execution';
  count = 0;

  constructor(inner: InProcessChannel, options: { cutAt: number | undefined; point: 'before-delivery' | 'after-execution' }) {
    this.#inner = inner;
    this.#cutAt = options.cutAt;
    this.#point = options.point;
  }

  async transmit(commandApdu: Uint8Array): Promise<Uint8Array> {
    this.count += 1;
    if (this.count !== this.#cutAt) return this.#inner.transmit(commandApdu);
    if (this.#point === 'after-execution') await this.#inner.transmit(commandApdu);
    this.#inner.remove();
    return this.#inner.transmit(commandApdu);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
