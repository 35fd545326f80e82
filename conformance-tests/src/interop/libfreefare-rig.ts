/**
 * The interop test rig: one vpcd slot of the real pcscd, a fresh emulated
 * card in it on demand, libnfc/libfreefare tools run against it as child
 * processes, and our own host library (PC/SC → DesfireClient) to look at
 * the card between tool runs.
 *
 * The slot may be shared with other suites (vpcd serves one connection per
 * slot). Before every tool run the rig proves that the card in the reader is
 * its own (a GET DATA reaches our card's trace), so a destructive tool such
 * as mifare-desfire-format never touches another suite's card.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DesfireClient, JournaledCardStore, MemoryMedium, PcscClient, selectApplication, type CardStore, type DesfireCard } from '@onecard/card-os';
import { toHex } from '@onecard/keys';
import { ApduTrace } from './apdu-trace.js';
import { describeToolRun, runTool, type ToolRun } from './tool-run.js';
import { libnfcToolEnvironment, type InteropSetup, type InteropTool } from './interop-setup.js';
import { serveCard, type ServedCard } from './served-card.js';

export const PICC_AID = 0x000000;
/** pcscd polls vpcd every ~400 ms; leave room for a loaded CI machine. */
export const PCSC_EVENT_TIMEOUT_MS = 10_000;
/** A libfreefare tool does at most a few hundred APDUs (~0.1 ms each with the TCP_NODELAY shim, ~44 ms without). */
export const TOOL_TIMEOUT_MS = 60_000;
/** Another suite may hold the slot; wait this long for it before failing. */
export const SLOT_WAIT_TIMEOUT_MS = 120_000;
/** Right after an insertion pcscd may still be switching from the slot's previous card. */
export const INSERTION_CHECK_ATTEMPTS_MAX = 5;
export const INSERTION_CHECK_RETRY_MS = 300;
const GET_UID_COMMAND_HEX = 'ffca000000';
/**
 * On some machines (first seen 2026-12-04, where the commit before this one fails the same way) libnfc
 * 1.8's pcsc driver loses card sessions at random: right after its second GET DATA (UID) its SCardStatus
 * fails ("Get status failed" with LIBNFC_LOG_LEVEL=3; the tool says it cannot connect) and it sends the
 * card nothing else. Such a run says nothing about the card; the rig hands it to `onLostSession`
 * (the suites skip that test with this reason). Not understood yet: see README.md.
 */
export const LOST_SESSION_REASON = 'libnfc pcsc driver lost the card session on this machine ("Get status failed" after GET DATA UID, nothing else sent); see conformance-tests/src/interop/README.md';

export class InteropRigError extends Error {
  override readonly name = 'InteropRigError';
}

export class LibfreefareRig {
  readonly #setup: InteropSetup;
  readonly #pcsc: PcscClient;
  readonly #readerName: string;
  readonly #toolEnv: Readonly<Record<string, string>>;
  readonly trace = new ApduTrace();
  #served: ServedCard | undefined;
  /** The inserted card's image between taps, and its UID. */
  #inserted: { readonly store: CardStore; readonly uid: Uint8Array } | undefined;

  readonly #onLostSession: (reason: string) => void;

  private constructor(options: { setup: InteropSetup; pcsc: PcscClient; readerName: string; onLostSession: (reason: string) => void }) {
    this.#onLostSession = options.onLostSession;
    this.#setup = options.setup;
    this.#pcsc = options.pcsc;
    this.#readerName = options.readerName;
    this.#toolEnv = libnfcToolEnvironment({ setup: options.setup, readerName: options.readerName, baseEnv: process.env });
  }

  static async open(setup: InteropSetup, options: { onLostSession?: (reason: string) => void } = {}): Promise<LibfreefareRig> {
    const pcsc = await PcscClient.open();
    try {
      const readerName = await pcsc.waitForReader(setup.reader, { timeoutMs: PCSC_EVENT_TIMEOUT_MS });
      return new LibfreefareRig({ setup, pcsc, readerName, onLostSession: options.onLostSession ?? (() => undefined) });
    } catch (error: unknown) {
      await pcsc.close();
      throw error;
    }
  }

  get readerName(): string {
    return this.#readerName;
  }

  get card(): DesfireCard {
    if (this.#served === undefined) throw new InteropRigError('no card inserted');
    return this.#served.card;
  }

  get internalErrors(): readonly unknown[] {
    return this.#served?.internalErrors ?? [];
  }

  /** Removes the current card (if any) and inserts a factory-fresh one with this UID. */
  async insertFreshCard(options: { uid: Uint8Array }): Promise<DesfireCard> {
    this.#inserted = { store: new JournaledCardStore(new MemoryMedium()), uid: options.uid.slice() };
    return this.#insert(this.#inserted);
  }

  /**
   * Takes the card out and taps it again: the same image (kept in its
   * store), a new activation, so pcscd reads its ATR afresh.
   */
  async retapCard(): Promise<DesfireCard> {
    if (this.#inserted === undefined) throw new InteropRigError('no card inserted');
    return this.#insert(this.#inserted);
  }

  async #insert(inserted: { readonly store: CardStore; readonly uid: Uint8Array }): Promise<DesfireCard> {
    await this.removeCard();
    this.trace.clear();
    this.#served = await serveCard({
      host: this.#setup.vpcdHost,
      port: this.#setup.vpcdPort,
      uid: inserted.uid,
      store: inserted.store,
      servedTimeoutMs: SLOT_WAIT_TIMEOUT_MS,
      onExchange: (exchange) => { this.trace.record(exchange); },
    });
    const { card } = this.#served;
    await this.#pcsc.waitForCard(this.#readerName, { timeoutMs: PCSC_EVENT_TIMEOUT_MS });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#assertOurCardInReader();
        return card;
      } catch (error: unknown) {
        if (attempt >= INSERTION_CHECK_ATTEMPTS_MAX) throw error;
      }
      await sleep(INSERTION_CHECK_RETRY_MS);
    }
  }

  async removeCard(): Promise<void> {
    const served = this.#served;
    if (served === undefined) return;
    this.#served = undefined;
    await served.remove();
    await this.#pcsc.waitForCardRemoved(this.#readerName, { timeoutMs: PCSC_EVENT_TIMEOUT_MS });
  }

  /** Runs a libnfc/libfreefare tool against the reader, after checking the card there is ours. */
  async run(tool: InteropTool, options: { args?: readonly string[]; stdin?: string; cwd?: string } = {}): Promise<ToolRun> {
    const run = await this.#runOnce(tool, options);
    const onlyGetUid = this.trace.exchanges.length > 0 && this.trace.exchanges.every((e) => toHex(e.command) === GET_UID_COMMAND_HEX);
    if (run.exitCode !== 0 && onlyGetUid && run.stderr.includes("Can't connect")) this.#onLostSession(LOST_SESSION_REASON);
    return run;
  }

  async #runOnce(tool: InteropTool, options: { args?: readonly string[]; stdin?: string; cwd?: string }): Promise<ToolRun> {
    await this.#assertOurCardInReader();
    this.trace.clear();
    return runTool({
      command: this.#setup.toolPaths[tool],
      env: this.#toolEnv,
      timeoutMs: TOOL_TIMEOUT_MS,
      ...(options.args === undefined ? {} : { args: options.args }),
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
  }

  /**
   * Our host library on the same reader, as a validator would use it. A new
   * PC/SC connection does not reset the card: the application a tool left
   * selected stays selected, so this starts by selecting the PICC level.
   */
  async withHost<T>(use: (client: DesfireClient) => Promise<T>): Promise<T> {
    const channel = await this.#pcsc.connect(this.#readerName, { protocol: 'T1' });
    try {
      const client = new DesfireClient(channel);
      const selected = await selectApplication(client, PICC_AID);
      if (!selected.ok) throw new InteropRigError(`selecting the PICC level failed: ${selected.reason}`);
      return await use(client);
    } finally {
      await channel.close();
    }
  }

  /** For assertion messages: how the tool ended, its output and the APDUs it exchanged (test card: made-up UID, zero keys). */
  explain(run: ToolRun): string {
    return `${describeToolRun(run)}\n--- APDUs of this run\n${this.trace.format()}`;
  }

  async close(): Promise<void> {
    await this.removeCard().catch(() => undefined);
    await this.#pcsc.close();
  }

  async #assertOurCardInReader(): Promise<void> {
    if (this.#served === undefined) throw new InteropRigError('no card inserted');
    const before = this.trace.recordedCount;
    const channel = await this.#pcsc.connect(this.#readerName, { protocol: 'T1' });
    try {
      await channel.readUid();
    } finally {
      await channel.close();
    }
    if (this.trace.recordedCount === before) {
      throw new InteropRigError(`reader ${this.#readerName} holds another process's card (vpcd port ${this.#setup.vpcdPort} is shared); refusing to run tools on it`);
    }
  }
}
