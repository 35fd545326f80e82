/**
 * Target (a): the emulator in this process, through InProcessChannel. A new
 * volatile, factory-fresh card with a random NXP UID per `open`.
 */
import { DesfireCard, DesfireClient, InProcessChannel } from '@onecard/card-os';
import type { DesfireTarget, DesfireTargetSession } from './target.js';

export const IN_PROCESS_TEST_TIMEOUT_MS = 5_000;

export interface InProcessCard {
  readonly card: DesfireCard;
  readonly channel: InProcessChannel;
  readonly client: DesfireClient;
}

/** A factory-fresh emulated card in the field, and a client on it. Internal card errors (bugs) go to `onInternalError`. */
export function openInProcessCard(options: { onInternalError: (error: unknown) => void }): InProcessCard {
  const card = DesfireCard.open({ onInternalError: options.onInternalError });
  const channel = new InProcessChannel(card).tap();
  return { card, channel, client: new DesfireClient(channel) };
}

export function inProcessTarget(options: { onInternalError: (error: unknown) => void }): DesfireTarget {
  return {
    name: 'emulator in-process',
    factoryFresh: true,
    destructive: true,
    reconnectPowerCycles: true,
    testTimeoutMs: IN_PROCESS_TEST_TIMEOUT_MS,
    open(): Promise<DesfireTargetSession> {
      const { channel } = openInProcessCard(options);
      let client = new DesfireClient(channel);
      return Promise.resolve({
        get client() {
          return client;
        },
        reconnect(): Promise<DesfireClient> {
          channel.remove();
          channel.tap();
          client = new DesfireClient(channel);
          return Promise.resolve(client);
        },
        close: () => channel.close(),
      });
    },
  };
}
