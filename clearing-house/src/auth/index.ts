export * from './sessions.js';
export * from './scope.js';
