/**
 * A stand-in for vsmartcard's vpcd in tests: it listens, and once the card
 * connects it speaks vpcd's framing (2-byte big-endian length ‖ payload;
 * 1-byte payloads are control bytes, vpcd.c) and offers the link as a
 * `CardChannel`, so the host library can talk to the served card.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { CardChannel } from '../transport/types.js';
import { VpcdControl } from '../transport/vpcd.js';

const LENGTH_PREFIX_BYTES = 2;
/** Frames a test waits for; a served card answers within milliseconds. */
export const FAKE_VPCD_ANSWER_TIMEOUT_MS = 2_000;

export class FakeVpcdLink implements CardChannel {
  readonly #socket: Socket;
  #buffer = new Uint8Array(0);
  readonly #waiting: ((frame: Uint8Array) => void)[] = [];
  readonly closed: Promise<void>;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => { resolve(); }));
    socket.on('data', (chunk: Buffer) => { this.#onData(chunk); });
    socket.on('error', () => undefined);
  }

  /** vpcd's power-on and get-ATR control frames; resolves with the ATR. */
  async powerOn(): Promise<Uint8Array> {
    this.#write(Uint8Array.of(VpcdControl.powerOn));
    return this.#exchange(Uint8Array.of(VpcdControl.getAtr));
  }

  transmit(commandApdu: Uint8Array): Promise<Uint8Array> {
    return this.#exchange(commandApdu);
  }

  /** vpcd side hangs up (pcscd stopped). */
  close(): Promise<void> {
    this.#socket.destroy();
    return this.closed;
  }

  #exchange(payload: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('served card did not answer')); }, FAKE_VPCD_ANSWER_TIMEOUT_MS);
      this.#waiting.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      this.#write(payload);
    });
  }

  #write(payload: Uint8Array): void {
    const frame = Buffer.alloc(LENGTH_PREFIX_BYTES + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, LENGTH_PREFIX_BYTES);
    this.#socket.write(frame);
  }

  #onData(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    while (this.#buffer.length >= LENGTH_PREFIX_BYTES) {
      const lengthBytes = ((this.#buffer[0] ?? 0) << 8) | (this.#buffer[1] ?? 0);
      if (this.#buffer.length < LENGTH_PREFIX_BYTES + lengthBytes) return;
      const frame = this.#buffer.slice(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + lengthBytes);
      this.#buffer = this.#buffer.slice(LENGTH_PREFIX_BYTES + lengthBytes);
      this.#waiting.shift()?.(frame);
    }
  }
}

export class FakeVpcd {
  readonly #server: Server;
  readonly #links: FakeVpcdLink[] = [];
  readonly #waiting: ((link: FakeVpcdLink) => void)[] = [];
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      const link = new FakeVpcdLink(socket);
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#links.push(link);
      else waiter(link);
    });
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  static async listen(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { resolve(); });
    });
    return new FakeVpcd(server);
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** The next card connection (an insertion). */
  nextLink(): Promise<FakeVpcdLink> {
    const ready = this.#links.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Stops listening and hangs up every link. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => { resolve(); }));
  }
}

/** A port nothing listens on (taken from the OS, then released). */
export async function unusedPort(): Promise<number> {
  const probe = await FakeVpcd.listen();
  const { port } = probe;
  await probe.close();
  return port;
}
