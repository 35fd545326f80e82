/**
 * Stored form of an event: the canonical JSON of the sealed event (what the
 * chain hashes, and what the batch payload carries). Reading checks the
 * schema again: a row that does not parse is damage, answered as a value.
 */
import { canonicalJson, journalEventSchema, type JournalEvent } from '@onecard/card-os/profile';

export function encodeStoredEvent(event: JournalEvent): { readonly text: string; readonly sizeBytes: number } {
  const text = canonicalJson(event);
  return { text, sizeBytes: Buffer.byteLength(text, 'utf8') };
}

export function decodeStoredEvent(text: string): JournalEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = journalEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
