/**
 * Test and bench fixtures for the card profile: a test key store holding
 * every profile master, a holder with every application, a factory card on
 * an in-process channel. Never imported by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore, Sam, fromHex, toHex } from '@onecard/keys';
import { DesfireCard } from '../../emulator/card.js';
import { DesfireClient } from '../../host/client.js';
import { InProcessChannel } from '../../transport/in-process.js';
import type { CardChannel } from '../../transport/types.js';
import { profileApplicationAids } from '../layout/applications.js';
import { samKeySource, type ProfileKeySource } from '../keys/key-source.js';
import { addMissingProfileMasters } from '../keys/profile-masters.js';
import { parseHolder, type Holder, type HolderInput } from '../personalise/holder.js';

export const TEST_PRINCIPAL = 'profile-tests';
export const TEST_PASSPHRASE = 'correct horse battery staple';
/** keys: SCRYPT_COST_LOG2_TESTING_MIN, allowed for test stores with the testing-only option. */
export const TEST_SCRYPT_COST_LOG2 = 10;
export const TEST_SYSTEM_IDENTIFIER = new TextEncoder().encode('OneCard');
export const TEST_CARD_UID = fromHex('04a1b2c3d4e5f6');
export const TEST_ISSUED_AT = new Date('2025-09-01T01:30:00Z');

export const SAMPLE_HOLDER: HolderInput = {
  card: { number: '9704000000000018', issuerCode: 1, issuedOn: '2025-09-01', expiresOn: '2030-08-31' },
  categories: [{ category: 'pupil', validFrom: '2025-09-01', validUntil: '2026-08-31' }],
  transit: {
    fareCategory: 'pupil',
    fareCategoryValidFrom: '2025-09-01',
    fareCategoryValidUntil: '2026-08-31',
    openingBalanceVnd: 50_000,
    contracts: [{ kind: 'monthly-all-routes', tariff: 'concession', routeId: 0, validFrom: '2025-09-01', validUntil: '2025-09-30', pricePaidVnd: 55_000, saleId: 700_001 }],
  },
  student: { level: 'lower-secondary', schoolCode: 1_010_203, studentId: '0123456789', grade: 7, validUntil: '2026-08-31' },
  canteen: { openingBalanceVnd: 100_000 },
  civil: { agencyCode: 17, employeeId: 'HN0001234', validUntil: '2030-08-31', loginAccount: 'nguyen.van.an', credentialSerial: 1 },
  health: {
    insuranceNumber: 'HS4010123456789',
    registeredFacility: '01001',
    validFrom: '2025-01-01',
    validUntil: '2025-12-31',
    emergency: {
      bloodGroup: 'O+',
      allergies: ['penicillin', 'seafood'],
      chronicConditions: ['J45.9'],
      contact: { relation: 'parent', phone: '0912345678' },
      updatedOn: '2025-09-01',
    },
  },
};

export function sampleHolder(input: HolderInput = SAMPLE_HOLDER): Holder {
  const parsed = parseHolder(input);
  if (!parsed.ok) throw new Error(`sample holder invalid: ${parsed.problems.join('; ')}`);
  return parsed.holder;
}

export interface TestKeys {
  readonly store: KeyStore;
  readonly sam: Sam;
  readonly source: ProfileKeySource;
  readonly dir: string;
  close(): void;
}

/** A test key store with every profile master, in a fresh temp folder. */
export async function createTestKeys(): Promise<TestKeys> {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-profile-'));
  const store = await KeyStore.create({
    path: join(dir, 'keystore.json'),
    passphrase: TEST_PASSPHRASE,
    kdf: { scryptCostLog2: TEST_SCRYPT_COST_LOG2, weakKdfForTestingOnly: true },
    environment: 'test',
    systemIdentifier: TEST_SYSTEM_IDENTIFIER,
    principal: TEST_PRINCIPAL,
  });
  await addMissingProfileMasters(store, { principal: TEST_PRINCIPAL });
  const sam = Sam.fromStore({ store, applicationAids: profileApplicationAids() });
  return {
    store,
    sam,
    source: samKeySource({ sam, principal: TEST_PRINCIPAL, purpose: 'profile-test' }),
    dir,
    close: () => {
      sam.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestCard {
  readonly card: DesfireCard;
  readonly channel: InProcessChannel;
  readonly client: () => DesfireClient;
}

/** A factory card in the field; internal card errors fail the test. */
export function factoryCard(uid: Uint8Array = TEST_CARD_UID): TestCard {
  const card = DesfireCard.open({ factory: { uid }, onInternalError: (error) => { throw error; } });
  const channel = new InProcessChannel(card).tap();
  return { card, channel, client: () => new DesfireClient(channel) };
}

/**
 * A key source that derives each (UID, slot, version) once per test file:
 * store-backed SAMs audit every derivation with an fsync, which would
 * dominate suites that personalise hundreds of cards.
 */
export function cachedKeySource(source: ProfileKeySource): ProfileKeySource {
  const cache = new Map<string, { key: Uint8Array; version: number } | undefined>();
  return {
    cardKey(request) {
      const id = `${toHex(request.uid)}/${request.ref.application}/${request.ref.keyNo}/${request.version}`;
      if (!cache.has(id)) cache.set(id, source.cardKey(request));
      const found = cache.get(id);
      return found === undefined ? undefined : { key: found.key.slice(), version: found.version };
    },
  };
}

/** Where a cut happens relative to the APDU it is armed for. */
export type CutPoint = 'before-delivery' | 'after-execution';

/**
 * A channel that takes the card out of the field at the `cutAt`-th APDU
 * (1-based): before the card sees it, or after the card executed it but
 * before the host got the answer. `count` says how many APDUs went through.
 */
export class CuttingChannel implements CardChannel {
  readonly #inner: InProcessChannel;
  readonly #cutAt: number | undefined;
  readonly #point: CutPoint;
  count = 0;

  constructor(inner: InProcessChannel, options: { cutAt: number | undefined; point: CutPoint }) {
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
