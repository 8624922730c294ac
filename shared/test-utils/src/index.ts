export * from './temp.js';
export * from './git.js';
export * from './loopback.js';
export * from './postgres.js';
export * from './canaries.js';
export * from './wait.js';
