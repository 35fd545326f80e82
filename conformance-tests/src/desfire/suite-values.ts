/**
 * Value files (MF2DLHX0 §10.8.3-10.8.6; EV1 data sheet remarks): who may
 * Credit, Debit and LimitedCredit, the lower and upper limits, the limited
 * credit allowance, and GetValue showing the committed value.
 */
import {
  abortTransaction,
  commitTransaction,
  credit,
  debit,
  getValue,
  limitedCredit,
  selectApplication,
  type DesfireClient,
} from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import { EV2_AES, authenticate, authenticatePicc, createAndSelectApp, createValueFile, expectFailure, formatCard, key, must, rights } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AID = 0x00a1e0;
/** Read key 1, Write key 2, Read&Write key 3, Change key 0. */
const VALUE_RIGHTS = rights(key(1), key(2), key(3), key(0));
const PURSE = 1;
const NO_LIMITED_CREDIT = 2;
const FREE_GET_VALUE = 3;
const LOWER_LIMIT = -500;
const UPPER_LIMIT = 100_000;
const INITIAL_VALUE = 10_000;

export function valueCases(ctx: SuiteContext): void {
  describe('value files', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      await authenticatePicc(client);
      await createAndSelectApp(client, { aid: AID, keyType: 'aes128', keyCount: 4 });
      await authenticate(client, EV2_AES, { keyNo: 0 });
      const spec = { mode: 'mac', lowerLimit: LOWER_LIMIT, upperLimit: UPPER_LIMIT, value: INITIAL_VALUE, access: VALUE_RIGHTS } as const;
      must(await createValueFile(client, { ...spec, fileNo: PURSE, limitedCredit: true }), 'create purse');
      must(await createValueFile(client, { ...spec, fileNo: NO_LIMITED_CREDIT, limitedCredit: false }), 'create value');
      must(await createValueFile(client, { ...spec, fileNo: FREE_GET_VALUE, limitedCredit: false, freeGetValue: true }), 'create free-read value');
    });

    const session = async (keyNo: number): Promise<DesfireClient> => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      await authenticate(client, EV2_AES, { keyNo });
      return client;
    };
    const valueOf = async (client: DesfireClient, fileNo: number): Promise<number> => must(await getValue(client, { fileNo, mode: 'mac' }), 'GetValue');

    it('GetValue needs a key; free GetValue answers in plain without one', async () => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      expectFailure(await getValue(client, { fileNo: PURSE, mode: 'mac' }), 'authentication_error');
      expect(must(await getValue(client, { fileNo: FREE_GET_VALUE, mode: 'plain' }), 'free GetValue')).toBe(INITIAL_VALUE);
    });

    it('Debit works with the Read key, Credit needs the Read&Write key', async () => {
      const client = await session(1);
      must(await debit(client, { fileNo: PURSE, mode: 'mac', amount: 1_500 }), 'Debit');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      expect(await valueOf(client, PURSE)).toBe(INITIAL_VALUE - 1_500);
      expectFailure(await credit(client, { fileNo: PURSE, mode: 'mac', amount: 1 }), 'authentication_error');
      const rw = await session(3);
      must(await credit(rw, { fileNo: PURSE, mode: 'mac', amount: 1_500 }), 'Credit');
      must(await commitTransaction(rw, { returnTransactionMac: false }), 'Commit');
      expect(await valueOf(rw, PURSE)).toBe(INITIAL_VALUE);
    });

    it('GetValue shows the committed value while a change is pending; AbortTransaction drops it', async () => {
      const client = await session(3);
      must(await debit(client, { fileNo: PURSE, mode: 'mac', amount: 2_000 }), 'Debit');
      must(await credit(client, { fileNo: NO_LIMITED_CREDIT, mode: 'mac', amount: 2_000 }), 'Credit');
      expect(await valueOf(client, PURSE)).toBe(INITIAL_VALUE);
      must(await abortTransaction(client), 'AbortTransaction');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit with nothing pending');
      expect(await valueOf(client, PURSE)).toBe(INITIAL_VALUE);
      expect(await valueOf(client, NO_LIMITED_CREDIT)).toBe(INITIAL_VALUE);
    });

    it('the limits hold: boundary_error, the value unchanged, the session ended', async () => {
      const client = await session(3);
      expectFailure(await debit(client, { fileNo: PURSE, mode: 'mac', amount: INITIAL_VALUE - LOWER_LIMIT + 1 }), 'boundary_error');
      expect(client.session).toBeUndefined();
      const again = await session(3);
      expectFailure(await credit(again, { fileNo: PURSE, mode: 'mac', amount: UPPER_LIMIT - INITIAL_VALUE + 1 }), 'boundary_error');
      const exact = await session(3);
      must(await debit(exact, { fileNo: PURSE, mode: 'mac', amount: INITIAL_VALUE - LOWER_LIMIT }), 'Debit to the lower limit');
      must(await commitTransaction(exact, { returnTransactionMac: false }), 'Commit');
      expect(await valueOf(exact, PURSE)).toBe(LOWER_LIMIT);
      must(await credit(exact, { fileNo: PURSE, mode: 'mac', amount: UPPER_LIMIT - LOWER_LIMIT }), 'Credit to the upper limit');
      must(await commitTransaction(exact, { returnTransactionMac: false }), 'Commit');
      expect(await valueOf(exact, PURSE)).toBe(UPPER_LIMIT);
    });

    it('LimitedCredit (Write key) re-books at most the debits of the last debiting transaction, once', async () => {
      const client = await session(3);
      must(await debit(client, { fileNo: PURSE, mode: 'mac', amount: 300 }), 'Debit');
      must(await debit(client, { fileNo: PURSE, mode: 'mac', amount: 200 }), 'Debit');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      const afterDebit = await valueOf(client, PURSE);
      const writer = await session(2);
      expectFailure(await limitedCredit(writer, { fileNo: PURSE, mode: 'mac', amount: 501 }), 'boundary_error');
      const writer2 = await session(2);
      must(await limitedCredit(writer2, { fileNo: PURSE, mode: 'mac', amount: 500 }), 'LimitedCredit');
      must(await commitTransaction(writer2, { returnTransactionMac: false }), 'Commit');
      expect(await valueOf(writer2, PURSE)).toBe(afterDebit + 500);
      expectFailure(await limitedCredit(writer2, { fileNo: PURSE, mode: 'mac', amount: 1 }), 'boundary_error');
      const writer3 = await session(2);
      expectFailure(await limitedCredit(writer3, { fileNo: NO_LIMITED_CREDIT, mode: 'mac', amount: 1 }), 'permission_denied');
    });
  });
}
