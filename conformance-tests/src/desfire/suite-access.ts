/**
 * Refusals, with the exact status a host branches on (MF2DLHX0 §9, status
 * table; EV1 data sheet remarks on access rights):
 *   authentication_error  a key would grant it, the session lacks that key
 *   permission_denied     no right grants it (all "never"), or the command is not allowed here
 *   boundary_error        beyond the file
 *   length_error          a malformed command
 *   file_not_found / no_such_key / application_not_found
 * and every error ends the session on both sides.
 */
import { Ins, readData, selectApplication, writeData, type DesfireClient } from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import { EV2_AES, FREE, NEVER, authenticate, authenticatePicc, createAndSelectApp, createDataFile, expectFailure, formatCard, key, must, pattern, rights } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AID = 0x00acc0;
const PROTECTED = 1;
const SEALED = 2;
const PUBLIC = 3;
const FILE_SIZE_BYTES = 32;

export function accessCases(ctx: SuiteContext): void {
  describe('access rights and error statuses', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      await authenticatePicc(client);
      await createAndSelectApp(client, { aid: AID, keyType: 'aes128', keyCount: 4 });
      await authenticate(client, EV2_AES, { keyNo: 0 });
      must(await createDataFile(client, { fileNo: PROTECTED, backup: false, mode: 'full', sizeBytes: FILE_SIZE_BYTES, access: rights(key(1), key(2), key(3), key(0)) }), 'create protected');
      must(await createDataFile(client, { fileNo: SEALED, backup: false, mode: 'mac', sizeBytes: FILE_SIZE_BYTES, access: rights(NEVER, NEVER, NEVER, key(0)) }), 'create sealed');
      must(await createDataFile(client, { fileNo: PUBLIC, backup: false, mode: 'plain', sizeBytes: FILE_SIZE_BYTES, access: rights(FREE, key(2), key(3), key(0)) }), 'create public');
    });

    const session = async (keyNo?: number): Promise<DesfireClient> => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      if (keyNo !== undefined) await authenticate(client, EV2_AES, { keyNo });
      return client;
    };
    const read = (client: DesfireClient, fileNo: number, options: { offsetBytes?: number; lengthBytes?: number } = {}) =>
      readData(client, { fileNo, mode: fileNo === PROTECTED ? 'full' : fileNo === SEALED ? 'mac' : 'plain', offsetBytes: options.offsetBytes ?? 0, lengthBytes: options.lengthBytes ?? FILE_SIZE_BYTES });

    it('no session, key-protected file: authentication_error', async () => {
      expectFailure(await read(await session(), PROTECTED), 'authentication_error');
    });

    it('a session with a key the rights do not name: authentication_error', async () => {
      expectFailure(await read(await session(2), PROTECTED), 'authentication_error');
      expectFailure(await writeData(await session(1), { fileNo: PROTECTED, mode: 'full', offsetBytes: 0, data: pattern(4, 1) }), 'authentication_error');
    });

    it('the Read&Write key reads and writes; the Read key reads', async () => {
      const data = pattern(FILE_SIZE_BYTES, 0x31);
      must(await writeData(await session(3), { fileNo: PROTECTED, mode: 'full', offsetBytes: 0, data }), 'WriteData');
      expect(must(await read(await session(1), PROTECTED), 'ReadData')).toEqual(data);
    });

    it('rights all "never": permission_denied, whatever key is held', async () => {
      expectFailure(await read(await session(), SEALED), 'permission_denied');
      expectFailure(await read(await session(0), SEALED), 'permission_denied');
    });

    it('a free right reads in plain without a session', async () => {
      expect(must(await read(await session(), PUBLIC), 'ReadData free')).toHaveLength(FILE_SIZE_BYTES);
    });

    it('beyond the end of the file: boundary_error', async () => {
      expectFailure(await read(await session(1), PROTECTED, { offsetBytes: FILE_SIZE_BYTES - 4, lengthBytes: 8 }), 'boundary_error');
      expectFailure(await read(await session(), PUBLIC, { offsetBytes: FILE_SIZE_BYTES, lengthBytes: 1 }), 'boundary_error');
      expectFailure(await writeData(await session(3), { fileNo: PROTECTED, mode: 'full', offsetBytes: FILE_SIZE_BYTES - 1, data: pattern(2, 0) }), 'boundary_error');
    });

    it('a malformed command: length_error', async () => {
      const client = await session();
      // ReadData header is FileNo ‖ Offset(3) ‖ Length(3); send one byte short.
      expectFailure(await client.exec({ ins: Ins.ReadData, header: Uint8Array.of(PUBLIC, 0, 0, 0, 4, 0) }), 'length_error');
    });

    it('absent file, key and application: file_not_found, no_such_key, application_not_found', async () => {
      expectFailure(await read(await session(1), 9), 'file_not_found');
      const client = await session();
      expectFailure(await client.authenticate({ method: 'ev2-first', keyNo: 4, key: new Uint8Array(16), keyType: 'aes128' }), 'no_such_key');
      expectFailure(await selectApplication(client, AID + 1), 'application_not_found');
    });

    it('an error ends the session on the card too: the next MACed command is refused', async () => {
      const client = await session(1);
      expectFailure(await read(client, 9), 'file_not_found');
      expect(client.session).toBeUndefined();
      // Without a session the host sends the command plain; the card has no session either.
      expectFailure(await read(client, PROTECTED), 'authentication_error');
    });
  });
}
