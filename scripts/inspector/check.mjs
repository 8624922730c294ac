#!/usr/bin/env node
/**
 * Every server through an independent client: the MCP Inspector CLI lists the tools and calls one read-only tool,
 * over stdio (the Inspector launches the built bin) and over Streamable HTTP (we launch the bin with
 * `--transport http --port 0` and a bearer token from PORTICO_HTTP_TOKEN; the Inspector sends it with --header
 * through its config file). Prints a pass/fail table and exits 1 on any failure, 2 when it cannot run at all.
 *
 *   node scripts/inspector/check.mjs                   # all seven servers (needs pnpm build first)
 *   node scripts/inspector/check.mjs --server sqlite   # one (repeatable)
 *
 * Everything stays on loopback: GitHub and Slack are the servers' own test fakes (scripts/inspector/fakes.ts),
 * PostgreSQL is an embedded one from @portico/test-utils, fetch reads a page this script serves on 127.0.0.1.
 * The Inspector needs Node >= 22.19, so it (and the fakes) run under node@22 from the npm registry, as the
 * conformance step does; the servers run under this Node.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { makeGitRepo, startTestPostgres } from '@portico/test-utils';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';
const NODE22 = 'node@22';
const ALL = ['filesystem', 'sqlite', 'git', 'postgres', 'fetch', 'github', 'slack'];
/** One Inspector run never takes long against a loopback server; this only bounds a hang. */
const RUN_TIMEOUT_MS = 60_000;

const { values } = parseArgs({ options: { server: { type: 'string', multiple: true } } });
const selected = values.server ?? ALL;
for (const name of selected) {
  if (!ALL.includes(name)) fail(`unknown server "${name}"; known: ${ALL.join(', ')}`);
}

function fail(message) {
  process.stderr.write(`inspector-check: ${message}\n`);
  process.exit(2);
}

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'portico-inspector-'));
const cleanups = [];
let exitCode = 1;
try {
  exitCode = await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => process.stderr.write(`inspector-check: cleanup: ${error.message}\n`));
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);

async function main() {
  const tools = resolveNode22Tools();
  const fixtures = await startFixtures(tools.node22);
  const results = [];
  for (const name of selected) {
    const target = targetFor(name, fixtures);
    for (const transport of ['stdio', 'http']) {
      results.push(await checkOne(tools, name, target, transport));
    }
  }
  const authRefused = await checkTokenIsRequired(tools, targetFor(selected[0], fixtures));
  printTable(results, authRefused);
  const failed = results.filter((r) => !r.ok).length + (authRefused.ok ? 0 : 1);
  process.stdout.write(`\ninspector-check: ${failed === 0 ? 'passed' : `${failed} FAILED`} in ${((Date.now() - started) / 1000).toFixed(1)} s (${INSPECTOR})\n`);
  return failed === 0 ? 0 : 1;
}

/**
 * Paths of Node 22 and the Inspector's launcher, fetched once by npx. prefer-offline: with a warm npx cache
 * nothing is asked of the registry; the pinned versions make the cached copy the right one.
 */
function resolveNode22Tools() {
  const out = execFileSync('npx', ['-y', '-p', NODE22, '-p', INSPECTOR, '-c', 'node -p process.execPath && command -v mcp-inspector'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
    timeout: 300_000,
  });
  const [node22, launcher] = out.trim().split('\n').slice(-2);
  if (!node22 || !launcher) fail(`could not locate node@22 and mcp-inspector through npx (got: ${out})`);
  return { node22, inspector: realpathSync(launcher) };
}

async function startFixtures(node22) {
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'hello.txt'), 'hello from the inspector check\n');
  const gitRepo = join(scratch, 'repo');
  mkdirSync(gitRepo);
  const gitHome = join(scratch, 'git-home');
  mkdirSync(gitHome);
  makeGitRepo(gitRepo, { 'README.md': '# inspector check\n' });

  const fixtures = { workspace, gitRepo, dbPath: join(scratch, 'check.db') };
  if (selected.includes('postgres')) {
    const postgres = await startTestPostgres();
    cleanups.push(() => postgres.close());
    fixtures.databaseUrl = postgres.url;
  }
  if (selected.includes('fetch')) {
    const page = createServer((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><head><title>Portico</title></head><body><h1>Inspector check</h1><p>A page on loopback.</p></body></html>');
      }
    });
    await new Promise((done) => page.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => page.close(() => done())));
    fixtures.pageUrl = `http://127.0.0.1:${page.address().port}/`;
  }
  if (selected.includes('github') || selected.includes('slack')) {
    const child = spawn(node22, [join(repo, 'scripts', 'inspector', 'fakes.ts')], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      if (child.exitCode === null) await new Promise((done) => child.once('exit', done));
      clearTimeout(timer);
    });
    const line = await firstLine(child.stdout, 30_000, 'the GitHub/Slack fakes');
    Object.assign(fixtures, JSON.parse(line));
  }
  return fixtures;
}

/** How to launch each server, what roots to share, and which read-only tool to call with what. */
function targetFor(name, fx) {
  const bin = join(repo, 'servers', name, 'dist', 'cli.js');
  const base = { name, bin, args: [], env: {}, roots: undefined };
  switch (name) {
    case 'filesystem':
      // The Inspector declares the roots capability; an empty roots list means "nothing reachable", so share one.
      return { ...base, args: [fx.workspace], roots: [fx.workspace], tool: 'list_directory', toolArgs: { path: fx.workspace }, expect: 'hello.txt' };
    case 'git':
      return { ...base, args: [fx.gitRepo], roots: [fx.gitRepo], tool: 'git_status', toolArgs: { repo_path: fx.gitRepo }, expect: 'branch' };
    case 'sqlite':
      return { ...base, args: ['--db-path', fx.dbPath], tool: 'list_tables', toolArgs: {}, expect: 'tables' };
    case 'postgres':
      return { ...base, env: { DATABASE_URL: fx.databaseUrl }, tool: 'list_schemas', toolArgs: {}, expect: 'public' };
    case 'fetch':
      return { ...base, args: ['--allow-network', '127.0.0.0/8'], tool: 'fetch', toolArgs: { url: fx.pageUrl }, expect: 'Inspector check' };
    case 'github':
      return { ...base, env: { GITHUB_PERSONAL_ACCESS_TOKEN: fx.github.token, GITHUB_API_URL: fx.github.url }, tool: 'get_me', toolArgs: {}, expect: 'octokit-fixture-user-a' };
    case 'slack':
      return {
        ...base,
        env: { SLACK_BOT_TOKEN: fx.slack.botToken, SLACK_TEAM_ID: fx.slack.teamId, SLACK_API_URL: fx.slack.apiUrl },
        tool: 'slack_list_channels',
        toolArgs: {},
        expect: 'general',
      };
    default:
      throw new Error(`no target for ${name}`);
  }
}

/** The environment every server gets: enough to find git and node, nothing of ours. */
function serverEnv(target) {
  return { PATH: process.env.PATH ?? '', HOME: join(scratch, 'git-home'), ...target.env };
}

async function checkOne(tools, name, target, transport) {
  const result = { name, transport, tools: 0, list: false, call: false, ok: false, detail: '', seconds: 0 };
  const began = Date.now();
  let entry;
  let stopServer = async () => {};
  try {
    if (transport === 'stdio') {
      entry = { command: process.execPath, args: [target.bin, ...target.args], env: serverEnv(target) };
    } else {
      const token = randomBytes(24).toString('base64url');
      const http = await startHttpServer(target, token);
      stopServer = http.stop;
      entry = { type: 'streamable-http', url: http.url, headers: { Authorization: `Bearer ${token}` } };
    }
    if (target.roots) entry.roots = target.roots.map((path) => ({ uri: `file://${path}`, name: 'check' }));
    const config = join(scratch, `${name}-${transport}.json`);
    writeFileSync(config, JSON.stringify({ mcpServers: { [name]: entry } }, null, 2));

    const listed = await inspector(tools, ['--config', config, '--server', name, '--method', 'tools/list']);
    const names = listed.json?.result?.tools?.map((t) => t.name) ?? [];
    result.tools = names.length;
    result.list = listed.code === 0 && names.includes(target.tool);
    if (!result.list) throw new Error(`tools/list: exit ${listed.code}, ${names.length} tools, ${target.tool} ${names.includes(target.tool) ? 'present' : 'missing'} ${listed.stderr.slice(-300)}`);

    const called = await inspector(tools, ['--config', config, '--server', name, '--method', 'tools/call', '--tool-name', target.tool, '--tool-args-json', JSON.stringify(target.toolArgs)]);
    const callResult = called.json?.result;
    const text = JSON.stringify(callResult ?? {});
    result.call = called.code === 0 && callResult?.isError !== true && text.includes(target.expect);
    if (!result.call) throw new Error(`tools/call ${target.tool}: exit ${called.code}, ${text.slice(0, 300)} ${called.stderr.slice(-300)}`);
    result.ok = true;
  } catch (error) {
    result.detail = error instanceof Error ? error.message : String(error);
  } finally {
    await stopServer();
    result.seconds = (Date.now() - began) / 1000;
  }
  return result;
}

/** The HTTP entry must refuse the Inspector when it sends no bearer token (proves the header above is what got it in). */
async function checkTokenIsRequired(tools, target) {
  const http = await startHttpServer(target, randomBytes(24).toString('base64url'));
  try {
    const config = join(scratch, 'no-token.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { [target.name]: { type: 'streamable-http', url: http.url } } }));
    const run = await inspector(tools, ['--config', config, '--server', target.name, '--method', 'tools/list', '--stored-auth-only']);
    const code = run.json?.error?.code ?? '';
    return { ok: run.code !== 0 && /auth/i.test(`${code} ${run.json?.error?.message ?? ''}`), detail: `exit ${run.code}, ${code}` };
  } finally {
    await http.stop();
  }
}

/** Starts the bin on HTTP with --port 0 and reads the URL from its `listening on` stderr line. */
async function startHttpServer(target, token) {
  const child = spawn(process.execPath, [target.bin, '--transport', 'http', '--port', '0', ...target.args], {
    env: { ...serverEnv(target), PORTICO_HTTP_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target.name} printed no "listening on" line in 30 s: ${stderr.slice(-300)}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${target.name} exited ${code} before listening: ${stderr.slice(-300)}`));
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 6_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * One Inspector CLI run (JSON output). Its client config and storage live in the scratch dir, not in
 * ~/.mcp-inspector (MCP_CATALOG_PATH is not set: the CLI treats it like --catalog, which --config excludes).
 */
function inspector(tools, args) {
  return new Promise((done) => {
    const child = spawn(tools.node22, [tools.inspector, '--cli', '--format', 'json', '--quiet', ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(scratch, 'git-home'),
        MCP_CLIENT_CONFIG_PATH: join(scratch, 'inspector-client.json'),
        MCP_STORAGE_DIR: join(scratch, 'inspector-storage'),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      let json;
      // --format json prints the result on stdout; an error envelope goes to stderr.
      for (const text of [stdout, stderr]) {
        try {
          json ??= JSON.parse(text.trim().split('\n').filter((line) => line.startsWith('{')).pop() ?? '');
        } catch {
          // not JSON: keep looking
        }
      }
      done({ code: code ?? (signal ? 128 : 1), json, stderr });
    });
  });
}

async function firstLine(stream, timeoutMs, what) {
  return new Promise((done, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing in ${timeoutMs / 1000} s`)), timeoutMs);
    stream.on('data', (chunk) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        done(buffer.slice(0, newline));
      }
    });
  });
}

function printTable(results, authRefused) {
  const rows = [['server', 'transport', 'tools/list', 'tools/call', 'result', 'seconds']];
  for (const r of results) {
    rows.push([r.name, r.transport, r.list ? `ok (${r.tools})` : 'FAIL', r.call ? 'ok' : r.list ? 'FAIL' : '-', r.ok ? 'pass' : 'FAIL', r.seconds.toFixed(1)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  process.stdout.write(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(`\nHTTP without a bearer token refused: ${authRefused.ok ? 'yes' : 'NO'} (${authRefused.detail})\n`);
  for (const r of results.filter((x) => !x.ok)) process.stdout.write(`\n${r.name} over ${r.transport}: ${r.detail}\n`);
}
