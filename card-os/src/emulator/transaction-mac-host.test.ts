/**
 * The host library drives a Transaction MAC transaction on the emulated
 * card (EV2 and EV1 AES sessions), and a back office that holds only the
 * AppTransactionMACKey verifies the TMV from the plain commands the
 * validator logged — the clearing house's path.
 */
import { concatBytes, fromHex, uintLe } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { DesfireClient, commitReaderID, commitTransaction, createApplication, createFile, debit, readRecords, selectApplication, writeRecord, type CardResult } from '../host/index.js';
import { Ins } from '../protocol/commands.js';
import { FileType, encodeValueLe } from '../protocol/file-settings.js';
import { tmiEntry } from '../sm/transaction-mac-input.js';
import { decryptReaderId, verifyTransactionMac } from '../sm/transaction-mac.js';
import { InProcessChannel } from '../transport/in-process.js';
import { DesfireCard } from './card.js';
import { TEST_UID } from './testing/fixtures.js';

const ZERO_DES = new Uint8Array(8);
const ZERO_AES = new Uint8Array(16);
const TM_KEY = fromHex('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
const READER_A = fromHex('56414c494441544f522d303030303431');
const READER_B = fromHex('56414c494441544f522d303030303432');
const AID = 0x0a0b0c;
const key = (keyNo: number) => ({ kind: 'key', keyNo }) as const;
const NEVER = { kind: 'never' } as const;

function value<T>(result: CardResult<T>): T {
  if (!result.ok) throw new Error(`card answered ${result.reason}`);
  return result.value;
}

async function personalised(): Promise<DesfireClient> {
  const card = DesfireCard.open({ factory: { uid: TEST_UID }, onInternalError: (e) => { throw e; } });
  const client = new DesfireClient(new InProcessChannel(card).tap());
  value(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES, keyType: 'des' }));
  const keySettings = { changeKeyAccess: key(0), configurationChangeable: true, freeCreateDelete: false, freeDirectoryList: true, masterKeyChangeable: true };
  value(await createApplication(client, { aid: AID, keySettings, keyType: 'aes128', keyCount: 2 }));
  value(await selectApplication(client, AID));
  value(await client.authenticate({ method: 'ev2-first', keyNo: 0, key: ZERO_AES, keyType: 'aes128' }));
  const rights = { read: key(1), write: key(1), readWrite: key(1), change: key(0) };
  const request = { isoFileId: undefined, tmKey: undefined } as const;
  const common = { optionFlags: 0, accessRights: rights, additionalAccessRights: [] } as const;
  value(await createFile(client, { fileNo: 2, ...request, settings: { ...common, fileType: FileType.Value, commMode: 'mac', lowerLimit: 0, upperLimit: 1_000_000, value: 20_000, limitedCreditEnabled: false, freeGetValue: false } }));
  value(await createFile(client, { fileNo: 3, ...request, settings: { ...common, fileType: FileType.CyclicRecord, commMode: 'full', recordSizeBytes: 16, recordCountMax: 5, recordCount: 0 } }));
  const tmacRights = { read: key(1), write: NEVER, readWrite: key(1), change: key(0) };
  const tmac = { fileType: FileType.TransactionMac, commMode: 'plain', optionFlags: 0, accessRights: tmacRights, additionalAccessRights: [], tmKeyOption: 0x02, tmKeyVersion: 0 } as const;
  value(await createFile(client, { fileNo: 0x0f, isoFileId: undefined, tmKey: TM_KEY, settings: tmac }));
  return client;
}

async function tap(client: DesfireClient, method: 'ev2-first' | 'aes', readerId: Uint8Array): Promise<Uint8Array> {
  value(await selectApplication(client, AID));
  value(await client.authenticate({ method, keyNo: 1, key: ZERO_AES, keyType: 'aes128' }));
  return value(await commitReaderID(client, readerId));
}

describe('Transaction MAC through the host library', () => {
  for (const method of ['ev2-first', 'aes'] as const) {
    it(`${method} taps commit TMC ‖ TMV that the back office verifies from the validator's log`, async () => {
      const client = await personalised();
      const firstEnc = await tap(client, method, READER_A);
      expect(decryptReaderId({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 1, encryptedReaderId: firstEnc })).toEqual(new Uint8Array(16));
      value(await writeRecord(client, { fileNo: 3, mode: 'full', offsetBytes: 0, data: new Uint8Array(16).fill(0x41) }));
      expect(value(await commitTransaction(client, { returnTransactionMac: true }))?.tmc).toBe(1);

      const encPrevious = await tap(client, method, READER_B);
      expect(decryptReaderId({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 2, encryptedReaderId: encPrevious })).toEqual(READER_A);
      const history = value(await readRecords(client, { fileNo: 3, mode: 'full', recordNo: 0, recordCount: 0, recordSizeBytes: 16 }));
      value(await debit(client, { fileNo: 2, mode: 'mac', amount: 7_000 }));
      const trip = new Uint8Array(16).fill(0x42);
      value(await writeRecord(client, { fileNo: 3, mode: 'full', offsetBytes: 0, data: trip }));
      const mac = value(await commitTransaction(client, { returnTransactionMac: true }));
      expect(mac?.tmc).toBe(2);

      // What the validator logged, plain; the back office rebuilds the TMI with sm/'s layout.
      const logged = [
        { name: 'commitReaderID', ins: Ins.CommitReaderID, command: READER_B, response: encPrevious },
        { name: 'readRecords', ins: Ins.ReadRecords, command: Uint8Array.of(3, 0, 0, 0, 0, 0, 0), response: concatBytes(...history), recordSizeBytes: 16 },
        { name: 'debit', ins: Ins.Debit, command: concatBytes(Uint8Array.of(2), encodeValueLe(7_000)), response: new Uint8Array(0) },
        { name: 'writeRecord', ins: Ins.WriteRecord, command: concatBytes(Uint8Array.of(3), uintLe(0, 3), uintLe(16, 3), trip), response: new Uint8Array(0) },
      ] as const;
      const tmi = concatBytes(...logged.map((c) => tmiEntry(c) ?? new Uint8Array(0)));
      expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 2, tmi, tmv: mac?.tmv ?? new Uint8Array(0) })).toBe(true);
      const withoutRead = concatBytes(...logged.filter((c) => c.name !== 'readRecords').map((c) => tmiEntry(c) ?? new Uint8Array(0)));
      expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 2, tmi: withoutRead, tmv: mac?.tmv ?? new Uint8Array(0) })).toBe(false);
    });
  }
});
