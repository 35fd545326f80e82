/** Test helpers: the Hanoi sample feed as in-memory files, to load as is or with one file changed. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FareFeed } from './feed-model.js';
import { loadFeedFromFiles } from './load-feed.js';

export const HANOI_FEED_DIR = fileURLToPath(new URL('../../feeds/hanoi', import.meta.url));

export function hanoiFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(HANOI_FEED_DIR)) if (name.endsWith('.txt')) files.set(name, readFileSync(join(HANOI_FEED_DIR, name), 'utf8'));
  return files;
}

/** Loads the files or fails the test with the feed error. */
export function mustLoad(files: ReadonlyMap<string, string>): FareFeed {
  const loaded = loadFeedFromFiles(files);
  if (!loaded.ok) throw new Error(`feed does not load: ${JSON.stringify(loaded.error)}`);
  return loaded.value;
}

export function hanoiFeed(overlay: Readonly<Record<string, string>> = {}): FareFeed {
  const files = hanoiFiles();
  for (const [name, text] of Object.entries(overlay)) files.set(name, text);
  return mustLoad(files);
}

/** A minimal valid feed: one route, one product, one rule. */
export function minimalFiles(overlay: Readonly<Record<string, string | undefined>> = {}): Map<string, string> {
  const files = new Map<string, string>([
    ['routes.txt', 'route_id,route_short_name\nr1,R1\nr2,R2\n'],
    ['fare_products.txt', 'fare_product_id,amount,currency\nsingle,8000,VND\n'],
    ['fare_leg_rules.txt', 'leg_group_id,fare_product_id\ng,single\n'],
  ]);
  for (const [name, text] of Object.entries(overlay)) {
    if (text === undefined) files.delete(name);
    else files.set(name, text);
  }
  return files;
}
