export * from './orders.js';
export * from './webhook.js';
