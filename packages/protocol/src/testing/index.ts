export * from './clients.js';
export * from './invariants.js';
