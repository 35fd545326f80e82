/** @onecard/card-os: the DESFire card OS emulator, the host library, secure messaging and transports. */
export * from './protocol/index.js';
export * from './sm/index.js';
export * from './host/index.js';
export * from './transport/types.js';
export * from './transport/in-process.js';
export * from './transport/vpcd.js';
export * from './transport/pcsc.js';
export * from './emulator/index.js';
export * from './random.js';
