/**
 * One fuzz target per server: how to launch its built bin over stdio inside a throw-away sandbox, which
 * hostile values fit it, and a fingerprint of everything OUTSIDE the sandbox that the server must never
 * change. Every upstream is local: temp dirs, temp SQLite files, temp git repos, an embedded PostgreSQL,
 * loopback fakes of GitHub and Slack, and loopback sites for fetch.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { connectStdio } from '@portico/protocol/testing';
import { isolatedGitEnv, makeGitRepo, makeTempDir, startLoopbackServer, type LoopbackServer, type TestPostgres } from '@portico/test-utils';
import { startFakeGitHub } from '../../../servers/github/src/testing/fake-github.js';
import { DM_ALICE, GENERAL, PRIVATE, RANDOM, SECRET, startFakeSlack } from '../../../servers/slack/src/testing/fake-slack.js';
import { hostileStrings } from './hostile.js';
import { treeFingerprint } from './tree-fingerprint.js';

export const SERVER_NAMES = ['filesystem', 'sqlite', 'git', 'fetch', 'postgres', 'github', 'slack'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Absolute path of a server's built bin. */
export function binOf(name: ServerName | 'template'): string {
  return fileURLToPath(new URL(`../../../servers/${name === 'template' ? '_template' : name}/dist/cli.js`, import.meta.url));
}

export interface FuzzTarget {
  name: ServerName;
  bin: string;
  args: string[];
  env: Record<string, string>;
  hostile: string[];
  override?: (tool: string, path: string[]) => fc.Arbitrary<unknown> | undefined;
  /** Floor for calls per tool (a server with a single tool gets more of them). */
  minRunsPerTool?: number;
  /** Everything outside the sandbox that must not change, as one comparable string. */
  outsideFingerprint(): Promise<string>;
  close(): Promise<void>;
}

const SECRET_TEXT = 'outside secret: must never change\n';

/** A base temp dir with `inside/` (the sandbox) and a sibling `outside/` holding known content. */
async function baseDirs(prefix: string) {
  const base = await makeTempDir(prefix);
  const inside = join(base.path, 'inside');
  const outside = join(base.path, 'outside');
  mkdirSync(inside);
  mkdirSync(join(outside, 'nested'), { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), SECRET_TEXT);
  writeFileSync(join(outside, 'nested', 'deep.txt'), 'deep\n');
  // A sibling that shares the sandbox's name as a prefix: separator-unaware checks would let it in.
  mkdirSync(`${inside}-evil`);
  writeFileSync(join(`${inside}-evil`, 'x'), 'prefix sibling\n');
  return { base, inside, outside, outsideFile: join(outside, 'secret.txt') };
}

const outsideTrees = async (...dirs: string[]) => (await Promise.all(dirs.map(treeFingerprint))).join('\n--\n');

export async function filesystemTarget(): Promise<FuzzTarget> {
  const { base, inside, outside, outsideFile } = await baseDirs('rb-fs-');
  writeFileSync(join(inside, 'a.txt'), 'alpha\nbeta\n');
  mkdirSync(join(inside, 'sub'));
  writeFileSync(join(inside, 'sub', 'b.txt'), 'bravo\n');
  // A symlink inside the sandbox that points out of it.
  symlinkSync(outside, join(inside, 'link-to-outside'));
  return {
    name: 'filesystem',
    bin: binOf('filesystem'),
    args: [inside],
    // `~` must not reach the real home either; pointing HOME at outside makes any expansion detectable.
    env: { HOME: outside },
    hostile: hostileStrings({ inside, outside, outsideFile }),
    outsideFingerprint: () => outsideTrees(outside, `${inside}-evil`),
    close: () => base.cleanup(),
  };
}

/** A short-lived stdio client of the sqlite bin, used to build fixtures with the server's own tools. */
async function sqliteFixture(dbPath: string, statements: string[]): Promise<void> {
  const c = await connectStdio({ bin: binOf('sqlite'), args: ['--db-path', dbPath] });
  try {
    for (const query of statements) {
      const r = await c.callTool('write_query', { query });
      if (r.isError) throw new Error(`fixture statement failed: ${query}: ${JSON.stringify(r.content)}`);
    }
  } finally {
    await c.close();
  }
}

export async function sqliteTarget(): Promise<FuzzTarget> {
  const { base, inside, outside, outsideFile } = await baseDirs('rb-sqlite-');
  const dbPath = join(inside, 'fuzz.db');
  await sqliteFixture(join(outside, 'other.db'), ['CREATE TABLE secrets (id INTEGER PRIMARY KEY, value TEXT)', "INSERT INTO secrets (value) VALUES ('outside')"]);
  await sqliteFixture(dbPath, ['CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)', "INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2)"]);
  return {
    name: 'sqlite',
    bin: binOf('sqlite'),
    args: ['--db-path', dbPath, '--query-timeout', '2'],
    env: {},
    hostile: [...hostileStrings({ inside, outside, outsideFile: join(outside, 'other.db') }), outsideFile],
    outsideFingerprint: () => outsideTrees(outside, `${inside}-evil`),
    close: () => base.cleanup(),
  };
}

export async function gitTarget(): Promise<FuzzTarget> {
  const { base, inside, outside, outsideFile } = await baseDirs('rb-git-');
  const home = join(base.path, 'home');
  mkdirSync(home);
  const gitEnv = isolatedGitEnv(home);
  const repo = join(inside, 'repo');
  makeGitRepo(repo, { 'README.md': '# fuzz\n', 'src/a.txt': 'a\n' }, gitEnv);
  execFileSync('git', ['-C', repo, 'branch', 'feature'], { env: gitEnv });
  // The outside dir is a repository too, so "git -C outside status" can prove it was not touched.
  makeGitRepo(outside, {}, gitEnv);
  execFileSync('git', ['-C', outside, 'add', '-A'], { env: gitEnv });
  execFileSync('git', ['-C', outside, 'commit', '-q', '-m', 'outside'], { env: gitEnv });
  // Age the files and refresh the index once, so a later `git status` has nothing to rewrite (racy-git).
  const past = new Date(Date.now() - 3600_000);
  for (const f of ['secret.txt', 'nested/deep.txt']) utimesSync(join(outside, f), past, past);
  execFileSync('git', ['-C', outside, 'status', '--porcelain'], { env: gitEnv });
  const env = Object.fromEntries(Object.entries(gitEnv).filter(([k, v]) => v !== undefined && (k === 'HOME' || k.startsWith('GIT_')))) as Record<string, string>;
  return {
    name: 'git',
    bin: binOf('git'),
    args: [repo],
    env,
    hostile: [...hostileStrings({ inside: repo, outside, outsideFile }), 'main', 'feature', 'HEAD', 'HEAD~1', 'README.md', 'src/a.txt'],
    async outsideFingerprint() {
      const tree = await outsideTrees(outside, `${inside}-evil`, home);
      const status = execFileSync('git', ['-C', outside, 'status', '--porcelain=v1', '--untracked-files=all'], { env: gitEnv, encoding: 'utf8' });
      return `${tree}\n--status--\n${status}`;
    },
    close: () => base.cleanup(),
  };
}

/**
 * Fetch: a fixture site on 127.0.0.1 (allowed with --allow-network and --allow-host) and an "internal" site
 * on 127.0.0.3 that must never be hit. The `url` field NEVER carries a real hostname: every generated URL
 * either names one of these loopback addresses or does not parse at all, so no fuzzed value can cause DNS
 * or traffic off loopback.
 */
export async function fetchTarget(): Promise<FuzzTarget> {
  const site: LoopbackServer = await startLoopbackServer((req, res) => {
    if (req.url === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('User-agent: *\nDisallow: /private\n');
      return;
    }
    res.writeHead(req.url.startsWith('/missing') ? 404 : 200, { 'content-type': req.url.endsWith('.json') ? 'application/json' : 'text/html' });
    res.end(req.url.endsWith('.json') ? '{"a":[1,2,3]}' : `<!doctype html><html><head><title>Fuzz</title></head><body><article><h1>Page</h1><p>${'text '.repeat(400)}</p></article></body></html>`);
  });
  const internal = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('internal secret');
  }, { host: '127.0.0.3' });
  const allowedBase = site.url;
  const isSafeUrl = (s: string) => {
    if (!URL.canParse(s)) return true;
    const host = new URL(s).hostname;
    return host === '127.0.0.1' || host === '127.0.0.3' || host === '';
  };
  const loopbackUrls = fc
    .tuple(fc.constantFrom('/', '/a.json', '/missing', '/private/x', '/robots.txt', '/%00', '/..%2f..%2fetc'), fc.webPath(), fc.webQueryParameters())
    .map(([p, extra, q]) => `${allowedBase}${p}${extra}${q ? `?${q}` : ''}`);
  const internalUrls = fc.constantFrom(`${internal.url}/secret`, `http://127.0.0.3:${internal.port}/`, `http://2130706435:${internal.port}/x`, `http://0x7f.0.0.3:${internal.port}/`);
  const invalidUrls = fc.oneof(
    fc.constantFrom('http://', 'http://[::1', 'ht tp://127.0.0.1/', '://', 'http://127.0.0.1:99999/', 'http://[zz]/', '%%%', 'http://127.0.0.1:-1/'),
    fc.string({ maxLength: 30 }).filter((s) => !URL.canParse(s)),
  );
  const hostile = hostileStrings({ inside: '/nonexistent-inside', outside: '/nonexistent-outside', outsideFile: '/nonexistent-outside/secret.txt' }).filter(isSafeUrl);
  const urlArbitrary = fc.oneof({ arbitrary: loopbackUrls, weight: 4 }, { arbitrary: internalUrls, weight: 1 }, { arbitrary: invalidUrls, weight: 2 }, { arbitrary: fc.constantFrom(...hostile), weight: 1 });
  return {
    name: 'fetch',
    bin: binOf('fetch'),
    // The fetch tool's own 60/min bucket would turn later fuzz calls into "Rate limited" instead of fuzzing them.
    args: ['--allow-network', '127.0.0.1/32', '--allow-host', '127.0.0.1', '--timeout', '5', '--connect-timeout', '2', '--rate-limit-bucket', 'fetch=off'],
    env: {},
    hostile,
    minRunsPerTool: 30,
    override: (_tool, path) => (path.length === 1 && path[0] === 'url' ? urlArbitrary.filter(isSafeUrl) : undefined),
    // The internal site must never be reached.
    outsideFingerprint: async () => `internal hits: ${internal.hits()}`,
    async close() {
      await site.close();
      await internal.close();
    },
  };
}

export async function postgresTarget(pg: TestPostgres): Promise<FuzzTarget> {
  const { base, inside, outside, outsideFile } = await baseDirs('rb-pg-');
  const insideDb = await pg.createDatabase('rb_inside');
  const outsideDb = await pg.createDatabase('rb_outside');
  for (const db of [insideDb, outsideDb]) {
    await pg.sql('CREATE TABLE items (id serial PRIMARY KEY, name text, qty int)', [], db.name);
    await pg.sql("INSERT INTO items (name, qty) VALUES ('a', 1), ('b', 2)", [], db.name);
  }
  const dbState = async (name: string) => {
    const tables = await pg.sql("SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY 1) AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", [], name);
    const rows = await pg.sql("SELECT md5(string_agg(id || ':' || name || ':' || qty, ',' ORDER BY id)) AS h FROM items", [], name);
    return `${name}: ${tables.rows[0]?.t} ${rows.rows[0]?.h}`;
  };
  const roles = async () => (await pg.sql('SELECT string_agg(rolname, \',\' ORDER BY rolname) AS r FROM pg_roles')).rows[0]?.r as string;
  return {
    name: 'postgres',
    bin: binOf('postgres'),
    // Read-only (the default) on a superuser URL: the guard, not missing privileges, must hold the line.
    args: [insideDb.url, '--statement-timeout', '1500'],
    env: {},
    hostile: hostileStrings({ inside, outside, outsideFile }),
    // In read-only mode even the sandbox database must not change; other databases and roles neither.
    outsideFingerprint: async () => [await dbState(insideDb.name), await dbState(outsideDb.name), await roles(), await outsideTrees(outside)].join('\n'),
    close: () => base.cleanup(),
  };
}

export const GITHUB_TOKEN = `ghp_CANARYrobust${'0'.repeat(24)}`;

export async function githubTarget(): Promise<FuzzTarget> {
  const fake = await startFakeGitHub({ token: GITHUB_TOKEN });
  const { base, inside, outside, outsideFile } = await baseDirs('rb-gh-');
  const allowedPrefix = '/repos/acme/widgets';
  return {
    name: 'github',
    bin: binOf('github'),
    // 4 search tools x the fuzz budget exceed the 30/min search bucket; lift it so every call is fuzzed.
    args: ['--rate-limit-bucket', 'search=off'],
    env: { GITHUB_PERSONAL_ACCESS_TOKEN: GITHUB_TOKEN, GITHUB_API_URL: fake.url, GITHUB_REPOSITORIES: 'acme/widgets', GITHUB_MAX_RATE_LIMIT_WAIT: '0' },
    hostile: [...hostileStrings({ inside, outside, outsideFile }), 'acme', 'widgets', 'main', 'develop', 'README.md', 'other-owner'],
    // The sandbox is acme/widgets (GITHUB_REPOSITORIES): no write may reach any other path of the API.
    outsideFingerprint: async () =>
      fake.server.requests
        .filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !(r.url === allowedPrefix || r.url.startsWith(`${allowedPrefix}/`)))
        .map((r) => `${r.method} ${r.url}`)
        .join('\n'),
    async close() {
      await fake.close();
      await base.cleanup();
    },
  };
}

export const SLACK_TOKEN = 'xoxb-robustness-canary-5c2e9a';

export async function slackTarget(): Promise<FuzzTarget> {
  const fake = await startFakeSlack({ botToken: SLACK_TOKEN });
  const { base, inside, outside, outsideFile } = await baseDirs('rb-slack-');
  return {
    name: 'slack',
    bin: binOf('slack'),
    args: [],
    env: { SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_TEAM_ID: 'T0TEAM', SLACK_API_URL: fake.apiUrl, SLACK_CHANNEL_IDS: `${GENERAL},${RANDOM}`, SLACK_MAX_RETRY_WAIT: '1' },
    hostile: [...hostileStrings({ inside, outside, outsideFile }), GENERAL, RANDOM, SECRET, PRIVATE, DM_ALICE, '1700000000.000100', 'thumbsup'],
    // SLACK_CHANNEL_IDS is the sandbox: conversations outside it must not change.
    outsideFingerprint: async () => JSON.stringify([SECRET, PRIVATE, DM_ALICE].map((c) => fake.messages(c))),
    async close() {
      await fake.close();
      await base.cleanup();
    },
  };
}
