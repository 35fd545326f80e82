/**
 * `validator init-demo --dir DIR`: everything a newcomer needs to try a bus
 * validator — a TEST key store (weak KDF, test environment), the bus
 * validator's key bundle exported from it (plain: test stores only), a
 * journal seed, a list-signing key pair (the demo stands in for the
 * clearing house), a link to the Hanoi sample feed, an adult demo card
 * personalised into a card-os state file, and the device configuration.
 * Nothing here is fit for production keys.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DesfireClient, InProcessChannel, openCardWithStateFile } from '@onecard/card-os';
import { addMissingProfileMasters, applicationsInHolder, buildPlan, luhnCheckDigit, parseHolder, profileApplicationAids, runPlan, samKeySource, type HolderInput } from '@onecard/card-os/profile';
import { ED25519_SEED_LENGTH_BYTES, KeyStore, Sam, ed25519KeyPairFromSeed, exportDeviceBundle, toHex, zeroize } from '@onecard/keys';
import type { z } from 'zod';
import type { deviceConfigSchema } from './config-schema.js';

export const DEMO_DEVICE_ID = 4242;
export const DEMO_ROUTE_ID = '01';
export const DEMO_VPCD_READER_NAME = 'OneCard vpcd 00 01';
export const DEMO_WEB_VIEW_PORT = 8080;
export const DEMO_BALANCE_VND = 100_000;
const DEMO_SCRYPT_COST_LOG2 = 10;
const DEMO_PRINCIPAL = 'validator-init-demo';
const DEMO_LIST_KEY_ID = 'demo-lists-1';
const DEMO_STATION_ID = 1;
const DEMO_CARD_UID = Uint8Array.of(0x04, 0xde, 0x30, 0x00, 0x42, 0x42, 0x01);
const PRIVATE_FILE_MODE = 0o600;

export interface DemoFiles {
  readonly configPath: string;
  readonly cardStatePath: string;
  readonly listSeedPath: string;
}

function demoHolder(): HolderInput {
  const body = '970400000004242';
  return {
    card: { number: `${body}${luhnCheckDigit(body)}`, issuerCode: 1, issuedOn: '2026-01-01', expiresOn: '2030-12-31' },
    categories: [],
    transit: { fareCategory: 'adult', fareCategoryValidFrom: '2026-01-01', fareCategoryValidUntil: '2030-12-31', openingBalanceVnd: DEMO_BALANCE_VND, contracts: [] },
  };
}

/** Writes the demo into `dir` (created; must be empty). `feedDir` is the Hanoi sample feed to link. */
export async function writeDemoDevice(input: { readonly dir: string; readonly feedDir: string; readonly now: Date }): Promise<DemoFiles> {
  const { dir } = input;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await readdir(dir)).length > 0) throw new RangeError('the demo folder must be empty or not exist');
  const keysDir = join(dir, 'keys');
  await mkdir(keysDir, { mode: 0o700 });
  const passphrase = randomBytes(24).toString('base64url');
  await writeFile(join(keysDir, 'keystore.passphrase'), `${passphrase}\n`, { mode: PRIVATE_FILE_MODE });
  const store = await KeyStore.create({
    path: join(keysDir, 'keystore.json'),
    passphrase,
    kdf: { scryptCostLog2: DEMO_SCRYPT_COST_LOG2, weakKdfForTestingOnly: true },
    environment: 'test',
    systemIdentifier: new TextEncoder().encode('OneCard'),
    principal: DEMO_PRINCIPAL,
  });
  try {
    await addMissingProfileMasters(store, { principal: DEMO_PRINCIPAL });
    const exported = await exportDeviceBundle({ store, role: 'bus-validator', deviceId: `demo-bus-${DEMO_DEVICE_ID}`, applicationAids: profileApplicationAids(), principal: DEMO_PRINCIPAL, seal: (plaintext) => plaintext.slice() });
    await writeFile(join(keysDir, 'bus-validator.bundle'), exported.sealed, { mode: PRIVATE_FILE_MODE });
    exported.sealed.fill(0);
    await personaliseDemoCard({ store, cardStatePath: join(dir, 'card.state'), now: input.now });
  } finally {
    store.close();
  }
  const journalSeed = randomBytes(ED25519_SEED_LENGTH_BYTES);
  await writeFile(join(keysDir, 'journal.ed25519-seed'), `${journalSeed.toString('hex')}\n`, { mode: PRIVATE_FILE_MODE });
  journalSeed.fill(0);
  const listSeed = randomBytes(ED25519_SEED_LENGTH_BYTES);
  const listKey = ed25519KeyPairFromSeed(new Uint8Array(listSeed));
  const listSeedPath = join(keysDir, 'list-signing.ed25519-seed');
  await writeFile(listSeedPath, `${listSeed.toString('hex')}\n`, { mode: PRIVATE_FILE_MODE });
  listSeed.fill(0);
  const listPublicKeyHex = toHex(listKey.publicKey);
  zeroize(listKey.secretKey, listKey.seed);
  await symlink(input.feedDir, join(dir, 'feed'), 'dir');
  // Defaults (recovery and repeat windows, language …) are left to the schema, so the file shows what a newcomer sets.
  const config = {
    deviceId: DEMO_DEVICE_ID,
    operator: 'hanoi-bus',
    language: 'vi',
    dataDir: 'data',
    mode: { kind: 'bus', routeId: DEMO_ROUTE_ID, fareFeedDir: 'feed', fareMediaId: 'onecard' },
    keys: { bundle: { kind: 'plain-test', file: 'keys/bus-validator.bundle' }, journalSeedFile: 'keys/journal.ed25519-seed', journalKeyId: `demo-bus-${DEMO_DEVICE_ID}` },
    lists: { trustedKeys: [{ keyId: DEMO_LIST_KEY_ID, publicKeyHex: listPublicKeyHex }] },
    reader: { kind: 'pcsc', name: DEMO_VPCD_READER_NAME },
    webView: { port: DEMO_WEB_VIEW_PORT, host: '127.0.0.1' },
  } satisfies z.input<typeof deviceConfigSchema>;
  const configPath = join(dir, 'device.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  return { configPath, cardStatePath: join(dir, 'card.state'), listSeedPath };
}

async function personaliseDemoCard(input: { store: KeyStore; cardStatePath: string; now: Date }): Promise<void> {
  const parsed = parseHolder(demoHolder());
  if (!parsed.ok) throw new Error(`assertion failed: demo holder invalid: ${parsed.problems.join('; ')}`);
  const plan = buildPlan({ holder: parsed.holder, applications: applicationsInHolder(parsed.holder), issuedAt: input.now, stationId: DEMO_STATION_ID });
  if (!plan.ok) throw new Error(`assertion failed: demo plan: ${plan.problems.join('; ')}`);
  const sam = Sam.fromStore({ store: input.store, applicationAids: profileApplicationAids() });
  try {
    const card = openCardWithStateFile({ imagePath: input.cardStatePath, factory: { uid: DEMO_CARD_UID } });
    const channel = new InProcessChannel(card).tap();
    const outcome = await runPlan({ client: new DesfireClient(channel), keys: samKeySource({ sam, principal: DEMO_PRINCIPAL, purpose: 'issue' }), steps: plan.steps });
    channel.remove();
    if (!outcome.ok) throw new Error(`demo card personalisation failed at ${outcome.failedStep}`);
  } finally {
    sam.close();
  }
}
