/**
 * The bus tap the benchmark times, and the card it runs on.
 *
 * Card: an emulated DESFire EV2 personalised like a transit card: one AES
 * application, key 1 the validator's key, a holder profile and a contract
 * file (MAC), a purse (value, MAC) and a trip log (cyclic records, full).
 * Tap (ARCHITECTURE.md "Data flow of one bus tap"): SelectApplication,
 * AuthenticateEV2First, ReadData ×2 (MAC), Debit (MAC), WriteRecord (full),
 * CommitTransaction.
 */
import { fromHex } from '@onecard/keys';
import {
  DesfireCard,
  DesfireClient,
  FileType,
  changeKey,
  commitTransaction,
  createApplication,
  createFile,
  debit,
  readData,
  selectApplication,
  writeRecord,
  type CardChannel,
  type CardResult,
} from '../src/index.js';

export const TAP_AID = 0x00b051;
export const VALIDATOR_KEY_NO = 1;
export const VALIDATOR_KEY = fromHex('7d1a2b3c4d5e6f708192a3b4c5d6e7f8');
export const PROFILE_FILE = { fileNo: 1, sizeBytes: 32 } as const;
export const CONTRACT_FILE = { fileNo: 2, sizeBytes: 32 } as const;
export const PURSE_FILE_NO = 3;
export const TRIP_FILE = { fileNo: 4, recordSizeBytes: 16, recordCountMax: 8 } as const;
export const FARE_VND = 7_000;
/** Enough for every tap a bench run makes (the purse never runs dry mid-run). */
export const PURSE_START_VND = 2_000_000_000;
const ZERO_AES_KEY = new Uint8Array(16);
const ZERO_DES_KEY = new Uint8Array(8);

function must<T>(result: CardResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what}: card answered ${result.reason}`);
  return result.value;
}

/** A factory card personalised for the tap. */
export async function personalisedTapCard(): Promise<DesfireCard> {
  const card = DesfireCard.open({ onInternalError: (error) => { throw error; } });
  card.powerOn();
  const channel: CardChannel = { transmit: (apdu) => Promise.resolve(card.process(apdu)), close: () => Promise.resolve() };
  const client = new DesfireClient(channel);
  must(await client.authenticate({ method: 'legacy', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des' }), 'PICC auth');
  const keySettings = { changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: false, freeDirectoryList: true, masterKeyChangeable: true } as const;
  must(await createApplication(client, { aid: TAP_AID, keySettings, keyType: 'aes128', keyCount: 2 }), 'CreateApplication');
  must(await selectApplication(client, TAP_AID), 'select');
  must(await client.authenticate({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, keyType: 'aes128' }), 'app auth');
  const validator = { kind: 'key', keyNo: VALIDATOR_KEY_NO } as const;
  const rights = { read: validator, write: validator, readWrite: validator, change: { kind: 'key', keyNo: 0 } } as const;
  const common = { optionFlags: 0, accessRights: rights, additionalAccessRights: [] };
  const create = async (fileNo: number, settings: Parameters<typeof createFile>[1]['settings']): Promise<void> => {
    must(await createFile(client, { fileNo, isoFileId: undefined, tmKey: undefined, settings }), `create file ${fileNo}`);
  };
  await create(PROFILE_FILE.fileNo, { fileType: FileType.StandardData, commMode: 'mac', ...common, fileSizeBytes: PROFILE_FILE.sizeBytes });
  await create(CONTRACT_FILE.fileNo, { fileType: FileType.StandardData, commMode: 'mac', ...common, fileSizeBytes: CONTRACT_FILE.sizeBytes });
  await create(PURSE_FILE_NO, { fileType: FileType.Value, commMode: 'mac', ...common, lowerLimit: 0, upperLimit: PURSE_START_VND, value: PURSE_START_VND, limitedCreditEnabled: false, freeGetValue: false });
  await create(TRIP_FILE.fileNo, { fileType: FileType.CyclicRecord, commMode: 'full', ...common, recordSizeBytes: TRIP_FILE.recordSizeBytes, recordCountMax: TRIP_FILE.recordCountMax, recordCount: 0 });
  must(await changeKey(client, { keyNo: VALIDATOR_KEY_NO, newKey: VALIDATOR_KEY, newKeyType: 'aes128', newKeyVersion: 1, oldKey: ZERO_AES_KEY, piccLevel: false }), 'ChangeKey');
  return card;
}

const TRIP_RECORD = fromHex('0a0b0c0d0e0f10111213141516171819');

/** One bus tap through `client`: 8 APDUs (select 1, authenticate 2, two reads, debit, write record, commit). */
export async function busTap(client: DesfireClient): Promise<void> {
  must(await selectApplication(client, TAP_AID), 'SelectApplication');
  must(await client.authenticate({ method: 'ev2-first', keyNo: VALIDATOR_KEY_NO, key: VALIDATOR_KEY, keyType: 'aes128' }), 'AuthenticateEV2First');
  must(await readData(client, { fileNo: PROFILE_FILE.fileNo, mode: 'mac', offsetBytes: 0, lengthBytes: PROFILE_FILE.sizeBytes }), 'ReadData profile');
  must(await readData(client, { fileNo: CONTRACT_FILE.fileNo, mode: 'mac', offsetBytes: 0, lengthBytes: CONTRACT_FILE.sizeBytes }), 'ReadData contract');
  must(await debit(client, { fileNo: PURSE_FILE_NO, mode: 'mac', amount: FARE_VND }), 'Debit');
  must(await writeRecord(client, { fileNo: TRIP_FILE.fileNo, mode: 'full', offsetBytes: 0, data: TRIP_RECORD }), 'WriteRecord');
  must(await commitTransaction(client, { returnTransactionMac: false }), 'CommitTransaction');
}

/**
 * The AES work of one tap, host and card together (AN12343 §4 EV2 secure
 * messaging; MF2DLHX0 §10.1.5 AuthenticateEV2First):
 * - AES block operations: handshake E(RndB), D, E(RndA‖RndB') 2, D 2,
 *   E(TI‖RndA'‖PDcap2‖PCDcap2) 2, D 2 = 10; WriteRecord full: IV + 2 blocks
 *   on each side = 6.
 * - CMACs (each computed by one side and verified by the other, so twice),
 *   by input length: session keys SV1/SV2 32 B (×2 per side); every command
 *   Cmd‖CmdCtr‖TI‖Header‖Data and every answer RC‖CmdCtr‖TI‖Data.
 */
export const TAP_AES_BLOCK_OPERATIONS = 16;
const MAC_INPUT_LENGTHS_BYTES: readonly number[] = [
  32, 32, 32, 32, // AuthenticateEV2First: SesAuthENCKey and SesAuthMACKey, host and card
  14, 14, 39, 39, // ReadData profile: header 7 B; answer 32 B
  14, 14, 39, 39, // ReadData contract
  12, 12, 7, 7, // Debit: FileNo ‖ amount; empty answer
  46, 46, 7, 7, // WriteRecord: header 7 B ‖ 32 B ciphertext; empty answer
  7, 7, 7, 7, // CommitTransaction: no option; empty answer
];
export const TAP_CMAC_INPUTS: readonly Uint8Array[] = MAC_INPUT_LENGTHS_BYTES.map((lengthBytes) => new Uint8Array(lengthBytes).fill(0x5c));
