export * from './clients.js';
export * from './invariants.js';
export { stoppedClock } from './clock.js';
