/**
 * Fare-feed updates on a running device: the bus mode holds one
 * SwitchingFareEngine for its life; a downloaded feed is staged by the sync
 * sink and becomes current only between taps (`applyStaged`, called by the
 * device when no tap is in flight), so one tap never sees two feeds.
 */
import { join } from 'node:path';
import type { TrustedListKey } from '../lists/wire.js';
import type { BusTapContext, CardFareView, FareDecision, FareEngine } from '../ports.js';
import { FileFareFeedSink, type InstalledFeed } from '../sync/feed-sink.js';

export const FARE_FEED_FILE_NAME = 'fare-feed.envelope';

export class SwitchingFareEngine implements FareEngine {
  #current: FareEngine;
  #currentVersion: number;
  #staged: InstalledFeed | undefined;

  /** `version` 0: the configured feed folder, not a downloaded feed. */
  constructor(input: { readonly engine: FareEngine; readonly version: number }) {
    this.#current = input.engine;
    this.#currentVersion = input.version;
  }

  decideBusTap(card: CardFareView, context: BusTapContext): FareDecision {
    return this.#current.decideBusTap(card, context);
  }

  /** The downloaded feed version in force (0 = the configured folder). */
  get version(): number {
    return this.#currentVersion;
  }

  stage(feed: InstalledFeed): void {
    this.#staged = feed;
  }

  /** Switches to the staged feed; answers whether it did. Call only between taps. */
  applyStaged(): boolean {
    const staged = this.#staged;
    if (staged === undefined) return false;
    this.#staged = undefined;
    this.#current = staged.engine;
    this.#currentVersion = staged.version;
    return true;
  }
}

/**
 * The device's fare engine and the sink the sync agent fills: a feed
 * downloaded earlier (stored in the data folder, verified and loaded again)
 * wins over the configured folder, which is the fallback when none is stored
 * or the stored one no longer verifies.
 */
export async function openFareUpdates(input: { readonly dataDir: string; readonly trustedKeys: readonly TrustedListKey[]; readonly configured: FareEngine }): Promise<{ readonly engine: SwitchingFareEngine; readonly sink: FileFareFeedSink }> {
  const engine = new SwitchingFareEngine({ engine: input.configured, version: 0 });
  const { sink, stored } = await FileFareFeedSink.open({
    path: join(input.dataDir, FARE_FEED_FILE_NAME),
    trustedKeys: input.trustedKeys,
    onInstalled: (feed) => { engine.stage(feed); },
  });
  if (stored !== undefined) {
    engine.stage(stored);
    engine.applyStaged();
  }
  return { engine, sink };
}
