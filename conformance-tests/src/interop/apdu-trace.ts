/**
 * The last few APDU exchanges between a third-party host stack and the
 * emulated card, kept to explain a disagreement ("who is right?") with the
 * exact bytes. Bounded: a ring of APDU_TRACE_EXCHANGES_MAX entries.
 *
 * Only for interop test cards: a made-up UID and the factory all-zero keys,
 * so the cryptograms in a trace protect nothing. Never trace a real card.
 */
import { toHex } from '@onecard/keys';
import type { VirtualCard } from '@onecard/card-os';

export const APDU_TRACE_EXCHANGES_MAX = 64;

export interface ApduExchange {
  readonly command: Uint8Array;
  readonly response: Uint8Array;
}

export class ApduTrace {
  readonly #exchanges: ApduExchange[] = [];
  #droppedCount = 0;
  #recordedCount = 0;

  record(exchange: ApduExchange): void {
    this.#recordedCount++;
    if (this.#exchanges.length === APDU_TRACE_EXCHANGES_MAX) {
      this.#exchanges.shift();
      this.#droppedCount++;
    }
    this.#exchanges.push({ command: exchange.command.slice(), response: exchange.response.slice() });
  }

  get exchanges(): readonly ApduExchange[] {
    return this.#exchanges;
  }

  /** Exchanges recorded since the trace was made (not reset by clear): proof that the card was reached. */
  get recordedCount(): number {
    return this.#recordedCount;
  }

  clear(): void {
    this.#exchanges.length = 0;
    this.#droppedCount = 0;
  }

  /** One line per exchange: `> command` / `< response`, hex; older exchanges are counted, not shown. */
  format(): string {
    const lines = this.#exchanges.map((e) => `> ${toHex(e.command)}\n< ${toHex(e.response)}`);
    if (this.#droppedCount > 0) lines.unshift(`(${this.#droppedCount} earlier exchanges not kept)`);
    return lines.length === 0 ? '(no APDU exchanged)' : lines.join('\n');
  }
}

/** A VirtualCard that hands every exchange of `card` to `onExchange` (e.g. `(e) => trace.record(e)`). */
export function tracedCard(card: VirtualCard, onExchange: (exchange: ApduExchange) => void): VirtualCard {
  return {
    get atr() {
      return card.atr;
    },
    powerOn: () => {
      card.powerOn();
    },
    powerOff: () => {
      card.powerOff();
    },
    reset: () => {
      card.reset();
    },
    process: (command) => {
      const response = card.process(command);
      onExchange({ command, response });
      return response;
    },
  };
}
