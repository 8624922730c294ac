/**
 * The local playground behind `pnpm start`: every Portico server that needs no outside account, over
 * Streamable HTTP on loopback, all behind ONE generated bearer token, each on demo data this module creates.
 *
 *   filesystem  a demo workspace folder                   sqlite    a demo database (seeded with better-sqlite3)
 *   git         a demo repository (made with the git CLI) fetch     nothing to set up
 *   postgres    an embedded PostgreSQL seeded with demo data, or DATABASE_URL when it is set
 *   github/slack only when their tokens are in the environment; otherwise reported as skipped
 *
 * `startPlayground()` returns the running servers and `stop()`, which ends exactly the children it spawned (by
 * their handles/PIDs) and the embedded PostgreSQL it started. The CLI (start.mjs) is a thin wrapper.
 */
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Contract default ports (CONTRACT.md): used when free, otherwise the server picks one (--port 0). */
export const DEFAULT_PORTS = { filesystem: 3301, sqlite: 3302, postgres: 3303, git: 3304, github: 3305, slack: 3306, fetch: 3307 };

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 6_000;

/**
 * @typedef {{ name: string, url: string, pid: number, args: string[], hostArgs: string[], hostEnv: Record<string,string> }} PlaygroundServer
 * @typedef {{ name: string, reason: string }} SkippedServer
 * @typedef {{
 *   baseDir?: string,          // where demo data lives (default <repo>/.portico-playground)
 *   ports?: 'default' | 'auto', // 'auto' = always --port 0 (tests)
 *   env?: NodeJS.ProcessEnv,    // where tokens / DATABASE_URL are looked up (default process.env)
 *   log?: (line: string) => void,
 * }} PlaygroundOptions
 */

/**
 * Starts the playground. Resolves once every started server printed its listening line.
 * On any failure everything already started is stopped again before the error is thrown.
 * @param {PlaygroundOptions} [options]
 */
export async function startPlayground(options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const baseDir = resolve(options.baseDir ?? join(repoRoot, '.portico-playground'));
  const token = randomBytes(24).toString('base64url');
  /** @type {PlaygroundServer[]} */
  const servers = [];
  /** @type {SkippedServer[]} */
  const skipped = [];
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  /** @type {null | { close(): Promise<void> }} */
  let postgres = null;
  let stopped = false;
  /** @type {string | undefined} */
  let databaseUrl;

  async function stop() {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map((child) => stopChild(child)));
    if (postgres) await postgres.close().catch(() => {});
  }

  try {
    mkdirSync(baseDir, { recursive: true });
    /** @type {{ name: string, args: string[], env?: Record<string,string>, hostArgs: string[], hostEnv?: Record<string,string> }[]} */
    const plan = [];

    const filesystemBin = binOf('filesystem');
    if (existsSync(filesystemBin)) {
      const workspace = createDemoWorkspace(join(baseDir, 'workspace'));
      plan.push({ name: 'filesystem', args: [workspace], hostArgs: [workspace] });
    } else {
      skipped.push({ name: 'filesystem', reason: `not built (${filesystemBin} is missing): run pnpm build` });
    }

    const dbPath = createDemoSqlite(join(baseDir, 'demo.db'));
    plan.push({ name: 'sqlite', args: ['--db-path', dbPath], hostArgs: ['--db-path', dbPath] });

    const repo = createDemoRepo(join(baseDir, 'repo'));
    plan.push({ name: 'git', args: [repo], hostArgs: [repo] });

    plan.push({ name: 'fetch', args: [], hostArgs: [] });

    databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log('starting an embedded PostgreSQL (set DATABASE_URL to use your own)...');
      postgres = await startDemoPostgres();
      databaseUrl = postgres.url;
    }
    // The URL goes in the environment, never on the command line (visible in `ps`).
    plan.push({ name: 'postgres', args: [], env: { DATABASE_URL: databaseUrl }, hostArgs: [], hostEnv: { DATABASE_URL: databaseUrl } });

    if (env.GITHUB_PERSONAL_ACCESS_TOKEN) {
      const ghEnv = pick(env, ['GITHUB_PERSONAL_ACCESS_TOKEN', 'GITHUB_API_URL', 'GITHUB_REPOSITORIES']);
      plan.push({ name: 'github', args: [], env: ghEnv, hostArgs: [], hostEnv: { ...ghEnv, GITHUB_PERSONAL_ACCESS_TOKEN: '<your token>' } });
    } else {
      skipped.push({ name: 'github', reason: 'set GITHUB_PERSONAL_ACCESS_TOKEN to start it' });
    }
    if (env.SLACK_BOT_TOKEN && env.SLACK_TEAM_ID) {
      const slackEnv = pick(env, ['SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', 'SLACK_CHANNEL_IDS', 'SLACK_API_URL']);
      plan.push({ name: 'slack', args: [], env: slackEnv, hostArgs: [], hostEnv: { ...slackEnv, SLACK_BOT_TOKEN: '<your token>' } });
    } else {
      skipped.push({ name: 'slack', reason: 'set SLACK_BOT_TOKEN and SLACK_TEAM_ID to start it' });
    }

    // Started one after another so that default-port probing never races with a sibling.
    for (const entry of plan) {
      const port = options.ports === 'auto' ? 0 : await portOrZero(DEFAULT_PORTS[entry.name]);
      const args = [binOf(entry.name), '--transport', 'http', '--port', String(port), ...entry.args];
      const child = spawn(process.execPath, args, {
        cwd: baseDir,
        env: { ...childBaseEnv(env), ...entry.env, PORTICO_HTTP_TOKEN: token },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      const url = await waitForListening(entry.name, child);
      servers.push({ name: entry.name, url, pid: /** @type {number} */ (child.pid), args: entry.args, hostArgs: entry.hostArgs, hostEnv: entry.hostEnv ?? {} });
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    token,
    baseDir,
    servers,
    skipped,
    /** The PostgreSQL the postgres server uses, and whether the playground started it (and stops it). */
    databaseUrl,
    embeddedPostgres: postgres !== null,
    /** The child processes, for callers that want to check they exited. */
    children,
    stop,
  };
}

function binOf(name) {
  return join(repoRoot, 'servers', name, 'dist', 'cli.js');
}

function pick(env, names) {
  /** @type {Record<string,string>} */
  const out = {};
  for (const name of names) if (env[name]) out[name] = /** @type {string} */ (env[name]);
  return out;
}

/**
 * What every child inherits: the user's environment minus Portico settings and account tokens (each server
 * gets only its own), so a stray PORTICO_PORT or DATABASE_URL cannot redirect a sibling.
 */
function childBaseEnv(env) {
  /** @type {Record<string,string>} */
  const out = {};
  const foreign = new Set(['DATABASE_URL', 'PGPASSWORD', 'GITHUB_PERSONAL_ACCESS_TOKEN', 'SLACK_BOT_TOKEN']);
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('PORTICO_') || foreign.has(key)) continue;
    out[key] = value;
  }
  return out;
}

/** The default port when nothing listens there on loopback, else 0 (the server picks a free one). */
async function portOrZero(port) {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort(port)));
  });
}

function waitForListening(name, child) {
  return new Promise((resolveUrl, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS} ms; stderr:\n${stderr}`)), READY_TIMEOUT_MS);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening; stderr:\n${stderr}`));
    };
    child.once('exit', onExit);
    child.stderr.on('data', (chunk) => {
      // Keep a bounded tail for the error message; after start-up the stream is drained and dropped.
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
      const match = / listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolveUrl(match[1]);
      }
    });
  });
}

/** SIGTERM the child we spawned (by its handle = its PID), SIGKILL it if it is still there after a grace period. */
function stopChild(child) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop(undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop(undefined);
    });
    child.kill('SIGTERM');
  });
}

/** A small folder to browse and edit. Existing files are kept, so user edits survive a restart. */
function createDemoWorkspace(dir) {
  mkdirSync(join(dir, 'notes'), { recursive: true });
  const files = {
    'README.md': '# Demo workspace\n\nThe Portico filesystem server can read and change files in this folder only.\n',
    'notes/todo.md': '- [ ] try read_text_file\n- [ ] try edit_file with dryRun\n',
    'data.csv': 'id,name,price\n1,coffee,3.50\n2,tea,2.80\n',
  };
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    if (!existsSync(full)) writeFileSync(full, text);
  }
  return dir;
}

/** A demo SQLite database, recreated each start so the demo is always the same. */
function createDemoSqlite(path) {
  // better-sqlite3 is the sqlite server's own dependency: resolved from there, not added to the repo root.
  const require = createRequire(join(repoRoot, 'servers', 'sqlite', 'package.json'));
  const Database = require('better-sqlite3');
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = new Database(path);
  try {
    db.exec(`
      CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL, stock INTEGER NOT NULL);
      INSERT INTO products (name, price, stock) VALUES ('coffee', 3.5, 120), ('tea', 2.8, 80), ('cocoa', 4.1, 15);
      CREATE TABLE orders (id INTEGER PRIMARY KEY, product_id INTEGER REFERENCES products(id), quantity INTEGER NOT NULL, placed_at TEXT NOT NULL);
      INSERT INTO orders (product_id, quantity, placed_at) VALUES (1, 2, '2026-01-05'), (2, 1, '2026-01-06'), (1, 5, '2026-01-07');
    `);
  } finally {
    db.close();
  }
  return path;
}

/** A demo repository with two commits and one uncommitted change, recreated each start. */
function createDemoRepo(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=Portico Playground', '-c', 'user.email=playground@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      stdio: 'pipe',
      // Keep the user's global hooks/templates out of the demo repository.
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# Demo repository\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'Initial commit');
  writeFileSync(join(dir, 'hello.txt'), 'hello from the Portico playground\n');
  git('add', 'hello.txt');
  git('commit', '-q', '-m', 'Add hello.txt');
  writeFileSync(join(dir, 'hello.txt'), 'hello from the Portico playground\nan uncommitted line\n');
  return dir;
}

/** An embedded PostgreSQL (own temp cluster, loopback TCP only) with a small demo schema. */
async function startDemoPostgres() {
  const { startTestPostgres } = await import('@portico/test-utils');
  // forceEmbedded: PORTICO_TEST_DATABASE_URL belongs to test runs, never to the playground.
  const pg = await startTestPostgres({ forceEmbedded: true });
  try {
    await pg.sql(`
      CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text NOT NULL);
      INSERT INTO customers (name, city) VALUES ('Ada', 'London'), ('Grace', 'New York'), ('Linus', 'Helsinki');
      CREATE TABLE invoices (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2) NOT NULL, issued_on date NOT NULL);
      INSERT INTO invoices (customer_id, total, issued_on) VALUES (1, 120.00, '2026-01-03'), (2, 75.50, '2026-01-04'), (1, 19.99, '2026-01-09');
    `);
  } catch (error) {
    await pg.close();
    throw error;
  }
  return pg;
}

/**
 * Human-readable instructions: URL per server, host configs ready to paste, the Inspector command.
 * @param {{ token: string, servers: PlaygroundServer[], skipped: SkippedServer[] }} playground
 */
export function describePlayground(playground) {
  const { token, servers, skipped } = playground;
  const lines = [];
  lines.push('Portico playground is running. Bearer token for every server:');
  lines.push(`  ${token}`, '');
  for (const server of servers) {
    lines.push(`■ ${server.name}: ${server.url}`);
    lines.push('  VS Code (.vscode/mcp.json):');
    lines.push(indent(JSON.stringify(httpConfig('servers', server, token, true), null, 2), 4));
    lines.push('  Cursor (.cursor/mcp.json):');
    lines.push(indent(JSON.stringify(httpConfig('mcpServers', server, token, false), null, 2), 4));
    lines.push('  Claude Desktop (claude_desktop_config.json, runs its own copy over stdio):');
    lines.push(indent(JSON.stringify(stdioConfig(server), null, 2), 4));
    lines.push('  MCP Inspector:');
    lines.push(`    npx @modelcontextprotocol/inspector --cli ${server.url} --transport http --header "Authorization: Bearer ${token}" --method tools/list`);
    lines.push('');
  }
  for (const skip of skipped) lines.push(`□ ${skip.name}: skipped (${skip.reason})`);
  lines.push('', 'Press Ctrl-C to stop every server.');
  return lines.join('\n');
}

export function httpConfig(key, server, token, withType) {
  return { [key]: { [server.name]: { ...(withType ? { type: 'http' } : {}), url: server.url, headers: { Authorization: `Bearer ${token}` } } } };
}

export function stdioConfig(server) {
  const entry = { command: 'npx', args: ['-y', `@portico/server-${server.name}`, ...server.hostArgs] };
  if (Object.keys(server.hostEnv).length > 0) entry.env = server.hostEnv;
  return { mcpServers: { [server.name]: entry } };
}

function indent(text, spaces) {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
