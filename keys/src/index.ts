export * from './bytes.js';
export * from './blockcipher.js';
export * from './legacy-cbc.js';
export * from './cmac.js';
export * from './crc.js';
export * from './des-key.js';
export * from './an10922.js';
