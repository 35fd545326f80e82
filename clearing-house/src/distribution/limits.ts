/**
 * Contexts and limits of what the clearing house distributes to devices
 * (SYNC-PROTOCOL.md "Fare feeds" and "Key bundles"). The contexts are keys'
 * SIGNING_CONTEXTS, shared with the validator.
 */
import { SIGNING_CONTEXTS } from '@onecard/keys';
export const FARE_FEED_CONTEXT = SIGNING_CONTEXTS.fareFeed;
export const KEY_BUNDLE_CONTEXT = SIGNING_CONTEXTS.keyBundle;

/** Payload `format` fields: a payload of one kind never parses as the other. */
export const FARE_FEED_FORMAT = 'onecard-fare-feed';
export const KEY_BUNDLE_FORMAT = 'onecard-key-bundle';

/** Files in one feed bundle (the GTFS-Fares files the validator reads are 21). */
export const FARE_FEED_FILE_COUNT_MAX = 64;
/** One feed file (the validator refuses larger ones, validator/src/fares/csv-table.ts). */
export const FARE_FEED_FILE_BYTES_MAX = 16 * 1024 * 1024;
/** The whole feed bundle payload. */
export const FARE_FEED_PAYLOAD_BYTES_MAX = 32 * 1024 * 1024;
/** A sealed bundle as keys/ seals it (keys/src/pki/sealed-to-certificate.ts SEALED_LENGTH_MAX). */
export const SEALED_BUNDLE_BYTES_MAX = 1024 * 1024;
/** A key-bundle payload: the sealed bytes in base64 (4/3) and a little JSON. */
export const KEY_BUNDLE_PAYLOAD_BYTES_MAX = 2 * SEALED_BUNDLE_BYTES_MAX;
/** Versions are positive safe integers; 0 means "none" in `since`. */
export const DISTRIBUTION_VERSION_MAX = Number.MAX_SAFE_INTEGER;

/** GTFS file names: lowercase, digits, underscore, `.txt`. */
export const FEED_FILE_NAME_PATTERN = /^[a-z0-9_]{1,64}\.txt$/;

function assertLimit(condition: boolean, what: string): void {
  if (!condition) throw new Error(`assertion failed: distribution limits: ${what}`);
}

assertLimit(FARE_FEED_FILE_BYTES_MAX <= FARE_FEED_PAYLOAD_BYTES_MAX, 'one file fits in a bundle');
assertLimit(SEALED_BUNDLE_BYTES_MAX * 4 / 3 < KEY_BUNDLE_PAYLOAD_BYTES_MAX, 'a sealed bundle in base64 fits in a payload');

/** Rows in one feed file and characters in one CSV record (the validator's bounds, validator/src/fares/csv-table.ts). */
export const FARE_FEED_ROWS_MAX = 200_000;
export const FARE_FEED_RECORD_CHARS_MAX = 1024 * 64;
/** A publish request's body: the files as JSON strings (escaping makes the payload about as large). */
export const FARE_FEED_UPLOAD_BYTES_MAX = FARE_FEED_PAYLOAD_BYTES_MAX;
/** A key-bundle publish request's body: the sealed bytes in base64 and a little JSON. */
export const KEY_BUNDLE_UPLOAD_BYTES_MAX = Math.ceil(SEALED_BUNDLE_BYTES_MAX / 3) * 4 + 4 * 1024;
/** Idempotency keys of publish requests (as pass sales: src/passes/sales.ts). */
export const PUBLISH_IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
/** Publication records answered by one history request. */
export const PUBLICATION_PAGE_COUNT_MAX = 100;

assertLimit(FARE_FEED_UPLOAD_BYTES_MAX >= FARE_FEED_FILE_BYTES_MAX, 'one largest file fits in an upload');
assertLimit(KEY_BUNDLE_UPLOAD_BYTES_MAX > (SEALED_BUNDLE_BYTES_MAX * 4) / 3, 'a largest sealed bundle fits in an upload');
assertLimit(FARE_FEED_RECORD_CHARS_MAX < FARE_FEED_FILE_BYTES_MAX, 'a record fits in a file');
