/**
 * The seven Portico servers, each started from its built bin over Streamable HTTP on loopback with real
 * local fixtures (a temp dir, a temp SQLite file, a temp git repository, an embedded PostgreSQL, a loopback
 * web page) or the loopback GitHub/Slack fakes of its own test suite. Shared by the load, soak and
 * conformance scripts so all three exercise the same set-ups.
 *
 * Every credential is a canary from @portico/test-utils (CANARIES), and everything a server writes to stdout
 * and stderr is appended to `<captureDir>/<name>-server.log`, so scripts/secrets/grep-canaries.mjs can prove
 * that none of them leaked. Each server also names one cheap read-only call for the load and soak drivers.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANARIES, makeGitRepo, isolatedGitEnv, startTestPostgres } from '@portico/test-utils';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_NAMES = ['filesystem', 'sqlite', 'git', 'fetch', 'postgres', 'github', 'slack'];
/** The application_name the postgres server sets on its connections (servers/postgres/src/lib/connection.ts). */
const PG_APPLICATION_NAME = 'portico-postgres';

let hooksRegistered = false;
/** Loads the GitHub/Slack fakes (TypeScript, test-only, not built) from source. */
async function importFake(relative) {
  if (!hooksRegistered) {
    register(new URL('./ts-hooks.mjs', import.meta.url));
    hooksRegistered = true;
  }
  return import(new URL(relative, `file://${repo}`).href);
}

/** A loopback page for the fetch server to fetch (robots.txt answers 404, which allows everything). */
async function startPageServer() {
  const server = createServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><head><title>load</title></head><body><h1>Portico load page</h1><p>A small public page.</p></body></html>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Per server: the bin's arguments and environment, the client roots to share (filesystem, git: a client that
 * declares roots and shares none reaches nothing), the cheap read-only call and a string its result contains,
 * and what to tear down after. `work` is a fresh temp dir owned by this start.
 */
async function setUp(name, work) {
  const cleanups = [];
  switch (name) {
    case 'filesystem': {
      const dir = join(work, 'files');
      mkdirSync(join(dir, 'docs'), { recursive: true });
      writeFileSync(join(dir, 'docs', 'readme.md'), '# load fixture\n');
      return { args: [dir], env: {}, roots: [dir], call: { name: 'list_allowed_directories', arguments: {} }, expect: dir, cleanups };
    }
    case 'sqlite':
      return { args: ['--db-path', join(work, 'load.db')], env: {}, call: { name: 'list_tables', arguments: {} }, expect: 'tables', cleanups };
    case 'git': {
      const dir = join(work, 'repo');
      makeGitRepo(dir, { 'README.md': '# load fixture\n', 'src/a.txt': 'a\n' }, isolatedGitEnv(work));
      return { args: [dir], env: { HOME: work }, roots: [dir], call: { name: 'git_status', arguments: { repo_path: dir } }, expect: 'branch', cleanups };
    }
    case 'fetch': {
      const page = await startPageServer();
      cleanups.push(page.close);
      // Load and soak measure the server, not upstream politeness: lift the fetch tool's own 60/min bucket.
      return { args: ['--allow-network', '127.0.0.1/32', '--rate-limit-bucket', 'fetch=off'], env: {}, call: { name: 'fetch', arguments: { url: `${page.url}/page`, max_length: 2000 } }, expect: 'Portico load page', cleanups };
    }
    case 'postgres': {
      // An own cluster (never PORTICO_TEST_DATABASE_URL) so that its password is the canary.
      const pg = await startTestPostgres({ password: CANARIES.postgresPassword, forceEmbedded: true });
      cleanups.push(() => pg.close());
      const db = await pg.createDatabase('portico_load');
      await pg.sql('CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, $$item $$ || g FROM generate_series(1, 100) g', [], db.name);
      const connections = async () => {
        const { rows } = await pg.sql(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle_in_transaction,
                  count(*) FILTER (WHERE state = 'active')::int AS active
             FROM pg_stat_activity WHERE application_name = $1`,
          [PG_APPLICATION_NAME],
        );
        return rows[0];
      };
      return { args: [], env: { DATABASE_URL: db.url }, call: { name: 'query', arguments: { sql: 'SELECT id, name FROM items ORDER BY id LIMIT 5' } }, expect: 'item 1', cleanups, connections };
    }
    case 'github': {
      const { startFakeGitHub } = await importFake('servers/github/src/testing/fake-github.ts');
      const fake = await startFakeGitHub({ token: CANARIES.githubPat });
      cleanups.push(() => fake.close());
      return {
        args: [],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: CANARIES.githubPat, GITHUB_API_URL: fake.url },
        call: { name: 'get_me', arguments: {} },
        expect: 'octokit-fixture-user-a',
        cleanups,
        // The fake keeps every request it saw; the drivers clear it now and then so long runs stay bounded.
        trimUpstream: () => fake.server.requests.splice(0),
      };
    }
    case 'slack': {
      const { startFakeSlack } = await importFake('servers/slack/src/testing/fake-slack.ts');
      const fake = await startFakeSlack({ botToken: CANARIES.slackBotToken, userToken: CANARIES.slackUserToken });
      cleanups.push(() => fake.close());
      return {
        args: [],
        env: { SLACK_BOT_TOKEN: CANARIES.slackBotToken, SLACK_USER_TOKEN: CANARIES.slackUserToken, SLACK_TEAM_ID: 'T0TEAM', SLACK_API_URL: fake.apiUrl },
        call: { name: 'slack_list_channels', arguments: { limit: 5 } },
        expect: 'general',
        cleanups,
        trimUpstream: () => {
          fake.calls.splice(0);
          fake.server.requests.splice(0);
        },
      };
    }
    default:
      throw new Error(`unknown server "${name}"; known: ${SERVER_NAMES.join(', ')}`);
  }
}

/**
 * A server's fixtures, set up and not yet launched: { name, bin, args, env, roots?, call, expect, connections?,
 * trimUpstream, cleanup() }. `env` is the whole environment the bin gets (PATH, HOME and the server's own).
 * The stdio path (the Inspector check) launches `node bin ...args` itself; launchHttp serves it over HTTP.
 */
export async function prepareServer(name) {
  const bin = join(repo, 'servers', name, 'dist', 'cli.js');
  if (!existsSync(bin)) throw new Error(`${bin} is not built: run pnpm build first`);
  const work = await realpath(await mkdtemp(join(tmpdir(), `portico-${name}-load-`)));
  let setup;
  try {
    setup = await setUp(name, work);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  let cleaned;
  return {
    name,
    bin,
    args: setup.args,
    env: { PATH: process.env.PATH ?? '', HOME: work, ...setup.env },
    roots: setup.roots,
    call: setup.call,
    expect: setup.expect,
    connections: setup.connections,
    trimUpstream: setup.trimUpstream ?? (() => {}),
    cleanup: () => {
      cleaned ??= (async () => {
        for (const fn of setup.cleanups.reverse()) await fn().catch(() => {});
        await rm(work, { recursive: true, force: true });
      })();
      return cleaned;
    },
  };
}

/**
 * Launches a prepared server over HTTP on a free loopback port with the canary bearer token. Options:
 * captureDir (required: where its output goes), logLevel (default warn), extraArgs (for the bin), nodeArgs
 * (for node, before the bin: the soak's --expose-gc and GC probe). Returns { name, url, token, pid, call,
 * stderr(), connections?(), trimUpstream(), stop() }; stop() ends the process and leaves the fixtures.
 */
export async function launchHttp(prepared, { captureDir, logLevel = 'warn', extraArgs = [], nodeArgs = [], timeoutMs = 30_000 } = {}) {
  const { name } = prepared;
  mkdirSync(captureDir, { recursive: true });
  const token = CANARIES.httpBearerToken;
  const child = spawn(process.execPath, [...nodeArgs, prepared.bin, ...prepared.args, '--transport', 'http', '--port', '0', '--log-level', logLevel, ...extraArgs], {
    env: { ...prepared.env, PORTICO_HTTP_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(captureDir, `${name}-server.log`), { flags: 'a' });
  // Kept in memory too (bounded) for the listening line, session counts and error messages.
  let stderr = '';
  const keep = (chunk) => {
    stderr += chunk.toString('utf8');
    if (stderr.length > 2_000_000) stderr = stderr.slice(-1_000_000);
  };
  child.stdout.on('data', (c) => log.write(c));
  child.stderr.on('data', (c) => {
    log.write(c);
    keep(c);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no listening line within ${timeoutMs} ms:\n${stderr.slice(-2000)}`)), timeoutMs);
      const check = () => {
        const m = / listening on (http:\/\/\S+\/mcp)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          child.stderr.off('data', check);
          resolve(m[1]);
        }
      };
      child.stderr.on('data', check);
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before listening:\n${stderr.slice(-2000)}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    log.end();
    throw error;
  }
  let stopping;
  return {
    name,
    url,
    token,
    pid: child.pid,
    call: prepared.call,
    stderr: () => stderr,
    connections: prepared.connections,
    trimUpstream: prepared.trimUpstream,
    /** SIGTERM (SIGKILL after 8 s); resolves with the exit code or signal. */
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        const code = await exited;
        clearTimeout(timer);
        await new Promise((r) => log.end(r));
        return code;
      })();
      return stopping;
    },
  };
}

/** prepareServer + launchHttp, for one run: stop() also tears the fixtures down. Same options as launchHttp. */
export async function startServer(name, options = {}) {
  const prepared = await prepareServer(name);
  let running;
  try {
    running = await launchHttp(prepared, options);
  } catch (error) {
    await prepared.cleanup();
    throw error;
  }
  return {
    ...running,
    stop: async () => {
      const code = await running.stop();
      await prepared.cleanup();
      return code;
    },
  };
}
