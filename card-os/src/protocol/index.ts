export * from './status.js';
export * from './commands.js';
export * from './mode.js';
export * from './apdu.js';
export * from './access-rights.js';
export * from './key-settings.js';
export * from './file-settings.js';
export * from './file-create.js';
