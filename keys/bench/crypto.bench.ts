/**
 * `npm run bench -w keys`: throughput of what every tap spends on crypto —
 * an AES block, AES-CMAC of EV2 MAC inputs, AN10922 diversification (the
 * SAM derives one key per application per tap), CRC32.
 */
import {
  aesCmac,
  cmac,
  crc32Desfire,
  diversifyAes128,
  diversifyTdea,
  ecbEncrypt,
  fromHex,
  truncateMacEv2,
} from '../src/index.js';
import { runBench } from './report.js';

const aesKey = fromHex('00112233445566778899aabbccddeeff');
const tdeaKey = fromHex('0123456789abcdef23456789abcdef01');
const block = new Uint8Array(16).fill(0x42);
const macInput16 = new Uint8Array(16).fill(0x11);
const macInput64 = new Uint8Array(64).fill(0x22);
const uidAidSystem = fromHex('04782E21801D803042F54E585020416275');
let sink = 0;

await runBench({
  title: 'keys: crypto primitives',
  baseline: 'AES-128 one block (ECB)',
  tasks: [
    { name: 'AES-128 one block (ECB)', fn: () => (sink ^= ecbEncrypt('aes128', aesKey, block)[0] ?? 0) },
    { name: 'AES-CMAC 16 B', fn: () => (sink ^= aesCmac(aesKey, macInput16)[0] ?? 0) },
    { name: 'AES-CMAC 64 B', fn: () => (sink ^= aesCmac(aesKey, macInput64)[0] ?? 0) },
    { name: 'EV2 MACt (CMAC 16 B + truncate)', fn: () => (sink ^= truncateMacEv2(aesCmac(aesKey, macInput16))[0] ?? 0) },
    { name: '2TDEA-CMAC 16 B', fn: () => (sink ^= cmac({ cipher: '2tdea', key: tdeaKey, message: macInput16 })[0] ?? 0) },
    { name: 'AN10922 AES-128 diversify', fn: () => (sink ^= diversifyAes128({ masterKey: aesKey, diversificationInput: uidAidSystem })[0] ?? 0) },
    { name: 'AN10922 2TDEA diversify', fn: () => (sink ^= diversifyTdea({ masterKey: tdeaKey, diversificationInput: uidAidSystem.subarray(0, 15) })[0] ?? 0) },
    { name: 'CRC32 (JAMCRC) 64 B', fn: () => (sink ^= crc32Desfire(macInput64)) },
  ],
});
if (sink === -1) console.log('unreachable');
