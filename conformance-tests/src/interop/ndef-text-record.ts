/**
 * One NDEF message of one Text record: test data for the NDEF tools, which
 * store whatever bytes they are given. Layout: NFC Forum NDEF 1.0 §3.2
 * (header MB ME CF SR IL TNF, type length, payload length of 1 byte when SR
 * is set or 4 bytes big-endian, type, payload) and RTD-Text 1.0 §3.2.1
 * (status byte: bit 7 = 0 for UTF-8, bits 5..0 = language code length).
 */
const FLAG_MESSAGE_BEGIN = 0x80;
const FLAG_MESSAGE_END = 0x40;
const FLAG_SHORT_RECORD = 0x10;
const TNF_WELL_KNOWN = 0x01;
const TYPE_TEXT = 0x54; // 'T'
const SHORT_RECORD_PAYLOAD_BYTES_MAX = 0xff;
const LANGUAGE_CODE_BYTES_MAX = 0x3f;
const LONG_PAYLOAD_LENGTH_BYTES = 4;

export function ndefTextMessage(options: { text: string; languageCode: string }): Uint8Array {
  const language = new TextEncoder().encode(options.languageCode);
  if (language.length === 0 || language.length > LANGUAGE_CODE_BYTES_MAX) throw new RangeError(`language code must be 1..${LANGUAGE_CODE_BYTES_MAX} bytes`);
  const text = new TextEncoder().encode(options.text);
  const payload = new Uint8Array(1 + language.length + text.length);
  payload[0] = language.length;
  payload.set(language, 1);
  payload.set(text, 1 + language.length);
  const short = payload.length <= SHORT_RECORD_PAYLOAD_BYTES_MAX;
  const lengthField = short ? Uint8Array.of(payload.length) : new Uint8Array(LONG_PAYLOAD_LENGTH_BYTES);
  if (!short) new DataView(lengthField.buffer).setUint32(0, payload.length);
  const header = FLAG_MESSAGE_BEGIN | FLAG_MESSAGE_END | (short ? FLAG_SHORT_RECORD : 0) | TNF_WELL_KNOWN;
  const typeLengthBytes = 1;
  const record = new Uint8Array(2 + lengthField.length + typeLengthBytes + payload.length);
  record.set([header, typeLengthBytes], 0);
  record.set(lengthField, 2);
  record[2 + lengthField.length] = TYPE_TEXT;
  record.set(payload, 2 + lengthField.length + typeLengthBytes);
  return record;
}
