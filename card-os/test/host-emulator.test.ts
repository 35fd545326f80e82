/**
 * The host library against the emulated card, in-process: the lifecycle a
 * personaliser and a validator go through, from a factory card.
 */
import { fromHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { DesfireCard } from '../src/emulator/card.js';
import {
  DesfireClient,
  changeKey,
  commitTransaction,
  createApplication,
  createFile,
  credit,
  debit,
  getApplicationIDs,
  getCardUID,
  getFileIDs,
  getFileSettings,
  getFreeMemory,
  getKeySettings,
  getKeyVersion,
  getValue,
  getVersion,
  readData,
  readRecords,
  selectApplication,
  writeData,
  writeRecord,
  abortTransaction,
  type CardResult,
} from '../src/host/index.js';
import { FileType } from '../src/protocol/file-settings.js';
import { InProcessChannel } from '../src/transport/in-process.js';

const UID = fromHex('04112233445566');
const ZERO_DES = new Uint8Array(8);
const ZERO_AES = new Uint8Array(16);
const APP_KEY = fromHex('00112233445566778899aabbccddeeff');
const AID = 0x0c0e01;
const FREE = { kind: 'free' } as const;
const key = (keyNo: number) => ({ kind: 'key', keyNo }) as const;

function value<T>(result: CardResult<T>): T {
  if (!result.ok) throw new Error(`card answered ${result.reason}`);
  return result.value;
}

function freshCard(): { card: DesfireCard; client: DesfireClient; channel: InProcessChannel } {
  const card = DesfireCard.open({ factory: { uid: UID }, onInternalError: (e) => { throw e; } });
  const channel = new InProcessChannel(card).tap();
  return { card, client: new DesfireClient(channel), channel };
}

describe('host library ↔ emulated card', () => {
  it('reads a factory card: version, empty PICC, DES zero master key', async () => {
    const { client } = freshCard();
    const version = value(await getVersion(client));
    expect(version.hardware.vendorId).toBe(0x04);
    expect(version.hardware.majorVersion).toBe(0x12); // EV2 hardware 12 00, software 02 xx
    expect(version.uid).toEqual(UID);
    expect(value(await getApplicationIDs(client))).toEqual([]);
    value(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES, keyType: 'des' }));
    // GetCardUID answers in a D40 session too (UID ‖ CRC16 enciphered), as libfreefare expects.
    expect(value(await getCardUID(client))).toEqual(UID);
    value(await client.authenticate({ method: 'iso', keyNo: 0, key: ZERO_DES, keyType: 'des' }));
    expect(value(await getCardUID(client))).toEqual(UID);
    const settings = value(await getKeySettings(client));
    expect(settings.keyCount.keyCount).toBe(1);
  });

  it('personalises an AES application with EV2 sessions and uses its files', async () => {
    const { client, channel, card } = freshCard();
    value(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES, keyType: 'des' }));
    const freeBefore = value(await getFreeMemory(client));
    value(
      await createApplication(client, {
        aid: AID,
        keySettings: { changeKeyAccess: key(0), configurationChangeable: true, freeCreateDelete: false, freeDirectoryList: true, masterKeyChangeable: true },
        keyType: 'aes128',
        keyCount: 3,
      }),
    );
    expect(value(await getApplicationIDs(client))).toEqual([AID]);
    expect(value(await getFreeMemory(client))).toBeLessThan(freeBefore);

    value(await selectApplication(client, AID));
    value(await client.authenticate({ method: 'ev2-first', keyNo: 0, key: ZERO_AES, keyType: 'aes128' }));
    value(await changeKey(client, { keyNo: 1, newKey: APP_KEY, newKeyType: 'aes128', newKeyVersion: 1, oldKey: ZERO_AES, piccLevel: false }));
    expect(value(await getKeyVersion(client, 1))).toBe(1);

    const rights = { read: key(1), write: key(1), readWrite: key(1), change: key(0) };
    value(await createFile(client, { fileNo: 1, isoFileId: undefined, tmKey: undefined, settings: { fileType: FileType.StandardData, commMode: 'full', optionFlags: 0, accessRights: rights, additionalAccessRights: [], fileSizeBytes: 64 } }));
    value(await createFile(client, { fileNo: 2, isoFileId: undefined, tmKey: undefined, settings: { fileType: FileType.Value, commMode: 'mac', optionFlags: 0, accessRights: rights, additionalAccessRights: [], lowerLimit: 0, upperLimit: 2_000_000, value: 0, limitedCreditEnabled: false, freeGetValue: false } }));
    value(await createFile(client, { fileNo: 3, isoFileId: undefined, tmKey: undefined, settings: { fileType: FileType.CyclicRecord, commMode: 'full', optionFlags: 0, accessRights: { ...rights, read: FREE }, additionalAccessRights: [], recordSizeBytes: 16, recordCountMax: 4, recordCount: 0 } }));
    expect(value(await getFileIDs(client))).toEqual([1, 2, 3]);
    const settings = value(await getFileSettings(client, 2));
    expect(settings.fileType).toBe(FileType.Value);

    // A validator's session: key 1, EV2.
    value(await selectApplication(client, AID));
    value(await client.authenticate({ method: 'ev2-first', keyNo: 1, key: APP_KEY, keyType: 'aes128' }));
    const profile = new Uint8Array(64).map((_, i) => i);
    value(await writeData(client, { fileNo: 1, mode: 'full', offsetBytes: 0, data: profile }));
    expect(value(await readData(client, { fileNo: 1, mode: 'full', offsetBytes: 0, lengthBytes: 64 }))).toEqual(profile);

    value(await credit(client, { fileNo: 2, mode: 'mac', amount: 50_000 }));
    value(await writeRecord(client, { fileNo: 3, mode: 'full', offsetBytes: 0, data: new Uint8Array(16).fill(1) }));
    value(await commitTransaction(client, { returnTransactionMac: false }));
    expect(value(await getValue(client, { fileNo: 2, mode: 'mac' }))).toBe(50_000);

    // A tap: debit 8,000 VND and log it; pulled away before commit changes nothing.
    value(await debit(client, { fileNo: 2, mode: 'mac', amount: 8_000 }));
    value(await writeRecord(client, { fileNo: 3, mode: 'full', offsetBytes: 0, data: new Uint8Array(16).fill(2) }));
    channel.remove();
    channel.tap();
    const validator = new DesfireClient(channel);
    value(await selectApplication(validator, AID));
    value(await validator.authenticate({ method: 'ev2-first', keyNo: 1, key: APP_KEY, keyType: 'aes128' }));
    expect(value(await getValue(validator, { fileNo: 2, mode: 'mac' }))).toBe(50_000);
    expect(value(await readRecords(validator, { fileNo: 3, mode: 'full', recordNo: 0, recordCount: 0, recordSizeBytes: 16 }))).toHaveLength(1);

    value(await debit(validator, { fileNo: 2, mode: 'mac', amount: 8_000 }));
    value(await abortTransaction(validator));
    value(await debit(validator, { fileNo: 2, mode: 'mac', amount: 8_000 }));
    value(await writeRecord(validator, { fileNo: 3, mode: 'full', offsetBytes: 0, data: new Uint8Array(16).fill(3) }));
    value(await commitTransaction(validator, { returnTransactionMac: false }));
    expect(value(await getValue(validator, { fileNo: 2, mode: 'mac' }))).toBe(42_000);
    const records = value(await readRecords(validator, { fileNo: 3, mode: 'full', recordNo: 0, recordCount: 0, recordSizeBytes: 16 }));
    expect(records.map((r) => r[0])).toEqual([1, 3]); // oldest first
    expect(card.atr.length).toBe(6);
  });

  it('answers the exact status codes hosts branch on', async () => {
    const { client } = freshCard();
    const missing = await selectApplication(client, 0x123456);
    expect(missing).toMatchObject({ ok: false, reason: 'application_not_found' });
    const wrongKey = await client.authenticate({ method: 'legacy', keyNo: 0, key: fromHex('0102030405060708'), keyType: 'des' });
    expect(wrongKey).toMatchObject({ ok: false, reason: 'authentication_error' });
    const noSuchKey = await client.authenticate({ method: 'legacy', keyNo: 5, key: ZERO_DES, keyType: 'des' });
    expect(noSuchKey).toMatchObject({ ok: false, reason: 'no_such_key' });
  });

  it('EV1 ISO session on the factory key: ChangeKey of the PICC master key itself to AES ends the session, answers 91 00 without a MAC, and the new key (with its version) opens an AES session', async () => {
    const { client } = freshCard();
    value(await client.authenticate({ method: 'iso', keyNo: 0, key: ZERO_DES, keyType: 'des' }));
    const newKey = fromHex('00112233445566778899aabbccddeeff');
    expect(await changeKey(client, { keyNo: 0, newKey, newKeyType: 'aes128', newKeyVersion: 5, piccLevel: true })).toEqual({ ok: true, value: undefined });
    expect(client.session).toBeUndefined();
    value(await client.authenticate({ method: 'aes', keyNo: 0, key: newKey, keyType: 'aes128' }));
    expect(value(await getKeyVersion(client, 0))).toBe(5);
  });
});
