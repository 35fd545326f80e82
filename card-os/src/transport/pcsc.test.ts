import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@onecard/keys';
import type { PcscContextBackend, PcscReaderBackend } from './pcsc-backend.js';
import {
  PCSC_GET_UID_APDU,
  PCSC_RESPONSE_APDU_BYTES_MAX,
  PCSC_TRANSMIT_QUEUE_LENGTH_MAX,
  PCSC_WAITERS_MAX,
  PcscClient,
  PcscError,
  pcscErrorFrom,
} from './pcsc.js';

// PC/SC constants as pcsclite.h defines them.
const T0 = 0x1;
const T1 = 0x2;
const STATE_EMPTY = 0x10;
const STATE_PRESENT = 0x20;
const STATE_MUTE = 0x200;
const SHARE_SHARED = 2;
const LEAVE_CARD = 0;
const ATR = fromHex('3b8180018080');
const REMOVED = 'SCardTransmit error: Card was removed.(0x80100069)';

type TransmitCallback = (error: unknown, response: Buffer) => void;

/** A pcsclite CardReader stand-in; `answer` decides each transmit. */
class FakeReader extends EventEmitter implements PcscReaderBackend {
  readonly SCARD_SHARE_SHARED = SHARE_SHARED;
  readonly SCARD_PROTOCOL_T0 = T0;
  readonly SCARD_PROTOCOL_T1 = T1;
  readonly SCARD_STATE_PRESENT = STATE_PRESENT;
  readonly SCARD_STATE_EMPTY = STATE_EMPTY;
  readonly SCARD_STATE_MUTE = STATE_MUTE;
  readonly SCARD_LEAVE_CARD = LEAVE_CARD;
  readonly connects: { share_mode: number; protocol: number }[] = [];
  readonly sent: string[] = [];
  disconnects = 0;
  closed = false;
  connectError: Error | undefined;
  answer: (apdu: Buffer, callback: TransmitCallback) => void = (apdu, callback) => {
    setImmediate(() => { callback(null, Buffer.from([apdu[1] ?? 0, 0x90, 0x00])); });
  };

  constructor(readonly name: string) {
    super();
  }

  connect(options: { share_mode: number; protocol: number }, callback: (error: unknown, protocol: number) => void): void {
    this.connects.push(options);
    setImmediate(() => { callback(this.connectError ?? null, T1); });
  }

  disconnect(_disposition: number, callback: (error: unknown) => void): void {
    this.disconnects++;
    setImmediate(() => { callback(null); });
  }

  transmit(data: Buffer, responseBytesMax: number, protocol: number, callback: TransmitCallback): void {
    expect(responseBytesMax).toBe(PCSC_RESPONSE_APDU_BYTES_MAX);
    expect(protocol).toBe(T1);
    this.sent.push(toHex(data));
    this.answer(data, callback);
  }

  close(): void {
    this.closed = true;
  }

  status(state: number, atr?: Uint8Array): void {
    this.emit('status', atr === undefined ? { state } : { state, atr: Buffer.from(atr) });
  }
}

class FakeContext extends EventEmitter implements PcscContextBackend {
  closed = false;
  close(): void {
    this.closed = true;
  }
  attach(reader: FakeReader): FakeReader {
    this.emit('reader', reader);
    return reader;
  }
}

const clients: PcscClient[] = [];
async function openFake(): Promise<{ client: PcscClient; context: FakeContext }> {
  const context = new FakeContext();
  const client = await PcscClient.open({ openBackend: () => context });
  clients.push(client);
  return { client, context };
}

async function connectedReader(): Promise<{ client: PcscClient; context: FakeContext; reader: FakeReader }> {
  const { client, context } = await openFake();
  const reader = context.attach(new FakeReader('OneCard vpcd 00 00'));
  reader.status(STATE_PRESENT, ATR);
  return { client, context, reader };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('PcscClient', () => {
  it('maps a failed SCardEstablishContext to service_unavailable, keeping the cause', async () => {
    const cause = new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
    const failure = await PcscClient.open({ openBackend: () => { throw cause; } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PcscError);
    expect(failure).toMatchObject({ code: 'service_unavailable', pcscStatus: 0x8010001d, cause });
  });

  it('waits for a reader by exact name or by pattern, and times out otherwise', async () => {
    const { client, context } = await openFake();
    const byPattern = client.waitForReader({ readerNamePattern: /vpcd 00 01$/ });
    const byName = client.waitForReader({ readerName: 'OneCard vpcd 00 00' });
    context.attach(new FakeReader('OneCard vpcd 00 00'));
    context.attach(new FakeReader('OneCard vpcd 00 01'));
    expect(await byName).toBe('OneCard vpcd 00 00');
    expect(await byPattern).toBe('OneCard vpcd 00 01');
    expect(client.readerNames()).toEqual(['OneCard vpcd 00 00', 'OneCard vpcd 00 01']);
    await expect(client.waitForReader({ readerName: 'ACS ACR1252' }, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('sees a card arrive (with its ATR), a mute card as absent, and the card leave', async () => {
    const { client, context } = await openFake();
    const reader = context.attach(new FakeReader('r'));
    const arrived = client.waitForCard('r', { timeoutMs: 1_000 });
    reader.status(STATE_EMPTY);
    reader.status(STATE_PRESENT | STATE_MUTE, ATR);
    reader.status(STATE_PRESENT, ATR);
    expect(toHex((await arrived).atr)).toBe('3b8180018080');
    const removed = client.waitForCardRemoved('r', { timeoutMs: 1_000 });
    reader.status(STATE_EMPTY);
    await expect(removed).resolves.toBeUndefined();
    await expect(client.waitForCard('r', { timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
    await expect(client.waitForCard('nope')).rejects.toMatchObject({ code: 'reader_not_found' });
  });

  it('rejects pending waits when reader monitoring fails, and bounds concurrent waits', async () => {
    const { client, context } = await openFake();
    context.attach(new FakeReader('r'));
    const waits = Array.from({ length: PCSC_WAITERS_MAX }, () => client.waitForCard('r', { timeoutMs: 1_000 }));
    await expect(client.waitForCard('r')).rejects.toMatchObject({ code: 'too_many_waiters' });
    context.emit('error', new Error('SCardGetStatusChange error: Service was stopped.(0x8010001e)'));
    const outcomes = await Promise.allSettled(waits);
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as PcscError).code === 'service_unavailable')).toBe(true);
  });

  it('connects in shared mode, T=1 only or T=0|T=1, one channel per reader', async () => {
    const { client, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00', { protocol: 'T1' });
    expect(reader.connects).toEqual([{ share_mode: SHARE_SHARED, protocol: T1 }]);
    await expect(client.connect('OneCard vpcd 00 00')).rejects.toMatchObject({ code: 'reader_busy' });
    await channel.close();
    await channel.close();
    expect(reader.disconnects).toBe(1);
    await client.connect('OneCard vpcd 00 00');
    expect(reader.connects[1]).toEqual({ share_mode: SHARE_SHARED, protocol: T0 | T1 });
  });

  it('maps a failed SCardConnect through the status table', async () => {
    const { client, reader } = await connectedReader();
    reader.connectError = new Error('SCardConnect error: No smart card inserted.(0x8010000c)');
    await expect(client.connect('OneCard vpcd 00 00')).rejects.toMatchObject({ code: 'no_card', pcscStatus: 0x8010000c });
  });
});

describe('PcscCardChannel', () => {
  it('returns data ‖ SW and keeps APDUs in order even when answers come back at different speeds', async () => {
    const { client, reader } = await connectedReader();
    let delayMs = 30;
    reader.answer = (apdu, callback) => {
      delayMs = Math.max(0, delayMs - 10);
      setTimeout(() => { callback(null, Buffer.from([apdu[1] ?? 0, 0x90, 0x00])); }, delayMs);
    };
    const channel = await client.connect('OneCard vpcd 00 00');
    const answers = await Promise.all(['90600000', '90610000', '90620000'].map((hex) => channel.transmit(fromHex(hex))));
    expect(answers.map(toHex)).toEqual(['609000', '619000', '629000']);
    expect(reader.sent).toEqual(['90600000', '90610000', '90620000']);
  });

  it('reads the UID with FF CA 00 00 00 and refuses a bad answer without echoing data', async () => {
    const { client, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00');
    reader.answer = (_apdu, callback) => { callback(null, Buffer.from(fromHex('04a1b2c3d4e5f6 9000'))); };
    expect(toHex(await channel.readUid())).toBe('04a1b2c3d4e5f6');
    expect(reader.sent.at(-1)).toBe(toHex(PCSC_GET_UID_APDU));
    reader.answer = (_apdu, callback) => { callback(null, Buffer.from(fromHex('04a1b2 6a81'))); };
    const failure = await channel.readUid().catch((e: unknown) => e as PcscError);
    expect(failure).toMatchObject({ code: 'uid_unavailable' });
    expect((failure as Error).message).not.toContain('04a1b2');
  });

  it('reports card_removed from pcscd, and refuses to send once the reader saw the card leave', async () => {
    const { client, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00');
    reader.answer = (_apdu, callback) => { callback(new Error(REMOVED), Buffer.alloc(0)); };
    await expect(channel.transmit(fromHex('00a40400'))).rejects.toMatchObject({ code: 'card_removed', pcscStatus: 0x80100069 });
    reader.status(STATE_EMPTY);
    const sentBefore = reader.sent.length;
    await expect(channel.transmit(fromHex('00a40400'))).rejects.toMatchObject({ code: 'card_removed' });
    expect(reader.sent).toHaveLength(sentBefore);
  });

  it('times out a transmit that never returns, and bounds the queue', async () => {
    const { client, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00');
    const hung: TransmitCallback[] = [];
    reader.answer = (_apdu, callback) => { hung.push(callback); }; // the native call does not return
    const pending = Array.from({ length: PCSC_TRANSMIT_QUEUE_LENGTH_MAX }, () =>
      channel.transmit(fromHex('00b00000'), { timeoutMs: 30 }).catch((e: unknown) => e));
    await expect(channel.transmit(fromHex('00b00000'))).rejects.toMatchObject({ code: 'queue_full' });
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o instanceof PcscError && o.code === 'timeout')).toBe(true);
    expect(hung).toHaveLength(1); // the rest wait behind the first native call
    await channel.close({ timeoutMs: 30 });
    expect(reader.disconnects).toBe(1);
  });

  it('rejects APDUs shorter than a header and responses shorter than a status word', async () => {
    const { client, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00');
    await expect(channel.transmit(fromHex('00a4'))).rejects.toBeInstanceOf(RangeError);
    reader.answer = (_apdu, callback) => { callback(null, Buffer.from([0x90])); };
    await expect(channel.transmit(fromHex('00a40400'))).rejects.toMatchObject({ code: 'transmit_failed' });
  });

  it('close() on the client disconnects channels and stops every watcher', async () => {
    const { client, context, reader } = await connectedReader();
    const channel = await client.connect('OneCard vpcd 00 00');
    await client.close();
    expect(reader.disconnects).toBe(1);
    expect(reader.closed).toBe(true);
    expect(context.closed).toBe(true);
    await expect(channel.transmit(fromHex('00a40400'))).rejects.toMatchObject({ code: 'closed' });
    await expect(client.connect('OneCard vpcd 00 00')).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('pcscErrorFrom', () => {
  it('falls back to the operation code for unknown statuses and non-pcsclite errors', () => {
    expect(pcscErrorFrom(new Error('SCardTransmit error: Unknown.(0x80100099)'), 'transmit_failed', 'SCardTransmit'))
      .toMatchObject({ code: 'transmit_failed', pcscStatus: 0x80100099 });
    expect(pcscErrorFrom('not an error', 'connect_failed', 'SCardConnect')).toMatchObject({ code: 'connect_failed', pcscStatus: undefined });
  });
});
