export * from './errors.js';
export * from './client.js';
export * from './result.js';
export * from './transceive.js';
export * from './picc.js';
export * from './key-commands.js';
export * from './file-commands.js';
export * from './data-commands.js';
