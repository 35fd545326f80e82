/**
 * Hostile input at the level of a real host session (the emulator's own
 * fuzz test works on single APDUs): tampered, replayed, truncated and
 * out-of-sequence frames inside real EV2 sessions on a personalised card.
 * Each case checks the card refused, ended the session where the data
 * sheet says so, and that its committed image did not change.
 */
import {
  DesfireStatus,
  HostError,
  Ins,
  NATIVE_WRAP_CLA,
  commitTransaction,
  debit,
  getValue,
  readData,
  wrapNative,
  writeData,
} from '@onecard/card-os';
import { toHex } from '@onecard/keys';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectFailure, must, pattern } from './fixtures.js';
import { PROFILE_BYTES, PURSE_VALUE, SECRET_PICC_KEY, VictimFile, flipByte, malformation, personalisedVictim, type Victim } from './hostile-fixtures.js';

const FARE = 7_000;
const PURSE = { fileNo: VictimFile.purse, mode: 'mac' } as const;
/** Native wrapping: CLA INS P1 P2 Lc ‖ data ‖ Le (MF2DLHX0 §9.1). */
const APDU_HEADER_BYTES = 5;
const statusOf = (response: Uint8Array): number => response[response.length - 1] ?? -1;

let victim: Victim;
let imageBefore: Uint8Array;
beforeEach(async () => {
  victim = await personalisedVictim();
  imageBefore = victim.imageBytes();
});
const expectImageUnchanged = (): void => {
  expect(toHex(victim.imageBytes())).toBe(toHex(imageBefore));
  expect(victim.internalErrors).toEqual([]);
};

describe('hostile input inside real host sessions', () => {
  it('every single-bit flip of a MACed Debit APDU is refused; the purse and the rest of the card stay as they were', async () => {
    const debitLengthBytes = APDU_HEADER_BYTES + 1 + 4 + 8 + 1; // CLA INS P1 P2 Lc ‖ FileNo ‖ amount ‖ MACt ‖ Le
    // Every byte but Le, which DESFire ignores (MF2DLHX0 §9.1: Le = 00) and no MAC covers.
    for (let index = 0; index < debitLengthBytes - 1; index++) {
      const session = await victim.session(2);
      victim.channel.tamperCommand = flipByte(index);
      const outcome = await debit(session, { ...PURSE, amount: FARE }).catch((error: unknown) => error);
      if (outcome instanceof HostError) {
        // CLA, P1/P2, Lc: refused at the ISO layer (6E 00, 6A 86, 67 00), which the host reports as a link error.
        expect(outcome.code, `byte ${index}`).toBe('unexpected_status_word');
      } else {
        expect(outcome, `byte ${index}`).toMatchObject({ ok: false });
        expect(session.session).toBeUndefined();
        // Whatever the host sends next, the card has ended its session too (and dropped the transaction).
        expectFailure(await getValue(session, PURSE), 'authentication_error');
      }
      must(await commitTransaction(session, { returnTransactionMac: false }), 'CommitTransaction (unauthenticated: nothing pending)');
      expectImageUnchanged();
    }
    expect(must(await getValue(await victim.session(1), PURSE), 'GetValue')).toBe(PURSE_VALUE);
  });

  it('a flipped byte in a fully enciphered WriteData leaves the file unchanged', async () => {
    for (const index of [APDU_HEADER_BYTES + 1, APDU_HEADER_BYTES + 9, -3, -2]) {
      const client = await victim.session(2);
      victim.channel.tamperCommand = flipByte(index);
      const result = await writeData(client, { fileNo: VictimFile.profile, mode: 'full', offsetBytes: 0, data: pattern(20, 0x99) });
      expect(result.ok).toBe(false);
      expectImageUnchanged();
    }
  });

  it('a replayed Debit + Commit is refused, in the same session and in a new one', async () => {
    const client = await victim.session(2);
    const sentBefore = victim.channel.sent.length;
    must(await debit(client, { ...PURSE, amount: FARE }), 'Debit');
    must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
    const [debitApdu, commitApdu] = victim.channel.sent.slice(sentBefore);
    if (debitApdu === undefined || commitApdu === undefined) throw new Error('no APDUs recorded');
    imageBefore = victim.imageBytes();
    // Same session: the command counter has moved on.
    expect(statusOf(await victim.plain.transmit(debitApdu))).toBe(DesfireStatus.INTEGRITY_ERROR);
    expectImageUnchanged();
    // A new session (new TI, counter 0): the old MAC is worthless.
    await victim.session(2);
    expect(statusOf(await victim.plain.transmit(debitApdu))).toBe(DesfireStatus.INTEGRITY_ERROR);
    expect(statusOf(await victim.plain.transmit(commitApdu))).not.toBe(DesfireStatus.OPERATION_OK);
    expectImageUnchanged();
    expect(must(await getValue(await victim.session(1), PURSE), 'GetValue')).toBe(PURSE_VALUE - FARE);
  });

  it('an out-of-sequence AdditionalFrame is an illegal command and ends the session', async () => {
    const client = await victim.session(2);
    const answer = await victim.plain.transmit(wrapNative(Ins.AdditionalFrame, Uint8Array.of(1, 2, 3)));
    expect(toHex(answer)).toBe(`91${DesfireStatus.ILLEGAL_COMMAND_CODE.toString(16)}`);
    expectFailure(await getValue(client, PURSE), 'authentication_error');
    expectImageUnchanged();
  });

  it('a chained write cut short by another command is aborted (command_aborted) and writes nothing', async () => {
    const client = await victim.session(2);
    // Let the first frame of a chained WriteData through, then replace the AF continuation with GetVersion.
    victim.channel.rewriteCommands = (apdu) => (insOf(apdu) === Ins.AdditionalFrame ? wrapNative(Ins.GetVersion, new Uint8Array(0)) : apdu);
    const sentBefore = victim.channel.sent.length;
    const result = await writeData(client, { fileNo: VictimFile.profile, mode: 'full', offsetBytes: 0, data: pattern(PROFILE_BYTES, 0x55) });
    victim.channel.rewriteCommands = undefined;
    expect(result).toMatchObject({ ok: false, reason: 'command_aborted' });
    expect(victim.channel.sent.slice(sentBefore).map(insOf)).toEqual([Ins.WriteData, Ins.GetVersion]);
    expectImageUnchanged();
    const reader = await victim.session(1);
    expect(must(await readData(reader, { fileNo: VictimFile.profile, mode: 'full', offsetBytes: 0, lengthBytes: PROFILE_BYTES }), 'ReadData')).toEqual(pattern(PROFILE_BYTES, 0x11));
  });

  it('a tampered answer is never believed: a flipped GetValue response is an integrity error, not a value', async () => {
    for (const index of [0, 3, 4, 11]) {
      const client = await victim.session(1);
      victim.channel.tamperResponse = flipByte(index);
      expectFailure(await getValue(client, PURSE), 'integrity_error');
      expect(client.session).toBeUndefined();
    }
    expectImageUnchanged();
  });

  it('without the PICC master key nothing at PICC level changes: FormatPICC, CreateApplication, ChangeKey', async () => {
    for (const [ins, data] of [[Ins.FormatPICC, []], [Ins.CreateApplication, [1, 2, 3, 0x0f, 0x81]], [Ins.DeleteApplication, [0xd0, 0xba, 0x00]], [Ins.ChangeKey, [0x80, ...SECRET_PICC_KEY]]] as const) {
      must(await victim.client.execUnauthenticated({ ins: Ins.SelectApplication, data: new Uint8Array(3) }), 'select PICC');
      const answer = await victim.plain.transmit(Uint8Array.of(NATIVE_WRAP_CLA, ins, 0, 0, data.length, ...data, 0));
      expect(malformation(answer)).toBeUndefined();
      expect([DesfireStatus.AUTHENTICATION_ERROR, DesfireStatus.PERMISSION_DENIED]).toContain(statusOf(answer));
    }
    expectImageUnchanged();
  });
});

/** The INS byte of a command APDU. */
function insOf(apdu: Uint8Array): number {
  return apdu[1] ?? -1;
}
