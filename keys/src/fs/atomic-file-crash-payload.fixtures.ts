/**
 * The file contents atomic-file.test.ts and its crash writer agree on:
 * version v is a 4-byte big-endian v followed by bytes of (v mod 256), so a
 * torn or mixed file never reads back as crashPayload(versionOf(file)).
 */
export const CRASH_PAYLOAD_BYTES = 256 * 1024;
const VERSION_BYTES = 4;

export function crashPayload(version: number): Uint8Array {
  const payload = new Uint8Array(CRASH_PAYLOAD_BYTES).fill(version % 256);
  new DataView(payload.buffer).setUint32(0, version);
  return payload;
}

export function crashPayloadVersion(file: Uint8Array): number {
  if (file.length < VERSION_BYTES) return -1;
  return new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(0);
}
