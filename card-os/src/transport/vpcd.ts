/**
 * vpcd bridge: puts a `VirtualCard` behind the real pcscd through vsmartcard's
 * vpcd reader driver. vpcd listens; the card connects to it as a TCP client.
 * Connecting is a tap, closing the socket is a removal. Nothing reconnects on
 * its own: when the session ends, `onSessionEnd` says why and the next tap is
 * another explicit `connect()`.
 *
 * Wire protocol (vsmartcard virtualsmartcard/src/vpcd/vpcd.c): every frame is
 * a 2-byte big-endian length, then the payload. A 1-byte payload is a control
 * byte (00 power off, 01 power on, 02 reset: no reply; 04 get ATR: reply the
 * ATR). A longer payload is a command APDU: reply with data ‖ SW1 SW2.
 */
import { createConnection, type Socket } from 'node:net';
import type { VirtualCard } from './types.js';

/** The length prefix is 2 bytes, so no frame can carry more than this. */
export const VPCD_FRAME_PAYLOAD_BYTES_MAX = 0xffff;
export const VPCD_LENGTH_PREFIX_BYTES = 2;
/**
 * Largest command APDU handed to the card: an ISO/IEC 7816-4 short APDU
 * (4 header + Lc + 255 data + Le). Longer frames are skipped without being
 * buffered and answered `67 00` (wrong length).
 */
export const VPCD_COMMAND_APDU_BYTES_MAX = 4 + 1 + 255 + 1;
/** A frame that started arriving must be complete within this time, or the session ends. */
export const VPCD_PARTIAL_FRAME_TIMEOUT_MS_DEFAULT = 5_000;
export const VPCD_CONNECT_TIMEOUT_MS_DEFAULT = 5_000;

/** Control bytes (one-byte frames) sent by vpcd. */
export const VpcdControl = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04 } as const;

const SW_WRONG_LENGTH = Uint8Array.of(0x67, 0x00);

export type VpcdErrorCode = 'already_connected' | 'connect_failed' | 'connect_timeout' | 'socket_error' | 'card_fault';

/** I/O failures of the vpcd bridge. Messages name host and port, never card data. */
export class VpcdError extends Error {
  override readonly name = 'VpcdError';
  readonly code: VpcdErrorCode;
  constructor(code: VpcdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type VpcdSessionEndReason =
  | 'removed' // disconnect() was called
  | 'peer_closed' // vpcd closed the connection (pcscd stopped or ejected the card)
  | 'truncated_frame' // the connection closed in the middle of a frame
  | 'frame_timeout' // a frame stayed incomplete longer than partialFrameTimeoutMs
  | 'socket_error'
  | 'card_fault'; // the card threw or answered more than a frame can carry

export interface VpcdSessionEnd {
  readonly reason: VpcdSessionEndReason;
  readonly error?: VpcdError;
}

export interface VpcdBridgeOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs?: number;
  readonly partialFrameTimeoutMs?: number;
  /** Called once per session, after the socket closed and the card was powered off. */
  readonly onSessionEnd?: (end: VpcdSessionEnd) => void;
}

export type VpcdBridgeState = 'idle' | 'connecting' | 'connected' | 'closing';

export interface VpcdBridgeCounters {
  readonly apduCount: number;
  readonly controlCount: number;
  /** Empty frames, unknown control bytes and frames longer than VPCD_COMMAND_APDU_BYTES_MAX. */
  readonly malformedFrameCount: number;
}

export class VpcdBridge {
  readonly #card: VirtualCard;
  readonly #options: VpcdBridgeOptions;
  #state: VpcdBridgeState = 'idle';
  #socket: Socket | undefined;
  #endReason: VpcdSessionEnd | undefined;
  #sessionOpen = false;
  #closed: Promise<void> = Promise.resolve();
  // Frame decoder state; never holds more than one frame of VPCD_COMMAND_APDU_BYTES_MAX.
  readonly #header = new Uint8Array(VPCD_LENGTH_PREFIX_BYTES);
  #headerFilledBytes = 0;
  #payload: Uint8Array | undefined;
  #payloadFilledBytes = 0;
  #discardBytesLeft = 0;
  #partialFrameTimer: NodeJS.Timeout | undefined;
  #counters = { apduCount: 0, controlCount: 0, malformedFrameCount: 0 };

  constructor(card: VirtualCard, options: VpcdBridgeOptions) {
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 0xffff) {
      throw new RangeError('port must be an integer in 1..65535');
    }
    this.#card = card;
    this.#options = options;
  }

  get state(): VpcdBridgeState {
    return this.#state;
  }

  get counters(): VpcdBridgeCounters {
    return { ...this.#counters };
  }

  /** Tap: opens the TCP connection to vpcd. Resolves once connected. */
  connect(): Promise<void> {
    if (this.#state !== 'idle') {
      return Promise.reject(new VpcdError('already_connected', 'vpcd bridge is already connected or busy'));
    }
    const { host, port } = this.#options;
    const timeoutMs = this.#options.connectTimeoutMs ?? VPCD_CONNECT_TIMEOUT_MS_DEFAULT;
    this.#state = 'connecting';
    this.#endReason = undefined;
    this.#sessionOpen = false;
    this.#resetDecoder();
    const socket = createConnection({ host, port });
    socket.setNoDelay(true); // vpcd frames are tiny and latency-bound: no Nagle.
    this.#socket = socket;
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#onClose();
        resolve();
      });
    });
    return new Promise((resolve, reject) => {
      let connectError: VpcdError | undefined;
      const timer = setTimeout(() => {
        connectError = new VpcdError('connect_timeout', `vpcd at ${host}:${port} did not accept within ${timeoutMs} ms`);
        socket.destroy();
      }, timeoutMs);
      const onError = (cause: Error): void => {
        if (!this.#sessionOpen) {
          connectError ??= new VpcdError('connect_failed', `cannot connect to vpcd at ${host}:${port}`, { cause });
          return;
        }
        this.#endReason ??= { reason: 'socket_error', error: new VpcdError('socket_error', 'vpcd connection failed', { cause }) };
      };
      socket.on('error', onError);
      socket.once('close', () => {
        clearTimeout(timer);
        if (!this.#sessionOpen) {
          reject(connectError ?? new VpcdError('connect_failed', `connection to vpcd at ${host}:${port} closed before it opened`));
        }
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        if (this.#state !== 'connecting') return; // disconnect() came first; 'close' rejects
        this.#sessionOpen = true;
        this.#state = 'connected';
        socket.on('data', (chunk: Buffer) => {
          this.#onData(chunk);
        });
        resolve();
      });
    });
  }

  /** Removal: closes the connection and powers the card off. Resolves once the socket is closed. */
  async disconnect(): Promise<void> {
    if (this.#socket === undefined) return;
    if (this.#state !== 'closing') this.#endSession({ reason: 'removed' });
    await this.#closed;
  }

  #onClose(): void {
    const incomplete = this.#headerFilledBytes > 0 || this.#payload !== undefined || this.#discardBytesLeft > 0;
    const sessionWasOpen = this.#sessionOpen;
    this.#clearPartialFrameTimer();
    this.#resetDecoder();
    this.#socket = undefined;
    this.#state = 'idle';
    this.#sessionOpen = false;
    if (!sessionWasOpen) return;
    const end = this.#endReason ?? { reason: incomplete ? 'truncated_frame' : 'peer_closed' };
    this.#card.powerOff();
    this.#options.onSessionEnd?.(end);
  }

  #endSession(end: VpcdSessionEnd): void {
    this.#endReason ??= end;
    this.#state = 'closing';
    this.#socket?.destroy();
  }

  #resetDecoder(): void {
    this.#headerFilledBytes = 0;
    this.#payload = undefined;
    this.#payloadFilledBytes = 0;
    this.#discardBytesLeft = 0;
  }

  #onData(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length && this.#state === 'connected') {
      if (this.#discardBytesLeft > 0) {
        const takeBytes = Math.min(this.#discardBytesLeft, chunk.length - offset);
        offset += takeBytes;
        this.#discardBytesLeft -= takeBytes;
        if (this.#discardBytesLeft === 0) {
          this.#clearPartialFrameTimer();
          this.#send(SW_WRONG_LENGTH);
        }
      } else if (this.#payload === undefined) {
        const takeBytes = Math.min(VPCD_LENGTH_PREFIX_BYTES - this.#headerFilledBytes, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + takeBytes), this.#headerFilledBytes);
        offset += takeBytes;
        this.#headerFilledBytes += takeBytes;
        if (this.#headerFilledBytes === VPCD_LENGTH_PREFIX_BYTES) this.#startFrame();
      } else {
        const takeBytes = Math.min(this.#payload.length - this.#payloadFilledBytes, chunk.length - offset);
        this.#payload.set(chunk.subarray(offset, offset + takeBytes), this.#payloadFilledBytes);
        offset += takeBytes;
        this.#payloadFilledBytes += takeBytes;
        if (this.#payloadFilledBytes === this.#payload.length) {
          const payload = this.#payload;
          this.#payload = undefined;
          this.#clearPartialFrameTimer();
          this.#handleFrame(payload);
        }
      }
    }
    this.#armPartialFrameTimer();
  }

  #startFrame(): void {
    const lengthBytes = ((this.#header[0] ?? 0) << 8) | (this.#header[1] ?? 0);
    this.#headerFilledBytes = 0;
    if (lengthBytes > VPCD_COMMAND_APDU_BYTES_MAX) {
      this.#counters.malformedFrameCount++;
      this.#discardBytesLeft = lengthBytes;
    } else if (lengthBytes === 0) {
      this.#counters.malformedFrameCount++;
      this.#clearPartialFrameTimer();
    } else {
      this.#payload = new Uint8Array(lengthBytes);
      this.#payloadFilledBytes = 0;
    }
  }

  #handleFrame(payload: Uint8Array): void {
    if (payload.length === 1) {
      this.#handleControl(payload[0] ?? -1);
      return;
    }
    this.#counters.apduCount++;
    let response: Uint8Array;
    try {
      response = this.#card.process(payload);
    } catch (cause) {
      this.#endSession({ reason: 'card_fault', error: new VpcdError('card_fault', 'virtual card threw while processing an APDU', { cause }) });
      return;
    }
    this.#send(response);
  }

  #handleControl(control: number): void {
    this.#counters.controlCount++;
    try {
      switch (control) {
        case VpcdControl.powerOff: this.#card.powerOff(); return;
        case VpcdControl.powerOn: this.#card.powerOn(); return;
        case VpcdControl.reset: this.#card.reset(); return;
        case VpcdControl.getAtr: this.#send(this.#card.atr); return;
        default: this.#counters.malformedFrameCount++; return;
      }
    } catch (cause) {
      this.#endSession({ reason: 'card_fault', error: new VpcdError('card_fault', 'virtual card threw on a control frame', { cause }) });
    }
  }

  /** Writes one frame in a single write: prefix and payload in two segments would stall on Nagle/delayed ACK. */
  #send(payload: Uint8Array): void {
    if (payload.length > VPCD_FRAME_PAYLOAD_BYTES_MAX) {
      this.#endSession({ reason: 'card_fault', error: new VpcdError('card_fault', 'virtual card answer exceeds the vpcd frame limit') });
      return;
    }
    const frame = Buffer.allocUnsafe(VPCD_LENGTH_PREFIX_BYTES + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, VPCD_LENGTH_PREFIX_BYTES);
    this.#socket?.write(frame);
  }

  #armPartialFrameTimer(): void {
    const partial = this.#headerFilledBytes > 0 || this.#payload !== undefined || this.#discardBytesLeft > 0;
    if (!partial || this.#state !== 'connected') {
      this.#clearPartialFrameTimer();
      return;
    }
    if (this.#partialFrameTimer !== undefined) return;
    const timeoutMs = this.#options.partialFrameTimeoutMs ?? VPCD_PARTIAL_FRAME_TIMEOUT_MS_DEFAULT;
    this.#partialFrameTimer = setTimeout(() => {
      this.#partialFrameTimer = undefined;
      this.#endSession({ reason: 'frame_timeout' });
    }, timeoutMs);
  }

  #clearPartialFrameTimer(): void {
    if (this.#partialFrameTimer === undefined) return;
    clearTimeout(this.#partialFrameTimer);
    this.#partialFrameTimer = undefined;
  }
}
