import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, RND_A_16, ZERO_AES_KEY, hex, newTestCard, select } from '../testing/fixtures.js';

/** AES app 000001 with 4 keys; std file 00 (1 KB, mode as given), backup file 01 (64 bytes), rights R=1 W=2 RW=3 C=0. */
function setup(mode: 'plain' | 'mac' | 'full' = 'full') {
  const t = newTestCard();
  t.reader.frame(Ins.CreateApplication, hex('010000 0f 84'));
  select(t.reader, 1);
  const option = { plain: '00', mac: '01', full: '03' }[mode];
  t.reader.frame(Ins.CreateStdDataFile, hex(`00 ${option} 3012 000400`));
  t.reader.frame(Ins.CreateBackupDataFile, hex(`01 ${option} 3012 400000`));
  return t;
}

const pattern = (lengthBytes: number): Uint8Array => Uint8Array.from({ length: lengthBytes }, (_, i) => (i * 7 + 3) & 0xff);
const rw = (offset: number, lengthBytes: number): Uint8Array =>
  Uint8Array.of(offset & 0xff, (offset >> 8) & 0xff, 0, lengthBytes & 0xff, (lengthBytes >> 8) & 0xff, 0);

describe('ReadData / WriteData', () => {
  for (const mode of ['plain', 'mac', 'full'] as const) {
    it(`writes and reads 1 KB across AF frames in ${mode} mode (EV2 session)`, () => {
      const { reader } = setup(mode);
      reader.authenticateEv2({ method: 'ev2-first', keyNo: 3, key: ZERO_AES_KEY, rndA: RND_A_16 });
      const data = pattern(1024);
      expect(reader.send(Ins.WriteData, { header: concatBytes(hex('00'), rw(0, 1024)), data, fileMode: mode }).status).toBe(OK);
      expect(reader.send(Ins.ReadData, { header: concatBytes(hex('00'), rw(0, 0)), fileMode: mode })).toEqual({ status: OK, data });
      expect(reader.send(Ins.ReadData, { header: concatBytes(hex('00'), rw(1000, 24)), fileMode: mode })).toEqual({ status: OK, data: data.subarray(1000) });
    });
  }

  it('reads and writes in an EV1 AES session too', () => {
    const { reader } = setup('full');
    reader.authenticateEv1({ method: 'aes', keyNo: 3, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 });
    const data = pattern(100);
    expect(reader.send(Ins.WriteData, { header: concatBytes(hex('00'), rw(5, 100)), data, fileMode: 'full' }).status).toBe(OK);
    expect(reader.send(Ins.ReadData, { header: concatBytes(hex('00'), rw(5, 100)), fileMode: 'full' })).toEqual({ status: OK, data });
  });

  it('enforces access rights: read key cannot write, no key at all is AUTHENTICATION_ERROR, never is PERMISSION_DENIED', () => {
    const { reader } = setup('plain');
    expect(reader.frame(Ins.ReadData, concatBytes(hex('00'), rw(0, 1))).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 1, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ReadData, { header: concatBytes(hex('00'), rw(0, 1)), fileMode: 'plain' }).status).toBe(OK);
    expect(reader.send(Ins.WriteData, { header: concatBytes(hex('00'), rw(0, 1)), data: hex('aa'), fileMode: 'plain' }).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.frame(Ins.CreateStdDataFile, hex('05 00 ffff 100000'));
    expect(reader.frame(Ins.ReadData, concatBytes(hex('05'), rw(0, 1))).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });

  it('free access reads plain even inside a session', () => {
    const { reader } = setup('full');
    reader.frame(Ins.CreateStdDataFile, hex('06 03 e000 100000'));
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 2, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ReadData, { header: concatBytes(hex('06'), rw(0, 4)), fileMode: 'plain' })).toEqual({ status: OK, data: new Uint8Array(4) });
  });

  it('answers BOUNDARY_ERROR beyond the file, LENGTH_ERROR for a bad frame, FILE_NOT_FOUND and PARAMETER_ERROR', () => {
    const { reader } = setup('plain');
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 3, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ReadData, { header: concatBytes(hex('00'), rw(1024, 1)), fileMode: 'plain' }).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 3, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.WriteData, { header: concatBytes(hex('00'), rw(1020, 8)), data: pattern(8), fileMode: 'plain' }).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    reader.session = null;
    select(reader, 1);
    expect(reader.frame(Ins.ReadData, hex('00 0000')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(reader.frame(Ins.ReadData, concatBytes(hex('09'), rw(0, 1))).status).toBe(DesfireStatus.FILE_NOT_FOUND);
    reader.frame(Ins.CreateValueFile, hex('02 00 eeee 00000000 10000000 00000000 00'));
    expect(reader.frame(Ins.ReadData, concatBytes(hex('02'), rw(0, 1))).status).toBe(DesfireStatus.PARAMETER_ERROR);
  });

  it('a Backup file changes only at CommitTransaction; AbortTransaction, SelectApplication and power off drop the change', () => {
    const { reader, card } = setup('plain');
    const auth = (): void => {
      reader.authenticateEv2({ method: 'ev2-first', keyNo: 3, key: ZERO_AES_KEY, rndA: RND_A_16 });
    };
    const write = (byte: number): number => reader.send(Ins.WriteData, { header: concatBytes(hex('01'), rw(0, 1)), data: Uint8Array.of(byte), fileMode: 'plain' }).status;
    const read = (): number | undefined => reader.send(Ins.ReadData, { header: concatBytes(hex('01'), rw(0, 1)), fileMode: 'plain' }).data[0];
    auth();
    expect(write(0x11)).toBe(OK);
    expect(read()).toBe(0);
    expect(reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(read()).toBe(0x11);
    expect(write(0x22)).toBe(OK);
    expect(reader.send(Ins.AbortTransaction).status).toBe(OK);
    expect(reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(write(0x33)).toBe(OK);
    select(reader, 1);
    auth();
    expect(reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(write(0x44)).toBe(OK);
    card.powerOff();
    card.powerOn();
    select(reader, 1);
    auth();
    expect(read()).toBe(0x11);
  });

  it('a long WriteData interrupted by another command is dropped with COMMAND_ABORTED', () => {
    const { reader } = setup('plain');
    reader.frame(Ins.CreateStdDataFile, hex('07 00 eeee 000100'));
    expect(reader.frame(Ins.WriteData, concatBytes(hex('07'), rw(0, 100), pattern(40))).status).toBe(DesfireStatus.ADDITIONAL_FRAME);
    expect(reader.frame(Ins.GetFileIDs).status).toBe(DesfireStatus.COMMAND_ABORTED);
    expect(reader.frame(Ins.ReadData, concatBytes(hex('07'), rw(0, 4))).data).toEqual(new Uint8Array(4));
    expect(reader.frame(Ins.WriteData, concatBytes(hex('07'), rw(0, 2), pattern(3))).status).toBe(DesfireStatus.LENGTH_ERROR);
  });
});
