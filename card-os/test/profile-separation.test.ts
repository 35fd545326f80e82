/**
 * Key separation on an issued card, asserted against what the card answers:
 *
 * 1. per application pair: no key of one application opens another
 *    (diversification includes the AID: AUTHENTICATION_ERROR, or
 *    NO_SUCH_KEY where the other application has fewer keys);
 * 2. per application, key, file and operation: the card grants exactly what
 *    PROFILE.md §4 says, and refuses the rest with the exact status
 *    (AUTHENTICATION_ERROR when another key would do, PERMISSION_DENIED when
 *    no key ever would);
 * 3. per device role (keys' KEY_BUNDLE_POLICIES): what that role can do,
 *    computed from the card's answers, never reaches another sector;
 * 4. the scenarios of the issue, by name.
 */
import { KEY_BUNDLE_POLICIES, KEY_BUNDLE_ROLES } from '@onecard/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireCard } from '../src/emulator/card.js';
import type { CardImage } from '../src/emulator/image/types.js';
import { DesfireClient } from '../src/host/client.js';
import { abortTransaction, clearRecordFile, credit, debit, getValue, limitedCredit, readData, readRecords, writeData, writeRecord } from '../src/host/data-commands.js';
import { changeFileSettings, deleteFile, getFileIDs } from '../src/host/file-commands.js';
import { changeKey } from '../src/host/key-commands.js';
import { createApplication, deleteApplication, getApplicationIDs, selectApplication } from '../src/host/picc.js';
import type { CardResult } from '../src/host/client.js';
import { FileType } from '../src/protocol/file-settings.js';
import { DesfireStatus } from '../src/protocol/status.js';
import { PICC_AID, PROFILE_AIDS, PROFILE_APPLICATIONS, PROFILE_KEY_NO, keyCountOf, type ProfileApplication } from '../src/profile/layout/applications.js';
import { APPLICATION_KEY_SETTINGS, PROFILE_FILES, profileFile, type ProfileFile } from '../src/profile/layout/files.js';
import type { ProfileKeySource } from '../src/profile/keys/key-source.js';
import { applicationsInHolder, buildPlan } from '../src/profile/personalise/plan.js';
import { runPlan } from '../src/profile/personalise/runner.js';
import { InProcessChannel } from '../src/transport/in-process.js';
import { cachedKeySource, createTestKeys, factoryCard, sampleHolder, TEST_CARD_UID, TEST_ISSUED_AT, type TestKeys } from '../src/profile/testing/fixtures.js';

const OK = DesfireStatus.OPERATION_OK;
const AE = DesfireStatus.AUTHENTICATION_ERROR;
const PD = DesfireStatus.PERMISSION_DENIED;
const MATRIX_TEST_TIMEOUT_MS = 60_000;

type Operation = 'read' | 'write' | 'get-value' | 'debit' | 'limited-credit' | 'credit' | 'clear' | 'change-settings';
type Right = 'read' | 'write' | 'readWrite' | 'change';

/** Which access rights grant an operation (MF2DLHX0 §8.2.3.2 and the EV1 command remarks). */
const RIGHTS_FOR: Readonly<Record<Operation, readonly Right[]>> = {
  read: ['read', 'readWrite'],
  write: ['write', 'readWrite'],
  'get-value': ['read', 'write', 'readWrite'],
  debit: ['read', 'write', 'readWrite'],
  'limited-credit': ['write', 'readWrite'],
  credit: ['readWrite'],
  clear: ['readWrite'],
  'change-settings': ['change'],
};

function operationsOf(file: ProfileFile): Operation[] {
  switch (file.settings.fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      return ['read', 'write', 'change-settings'];
    case FileType.Value:
      return ['get-value', 'debit', 'limited-credit', 'credit', 'change-settings'];
    case FileType.LinearRecord:
    case FileType.CyclicRecord:
      return ['read', 'write', 'clear', 'change-settings'];
    case FileType.TransactionMac:
      return ['read', 'change-settings'];
  }
}

/** The status PROFILE.md's table predicts for `keyNo` doing `operation` on `file`. */
function expectedStatus(file: ProfileFile, keyNo: number, operation: Operation): number {
  const conditions = RIGHTS_FOR[operation].map((right) => file.settings.accessRights[right]);
  if (conditions.some((c) => c.kind === 'key' && c.keyNo === keyNo)) {
    const emptyLog = operation === 'read' && (file.name === 'student.attendance' || file.name === 'civil.attendance' || file.name === 'health.visits');
    return emptyLog ? DesfireStatus.BOUNDARY_ERROR : OK;
  }
  return conditions.every((c) => c.kind === 'never') ? PD : AE;
}

function statusOf(result: CardResult<unknown>): number {
  return result.ok ? OK : result.status;
}

async function perform(client: DesfireClient, file: ProfileFile, operation: Operation): Promise<number> {
  const ref = { fileNo: file.fileNo, mode: file.settings.commMode };
  const s = file.settings;
  switch (operation) {
    case 'read':
      if (s.fileType === FileType.CyclicRecord) return statusOf(await readRecords(client, { ...ref, recordNo: 0, recordCount: 0, recordSizeBytes: s.recordSizeBytes }));
      return statusOf(await readData(client, { ...ref, offsetBytes: 0, lengthBytes: 0 }));
    case 'write':
      if (s.fileType === FileType.CyclicRecord) return statusOf(await writeRecord(client, { ...ref, offsetBytes: 0, data: new Uint8Array(s.recordSizeBytes) }));
      return statusOf(await writeData(client, { ...ref, offsetBytes: 0, data: new Uint8Array(s.fileType === FileType.StandardData || s.fileType === FileType.BackupData ? s.fileSizeBytes : 1) }));
    case 'get-value':
      return statusOf(await getValue(client, ref));
    case 'debit':
      return statusOf(await debit(client, { ...ref, amount: 1 }));
    case 'limited-credit':
      return statusOf(await limitedCredit(client, { ...ref, amount: 0 }));
    case 'credit':
      return statusOf(await credit(client, { ...ref, amount: 1 }));
    case 'clear':
      return statusOf(await clearRecordFile(client, file.fileNo));
    case 'change-settings':
      return statusOf(await changeFileSettings(client, { fileNo: file.fileNo, settings: s }));
  }
}

let keys: TestKeys;
let source: ProfileKeySource;
let issued: CardImage;

function keyOf(application: ProfileApplication, keyNo: number): Uint8Array {
  const derived = source.cardKey({ ref: { application, keyNo }, uid: TEST_CARD_UID, version: 1 });
  if (derived === undefined) throw new Error('test store lacks a master');
  return derived.key;
}

/** A fresh copy of the issued card in the field, so no operation sees another's effects. */
function issuedCopy(): DesfireClient {
  const image = structuredClone(issued);
  const card = DesfireCard.open({ store: { load: () => ({ kind: 'loaded', image: structuredClone(image) }), save: () => undefined }, onInternalError: (error) => { throw error; } });
  return new DesfireClient(new InProcessChannel(card).tap());
}

async function authenticated(application: ProfileApplication, keyNo: number, key: Uint8Array = keyOf(application, keyNo)): Promise<{ client: DesfireClient; status: number }> {
  const client = issuedCopy();
  expect((await selectApplication(client, PROFILE_AIDS[application])).ok).toBe(true);
  const auth = await client.authenticate({ method: 'ev2-first', keyNo, key, keyType: 'aes128' });
  return { client, status: statusOf(auth) };
}

beforeAll(async () => {
  keys = await createTestKeys();
  source = cachedKeySource(keys.source);
  const holder = sampleHolder();
  const plan = buildPlan({ holder, applications: applicationsInHolder(holder), issuedAt: TEST_ISSUED_AT, stationId: 1 });
  if (!plan.ok) throw new Error('plan');
  const { card, client } = factoryCard();
  expect((await runPlan({ client: client(), keys: source, steps: plan.steps })).ok).toBe(true);
  issued = card.image;
});
afterAll(() => {
  keys.close();
});

describe('1. no key of one application opens another', () => {
  const pairs = PROFILE_APPLICATIONS.flatMap((a) => PROFILE_APPLICATIONS.filter((b) => b !== a).map((b) => [a, b] as const));
  it.each(pairs)('%s keys on %s', async (from, to) => {
    for (let keyNo = 0; keyNo < keyCountOf(from); keyNo++) {
      const { status } = await authenticated(to, keyNo, keyOf(from, keyNo));
      expect(status, `${from} key ${keyNo}`).toBe(keyNo < keyCountOf(to) ? AE : DesfireStatus.NO_SUCH_KEY);
    }
    // and its own keys do open it
    expect((await authenticated(to, 1)).status).toBe(OK);
  });
});

/** Card answers, by "application/keyNo/file/operation". */
const observed = new Map<string, number>();

describe('2. every key gets exactly the rights PROFILE.md §4 gives it', () => {
  it.each(PROFILE_APPLICATIONS)('%s', async (application) => {
    for (let keyNo = 0; keyNo < keyCountOf(application); keyNo++) {
      for (const file of PROFILE_FILES.filter((f) => f.application === application)) {
        for (const operation of operationsOf(file)) {
          const { client, status } = await authenticated(application, keyNo);
          expect(status).toBe(OK);
          const answer = await perform(client, file, operation);
          observed.set(`${application}/${keyNo}/${file.name}/${operation}`, answer);
          expect(answer, `${file.name} ${operation} with key ${keyNo}`).toBe(expectedStatus(file, keyNo, operation));
          if (answer === OK) await abortTransaction(client);
        }
      }
    }
  }, MATRIX_TEST_TIMEOUT_MS);
});

describe('3. what each device role can do stays in its sector', () => {
  /** Operations a role is granted by the card (from part 2's answers). */
  function granted(role: (typeof KEY_BUNDLE_ROLES)[number]): string[] {
    const out: string[] = [];
    for (const { application, keyNo } of KEY_BUNDLE_POLICIES[role].keys) {
      for (const [id, status] of observed) if (id.startsWith(`${application}/${keyNo}/`) && (status === OK || status === DesfireStatus.BOUNDARY_ERROR)) out.push(id.split('/').slice(2).join(' '));
    }
    return [...new Set(out)].sort();
  }

  it('has the card answers of part 2', () => {
    expect(observed.size).toBeGreaterThan(100);
  });

  it('school, library and canteen roles touch no transit, civil or health file and only read identity (the card number for the journal); only the clinic touches health', () => {
    for (const role of ['school-gate', 'library-terminal', 'canteen-terminal'] as const) {
      expect(granted(role).filter((g) => /^(transit|civil|health|identity)\./.test(g)), role).toEqual(['identity.holder read']);
    }
    expect(granted('canteen-topup').filter((g) => /^(transit|civil|health|identity)\./.test(g))).toEqual([]);
    for (const role of KEY_BUNDLE_ROLES) {
      const health = granted(role).filter((g) => g.startsWith('health.'));
      if (role === 'clinic-terminal') expect(health).toEqual(['health.emergency read', 'health.emergency write', 'health.insurance read', 'health.visits read', 'health.visits write']);
      else expect(health, role).toEqual([]);
    }
  });

  it('only top-up terminals and autoload validators credit the transit purse; no role writes identity or changes file settings', () => {
    const crediting = KEY_BUNDLE_ROLES.filter((role) => granted(role).includes('transit.purse credit'));
    expect(crediting.sort()).toEqual(['bus-validator-autoload', 'transit-topup']);
    for (const role of KEY_BUNDLE_ROLES) {
      expect(granted(role).filter((g) => g.startsWith('identity.holder write') || g.endsWith('change-settings')), role).toEqual([]);
    }
  });

  it('logs are cleared by no gate, clinic or validator: only staffed top-up points may clear the purse logs', () => {
    const clearing = (log: string): string[] => KEY_BUNDLE_ROLES.filter((role) => granted(role).includes(`${log} clear`)).sort();
    expect(clearing('student.attendance')).toEqual([]);
    expect(clearing('civil.attendance')).toEqual([]);
    expect(clearing('health.visits')).toEqual([]);
    expect(clearing('transit.trips')).toEqual(['bus-validator-autoload', 'transit-topup']);
    expect(clearing('canteen.events')).toEqual(['canteen-topup']);
  });

  it('a plain bus validator reads and debits, writes its fare state, appends to (never clears) its log, and sells nothing', () => {
    expect(granted('bus-validator')).toEqual([
      'identity.holder read',
      'transit.entitlements read',
      'transit.fare-state read',
      'transit.fare-state write',
      'transit.purse debit',
      'transit.purse get-value',
      'transit.purse limited-credit',
      'transit.transaction-mac read',
      'transit.trips read',
      'transit.trips write',
    ]);
  });
});

describe('4. the scenarios, with exact statuses', () => {
  it('a school gate (student read and attendance keys) is refused on every health key slot', async () => {
    for (const keyNo of [PROFILE_KEY_NO.student.read, PROFILE_KEY_NO.student.attendance]) {
      expect((await authenticated('health', keyNo, keyOf('student', keyNo))).status).toBe(AE);
    }
    // and without authentication the health files answer AUTHENTICATION_ERROR, even in plain mode
    const client = issuedCopy();
    expect((await selectApplication(client, PROFILE_AIDS.health)).ok).toBe(true);
    expect(await readData(client, { fileNo: profileFile('health.emergency').fileNo, mode: 'plain', offsetBytes: 0, lengthBytes: 0 })).toMatchObject({ ok: false, status: AE });
    expect(profileFile('health.emergency').settings.commMode).toBe('full');
  });

  it('transit keys cannot write identity: they do not even authenticate there', async () => {
    expect((await authenticated('identity', 1, keyOf('transit', PROFILE_KEY_NO.transit.debit))).status).toBe(AE);
    expect((await authenticated('identity', PROFILE_KEY_NO.transit.debit, keyOf('transit', PROFILE_KEY_NO.transit.debit))).status).toBe(DesfireStatus.NO_SUCH_KEY);
  });

  it('a bus validator cannot credit; it can give back at most what it just debited', async () => {
    const { client } = await authenticated('transit', PROFILE_KEY_NO.transit.debit);
    const purse = { fileNo: profileFile('transit.purse').fileNo, mode: 'mac' as const };
    expect(await credit(client, { ...purse, amount: 1_000 })).toMatchObject({ ok: false, status: AE });
    const v = await authenticated('transit', PROFILE_KEY_NO.transit.debit);
    expect((await debit(v.client, { ...purse, amount: 7_000 })).ok).toBe(true);
    expect((await (await import('../src/host/data-commands.js')).commitTransaction(v.client, { returnTransactionMac: false })).ok).toBe(true);
    expect(await limitedCredit(v.client, { ...purse, amount: 7_001 })).toMatchObject({ ok: false, status: DesfireStatus.BOUNDARY_ERROR });
  });

  it('no terminal key changes keys, files or applications', async () => {
    const { client } = await authenticated('transit', PROFILE_KEY_NO.transit.topUp);
    expect(await changeKey(client, { keyNo: 0, newKey: new Uint8Array(16), newKeyType: 'aes128', newKeyVersion: 9, oldKey: new Uint8Array(16), piccLevel: false })).toMatchObject({ ok: false, status: AE });
    const t = await authenticated('transit', PROFILE_KEY_NO.transit.topUp);
    expect(await deleteFile(t.client, 0)).toMatchObject({ ok: false, status: AE });
    const d = await authenticated('transit', PROFILE_KEY_NO.transit.debit);
    expect(await getFileIDs(d.client)).toMatchObject({ ok: false, status: AE });
    const picc = issuedCopy();
    expect(await getApplicationIDs(picc)).toMatchObject({ ok: false, status: AE });
    expect(await deleteApplication(picc, PROFILE_AIDS.health)).toMatchObject({ ok: false, status: AE });
    expect(await createApplication(picc, { aid: 0x4f_43_7f, keySettings: APPLICATION_KEY_SETTINGS, keyType: 'aes128', keyCount: 1 })).toMatchObject({ ok: false, status: AE });
    // Deleting an application from inside it needs that application's master key.
    const own = await authenticated('student', PROFILE_KEY_NO.student.attendance);
    expect(await deleteApplication(own.client, PROFILE_AIDS.student)).toMatchObject({ ok: false, status: AE });
    expect(PICC_AID).toBe(0);
  });
});
