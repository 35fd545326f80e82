import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { an10922Message, diversifyAes128, diversifyTdea } from './an10922.js';
import { cbcDecrypt, cbcEncrypt, ecbDecrypt, ecbEncrypt, type CipherName } from './blockcipher.js';
import { fromHex, toHex, concatBytes } from './bytes.js';
import { cmac, cmacSubkeys, cmacWithIv, padIso9797M2, truncateMacEv2 } from './cmac.js';
import { crc16Iso14443a, crc32Desfire, crc32DesfireBytes } from './crc.js';
import { getDesKeyVersion, setDesKeyVersion, stripDesKeyVersion } from './des-key.js';
import { legacyCbc } from './legacy-cbc.js';

interface FileVector {
  id: string;
  kind: string;
  inputs: Record<string, string>;
  expected: Record<string, string>;
}
const VECTORS = (
  JSON.parse(readFileSync(new URL('../test-vectors/primitives.json', import.meta.url), 'utf8')) as { vectors: FileVector[] }
).vectors;
const ofKind = (kind: string): FileVector[] => VECTORS.filter((v) => v.kind === kind);
const h = (s: string | undefined): Uint8Array => fromHex(s ?? '');
const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

describe('CMAC against RFC 4493 / NIST / proxmark3 vectors', () => {
  const cases: [string, (key: Uint8Array) => CipherName][] = [
    ['aes-cmac', () => 'aes128'],
    ['tdea-cmac', (k) => (k.length === 24 ? '3tdea' : '2tdea')],
    ['des-cmac', () => 'des'],
  ];
  for (const [kind, cipherOf] of cases) {
    for (const v of ofKind(kind)) {
      it(v.id, () => {
        const key = h(v.inputs['key']);
        expect(toHex(cmac({ cipher: cipherOf(key), key, message: h(v.inputs['message']) }))).toBe(lower(v.expected['cmac']));
      });
    }
  }
  it('has vectors for every cipher', () => {
    expect(ofKind('aes-cmac').length).toBeGreaterThanOrEqual(4);
    expect(ofKind('tdea-cmac').length).toBeGreaterThanOrEqual(5);
    expect(ofKind('des-cmac').length).toBeGreaterThanOrEqual(3);
  });
  for (const v of ofKind('cmac-subkeys')) {
    it(v.id, () => {
      const cipher: CipherName = (v.inputs['cipher'] ?? '').startsWith('AES') ? 'aes128' : '2tdea';
      const { k1, k2 } = cmacSubkeys(cipher, h(v.inputs['key']));
      expect([toHex(k1), toHex(k2)]).toEqual([lower(v.expected['k1']), lower(v.expected['k2'])]);
    });
  }
  it('cmacWithIv from a zero IV is plain CMAC, and a running IV changes it', () => {
    const key = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
    const message = fromHex('6bc1bee22e409f96e93d7e117393172a');
    const plain = cmac({ cipher: 'aes128', key, message });
    expect(cmacWithIv({ cipher: 'aes128', key, iv: new Uint8Array(16), message })).toEqual(plain);
    expect(cmacWithIv({ cipher: 'aes128', key, iv: plain, message })).not.toEqual(plain);
  });
  it('truncateMacEv2 keeps the odd-indexed bytes (AN12343 GetCardUID)', () => {
    expect(toHex(truncateMacEv2(fromHex('ED5CB7A932EF8D7C2E91B42A1139F11B')))).toBe('5ca9ef7c912a391b');
  });
  it('ISO 9797-1 M2 padding adds a whole block when aligned only if asked', () => {
    const block = new Uint8Array(16).fill(1);
    expect(padIso9797M2(block, { blockSizeBytes: 16, whenAligned: 'add-block' }).length).toBe(32);
    expect(padIso9797M2(block, { blockSizeBytes: 16, whenAligned: 'none' })).toBe(block);
    expect(toHex(padIso9797M2(fromHex('aa'), { blockSizeBytes: 8, whenAligned: 'none' }))).toBe('aa80000000000000');
  });
});

describe('block ciphers', () => {
  const keys: Record<CipherName, Uint8Array> = {
    aes128: fromHex('000102030405060708090a0b0c0d0e0f'),
    des: fromHex('133457799bbcdff1'),
    '2tdea': fromHex('0123456789abcdef23456789abcdef01'),
    '3tdea': fromHex('0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123'),
  };
  it('AES-128 matches FIPS-197 Appendix C.1', () => {
    const out = ecbEncrypt('aes128', keys.aes128, fromHex('00112233445566778899aabbccddeeff'));
    expect(toHex(out)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });
  it('DES matches the classic worked example (FIPS 46 / Grabbe: 0123456789ABCDEF → 85E813540F0AB405)', () => {
    expect(toHex(ecbEncrypt('des', keys.des, fromHex('0123456789abcdef')))).toBe('85e813540f0ab405');
  });
  it('2TDEA with K1 = K2 degenerates to single DES (how DESFire runs DES keys as 3DES)', () => {
    const k = keys.des;
    const data = fromHex('0123456789abcdef');
    expect(ecbEncrypt('2tdea', concatBytes(k, k), data)).toEqual(ecbEncrypt('des', k, data));
  });
  for (const cipher of Object.keys(keys) as CipherName[]) {
    it(`${cipher}: CBC and ECB round-trip, wrong lengths refused`, () => {
      const key = keys[cipher];
      const blockSizeBytes = cipher === 'aes128' ? 16 : 8;
      const data = new Uint8Array(blockSizeBytes * 3).map((_, i) => i);
      const iv = new Uint8Array(blockSizeBytes).fill(7);
      expect(cbcDecrypt({ cipher, key, iv, data: cbcEncrypt({ cipher, key, iv, data }) })).toEqual(data);
      expect(ecbDecrypt(cipher, key, ecbEncrypt(cipher, key, data))).toEqual(data);
      expect(() => ecbEncrypt(cipher, key, new Uint8Array(blockSizeBytes + 1))).toThrow(/multiple/);
      expect(() => ecbEncrypt(cipher, new Uint8Array(5), data)).toThrow(/key must be/);
    });
  }
});

describe('D40 legacy CBC', () => {
  for (const v of ofKind('des-legacy-cbc')) {
    it(v.id, () => {
      const { output } = legacyCbc({
        cipher: 'des',
        key: h(v.inputs['key']),
        iv: h(v.inputs['iv']),
        data: h(v.inputs['data']),
        direction: 'receive',
        operation: 'decipher',
      });
      expect(toHex(output)).toBe(lower(v.expected['output']));
    });
  }
  it('send+decipher on the reader is undone by receive+encipher on the card', () => {
    const key = fromHex('0123456789abcdeffedcba9876543210');
    const iv = new Uint8Array(8);
    const data = fromHex('00112233445566778899aabbccddeeff');
    const sent = legacyCbc({ cipher: '2tdea', key, iv, data, direction: 'send', operation: 'decipher' });
    const back = legacyCbc({ cipher: '2tdea', key, iv, data: sent.output, direction: 'receive', operation: 'encipher' });
    expect(back.output).toEqual(data);
    expect(sent.nextIv).toEqual(sent.output.subarray(8));
  });
});

describe('AN10922 diversification', () => {
  for (const v of ofKind('an10922-diversify-aes128')) {
    it(v.id, () => {
      const masterKey = h(v.inputs['master_key']);
      const diversificationInput = h(v.inputs['diversification_input']);
      expect(toHex(diversifyAes128({ masterKey, diversificationInput }))).toBe(lower(v.expected['diversified_key']));
      const { message } = an10922Message({ cipher: 'aes128', masterKey, constant: 1, diversificationInput });
      expect(toHex(message)).toBe(lower(v.expected['cmac_message_M']));
    });
  }
  for (const v of ofKind('an10922-diversify-tdea')) {
    it(v.id, () => {
      const masterKey = h(v.inputs['master_key']);
      const raw = diversifyTdea({ masterKey, diversificationInput: h(v.inputs['diversification_input']) });
      expect(toHex(raw)).toBe(lower(v.expected['diversified_key_raw_cmac']));
      const versioned = setDesKeyVersion(raw, getDesKeyVersion(masterKey));
      expect(toHex(versioned)).toBe(lower(v.expected['diversified_key_with_master_key_version_0x55_libfreefare']));
    });
  }
  it('short AES inputs are not plain CMAC (the padding + K2 rule)', () => {
    const masterKey = fromHex('00112233445566778899AABBCCDDEEFF');
    const input = fromHex('04782E21801D80');
    const plain = cmac({ cipher: 'aes128', key: masterKey, message: concatBytes(Uint8Array.of(1), input) });
    expect(diversifyAes128({ masterKey, diversificationInput: input })).not.toEqual(plain);
  });
  it('a 31-byte AES input needs no padding and equals CMAC (K1 path)', () => {
    const masterKey = fromHex('00112233445566778899AABBCCDDEEFF');
    const input = new Uint8Array(31).fill(0x5a);
    const plain = cmac({ cipher: 'aes128', key: masterKey, message: concatBytes(Uint8Array.of(1), input) });
    expect(diversifyAes128({ masterKey, diversificationInput: input })).toEqual(plain);
  });
  it('refuses empty and over-long inputs and wrong key sizes', () => {
    const masterKey = new Uint8Array(16);
    expect(() => diversifyAes128({ masterKey, diversificationInput: new Uint8Array(0) })).toThrow(/1\.\.31/);
    expect(() => diversifyAes128({ masterKey, diversificationInput: new Uint8Array(32) })).toThrow(/1\.\.31/);
    expect(() => diversifyTdea({ masterKey, diversificationInput: new Uint8Array(16) })).toThrow(/1\.\.15/);
    expect(() => diversifyAes128({ masterKey: new Uint8Array(24), diversificationInput: new Uint8Array(8) })).toThrow(/16 bytes/);
  });
  it('3TDEA gives 24 bytes and differs per UID', () => {
    const masterKey = fromHex('0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123');
    const a = diversifyTdea({ masterKey, diversificationInput: fromHex('04010203040506') });
    const b = diversifyTdea({ masterKey, diversificationInput: fromHex('04010203040507') });
    expect(a.length).toBe(24);
    expect(a).not.toEqual(b);
  });
});

describe('DES key versions', () => {
  it('round-trips every version and never makes K1 = K2', () => {
    const key = fromHex('00000000000000000000000000000000');
    for (let version = 0; version < 256; version++) {
      const k = setDesKeyVersion(key, version);
      expect(getDesKeyVersion(k)).toBe(version);
      expect(toHex(k.subarray(0, 8))).not.toBe(toHex(k.subarray(8)));
      expect(stripDesKeyVersion(k)).toEqual(key);
    }
  });
});

describe('CRCs', () => {
  for (const v of ofKind('crc32-desfire')) {
    it(v.id, () => {
      const data = v.inputs['status_byte'] ? concatBytes(h(v.inputs['data']), h(v.inputs['status_byte'])) : h(v.inputs['data']);
      if (v.expected['crc_value']) expect(crc32Desfire(data).toString(16).padStart(8, '0')).toBe(lower(v.expected['crc_value']));
      if (v.expected['crc_value_be']) expect(crc32Desfire(data).toString(16).padStart(8, '0')).toBe(lower(v.expected['crc_value_be']));
      if (v.expected['wire_bytes_le']) expect(toHex(crc32DesfireBytes(data))).toBe(lower(v.expected['wire_bytes_le']));
    });
  }
  for (const v of ofKind('crc16-iso14443a')) {
    it(v.id, () => {
      expect(crc16Iso14443a(h(v.inputs['data'])).toString(16).padStart(4, '0')).toBe(lower(v.expected['crc_value']));
    });
  }
});
