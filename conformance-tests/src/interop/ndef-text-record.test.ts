import { fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { ndefTextMessage } from './ndef-text-record.js';

describe('ndefTextMessage', () => {
  it('encodes a short Text record (NFC Forum RTD-Text example "Hello, world!", en)', () => {
    expect(toHex(ndefTextMessage({ text: 'Hello, world!', languageCode: 'en' }))).toBe(
      toHex(fromHex('d1 01 10 54 02 65 6e 48 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21')),
    );
  });

  it('switches to a 4-byte payload length above 255 payload bytes, and encodes UTF-8', () => {
    const text = 'Xe buýt '.repeat(40); // 'ý' is two UTF-8 bytes
    const message = ndefTextMessage({ text, languageCode: 'vi' });
    const payloadLength = new TextEncoder().encode(text).length + 3;
    expect(payloadLength).toBeGreaterThan(255);
    expect(message[0]).toBe(0xc1); // MB ME, no SR, TNF well-known
    expect(new DataView(message.buffer).getUint32(2)).toBe(payloadLength);
    expect(message.length).toBe(2 + 4 + 1 + payloadLength);
    expect(new TextDecoder().decode(message.subarray(10))).toBe(text);
  });

  it('refuses an empty language code', () => {
    expect(() => ndefTextMessage({ text: 'x', languageCode: '' })).toThrow(RangeError);
  });
});
