import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '@onecard/keys';
import { authDefaultPicc, newTestCard } from '../emulator/testing/fixtures.js';
import { Ins } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { CONFIG_OPTION_ATS, userAtsPlaintext } from '../sm/user-ats.js';
import type { VirtualCard } from './types.js';
import {
  VPCD_COMMAND_APDU_BYTES_MAX,
  VPCD_FRAME_PAYLOAD_BYTES_MAX,
  VPCD_LENGTH_PREFIX_BYTES,
  VpcdBridge,
  VpcdError,
  type VpcdSessionEnd,
} from './vpcd.js';

const ATR = fromHex('3b 81 80 01 80 80');

/** Records what vpcd asked of it; answers every APDU with its own INS byte ‖ 90 00. */
class RecordingCard implements VirtualCard {
  readonly atr = ATR;
  readonly calls: string[] = [];
  powerOn(): void { this.calls.push('on'); }
  powerOff(): void { this.calls.push('off'); }
  reset(): void { this.calls.push('reset'); }
  process(commandApdu: Uint8Array): Uint8Array {
    this.calls.push(`apdu:${toHex(commandApdu)}`);
    return Uint8Array.of(commandApdu[1] ?? 0, 0x90, 0x00);
  }
}

function frame(payloadHex: string): Buffer {
  const payload = fromHex(payloadHex);
  const out = Buffer.alloc(VPCD_LENGTH_PREFIX_BYTES + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, VPCD_LENGTH_PREFIX_BYTES);
  return out;
}

/** Plays vpcd's side: accepts one card connection and reads length-prefixed reply frames. */
class FakeVpcd {
  readonly server: Server = createServer();
  peer: Socket | undefined;
  #received = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.server.on('connection', (socket: Socket) => {
      this.peer = socket;
      socket.on('data', (chunk: Buffer) => {
        this.#received = Buffer.concat([this.#received, chunk]);
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async accepted(): Promise<Socket> {
    if (this.peer !== undefined) return this.peer;
    const [socket] = (await once(this.server, 'connection')) as [Socket];
    return socket;
  }

  /** Next reply frame's payload, as hex. */
  async reply(): Promise<string> {
    for (;;) {
      if (this.#received.length >= VPCD_LENGTH_PREFIX_BYTES) {
        const lengthBytes = this.#received.readUInt16BE(0);
        const end = VPCD_LENGTH_PREFIX_BYTES + lengthBytes;
        if (this.#received.length >= end) {
          const payload = this.#received.subarray(VPCD_LENGTH_PREFIX_BYTES, end);
          this.#received = this.#received.subarray(end);
          return toHex(payload);
        }
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  get pendingBytes(): number {
    return this.#received.length;
  }

  async close(): Promise<void> {
    this.peer?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }
}

describe('VpcdBridge', () => {
  let vpcd: FakeVpcd;
  let port: number;
  let card: RecordingCard;
  let ends: VpcdSessionEnd[];
  let bridge: VpcdBridge;

  beforeEach(async () => {
    vpcd = new FakeVpcd();
    port = await vpcd.listen();
    card = new RecordingCard();
    ends = [];
    bridge = new VpcdBridge(card, { host: '127.0.0.1', port, onSessionEnd: (end) => ends.push(end) });
  });

  afterEach(async () => {
    await bridge.disconnect();
    await vpcd.close();
    vi.restoreAllMocks();
  });

  it('answers get ATR, forwards power control without a reply, and answers APDUs', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    peer.write(frame('01'));
    peer.write(frame('04'));
    expect(await vpcd.reply()).toBe('3b8180018080');
    peer.write(frame('02'));
    peer.write(frame('00a4040000'));
    expect(await vpcd.reply()).toBe('a49000');
    peer.write(frame('00'));
    peer.write(frame('04'));
    expect(await vpcd.reply()).toBe('3b8180018080');
    expect(card.calls).toEqual(['on', 'reset', 'apdu:00a4040000', 'off']);
    expect(bridge.counters).toEqual({ apduCount: 1, controlCount: 5, malformedFrameCount: 0 });
  });

  it('answers get ATR with the card\'s ATR of that moment: after SetConfiguration 02 the user ATS\'s historical bytes', async () => {
    const { card: desfire, reader } = newTestCard();
    authDefaultPicc(reader);
    const plaintext = userAtsPlaintext({ scheme: 'd40', ats: fromHex('0a 75 77 81 02 80 4f 4e 45 43') });
    const ats = reader.sendPreformatted(Ins.SetConfiguration, { header: Uint8Array.of(CONFIG_OPTION_ATS), plaintext, sameKey: false });
    expect(ats.status).toBe(DesfireStatus.OPERATION_OK);
    const otherVpcd = new FakeVpcd();
    const desfireBridge = new VpcdBridge(desfire, { host: '127.0.0.1', port: await otherVpcd.listen() });
    try {
      await desfireBridge.connect();
      const peer = await otherVpcd.accepted();
      peer.write(frame('01'));
      peer.write(frame('04'));
      expect(await otherVpcd.reply()).toBe('3b858001804f4e454383');
    } finally {
      await desfireBridge.disconnect();
      await otherVpcd.close();
    }
  });

  it('sets TCP_NODELAY on its socket', async () => {
    const setNoDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    await bridge.connect();
    expect(setNoDelay).toHaveBeenCalledWith(true);
  });

  it('reassembles frames split byte by byte and splits frames sent in one chunk', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    for (const byte of frame('9060000000')) {
      peer.write(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await vpcd.reply()).toBe('609000');
    peer.write(Buffer.concat([frame('04'), frame('906a000000'), frame('04')]));
    expect(await vpcd.reply()).toBe('3b8180018080');
    expect(await vpcd.reply()).toBe('6a9000');
    expect(await vpcd.reply()).toBe('3b8180018080');
  });

  it('skips an oversize frame without buffering it, answers 67 00 and stays in step', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    const oversize = Buffer.alloc(VPCD_LENGTH_PREFIX_BYTES + VPCD_COMMAND_APDU_BYTES_MAX + 1, 0x11);
    oversize.writeUInt16BE(VPCD_COMMAND_APDU_BYTES_MAX + 1, 0);
    peer.write(oversize.subarray(0, 100));
    peer.write(Buffer.concat([oversize.subarray(100), frame('04')]));
    expect(await vpcd.reply()).toBe('6700');
    expect(await vpcd.reply()).toBe('3b8180018080');
    expect(card.calls.filter((c) => c.startsWith('apdu'))).toEqual([]);
    expect(bridge.counters.malformedFrameCount).toBe(1);
  });

  it('ignores empty frames and unknown control bytes', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    peer.write(Buffer.concat([frame(''), frame('7f'), frame('04')]));
    expect(await vpcd.reply()).toBe('3b8180018080');
    expect(vpcd.pendingBytes).toBe(0);
    expect(bridge.counters.malformedFrameCount).toBe(2);
  });

  it('ends the session as truncated_frame when vpcd closes mid-frame, and powers the card off', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    peer.end(frame('00a4040000').subarray(0, 4));
    await vi.waitFor(() => { expect(ends).toHaveLength(1); });
    expect(ends[0]?.reason).toBe('truncated_frame');
    expect(bridge.state).toBe('idle');
    expect(card.calls.at(-1)).toBe('off');
  });

  it('ends the session as frame_timeout when a frame stays incomplete', async () => {
    const quick = new VpcdBridge(card, { host: '127.0.0.1', port, partialFrameTimeoutMs: 50, onSessionEnd: (end) => ends.push(end) });
    await quick.connect();
    (await vpcd.accepted()).write(Uint8Array.of(0x00));
    await vi.waitFor(() => { expect(ends.map((e) => e.reason)).toEqual(['frame_timeout']); });
    expect(quick.state).toBe('idle');
  });

  it('reports peer_closed when vpcd closes between frames, and does not reconnect', async () => {
    await bridge.connect();
    (await vpcd.accepted()).end();
    await vi.waitFor(() => { expect(ends.map((e) => e.reason)).toEqual(['peer_closed']); });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bridge.state).toBe('idle');
    const connections = await new Promise<number>((resolve) => { vpcd.server.getConnections((_e, n) => { resolve(n); }); });
    expect(connections).toBe(0);
  });

  it('disconnect() is a removal: vpcd sees the close, the card is powered off, a new tap works', async () => {
    await bridge.connect();
    const peer = await vpcd.accepted();
    const peerClosed = once(peer, 'close');
    await bridge.disconnect();
    await peerClosed;
    expect(ends.map((e) => e.reason)).toEqual(['removed']);
    expect(card.calls).toEqual(['off']);
    vpcd.peer = undefined;
    await bridge.connect();
    const second = await vpcd.accepted();
    second.write(frame('04'));
    expect(await vpcd.reply()).toBe('3b8180018080');
  });

  it('ends the session as card_fault when the card throws', async () => {
    card.process = () => { throw new Error('emulator bug'); };
    await bridge.connect();
    (await vpcd.accepted()).write(frame('00b0000000'));
    await vi.waitFor(() => { expect(ends.map((e) => e.reason)).toEqual(['card_fault']); });
    expect(ends[0]?.error).toBeInstanceOf(VpcdError);
    expect(ends[0]?.error?.code).toBe('card_fault');
  });

  it('rejects a second connect while connected', async () => {
    await bridge.connect();
    await expect(bridge.connect()).rejects.toMatchObject({ code: 'already_connected' });
  });

  it('rejects with connect_failed when nothing listens, and reports no session', async () => {
    await vpcd.close();
    await expect(bridge.connect()).rejects.toMatchObject({ name: 'VpcdError', code: 'connect_failed' });
    expect(bridge.state).toBe('idle');
    expect(ends).toEqual([]);
    expect(card.calls).toEqual([]);
  });

  it('keeps its limits consistent', () => {
    expect(VPCD_COMMAND_APDU_BYTES_MAX).toBeLessThanOrEqual(VPCD_FRAME_PAYLOAD_BYTES_MAX);
    expect(VPCD_FRAME_PAYLOAD_BYTES_MAX).toBe(2 ** (8 * VPCD_LENGTH_PREFIX_BYTES) - 1);
    expect(() => new VpcdBridge(card, { host: '127.0.0.1', port: 0 })).toThrow(RangeError);
  });
});
