/**
 * Test fixtures: the Hanoi sample feed (validator/feeds/hanoi) as the files a
 * published feed carries, read from disk (the clearing house does not import
 * the validator package), and the fare table settlement reads from it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFareTable, type FareTable, type FeedFile } from './fare-table.js';

const HANOI_FEED_DIR = fileURLToPath(new URL('../../../validator/feeds/hanoi/', import.meta.url));

export function hanoiFeedFiles(): FeedFile[] {
  return readdirSync(HANOI_FEED_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(`${HANOI_FEED_DIR}${name}`, 'utf8') }));
}

/** The Hanoi files with `name` replaced (or added) by `text`. */
export function hanoiFeedWith(name: string, text: string): FeedFile[] {
  return [...hanoiFeedFiles().filter((file) => file.name !== name), { name, text }].sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function hanoiFareTable(feedVersion = 1): FareTable {
  const read = readFareTable({ feedVersion, files: hanoiFeedFiles() });
  if (!read.ok) throw new Error(`the Hanoi feed does not read: ${read.code} in ${read.file}`);
  return read.table;
}
