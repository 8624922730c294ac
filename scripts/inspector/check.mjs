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
 * Each server gets the same fixtures, canary credentials and cheap read-only call as the load, soak and
 * conformance runs (scripts/load/servers.mjs): everything stays on loopback, GitHub and Slack are the servers'
 * own test fakes, PostgreSQL is an embedded one. Server output goes to PORTICO_CAPTURE_DIR when set (CI greps
 * it for the canaries). The Inspector needs Node >= 22.19, so it runs under node@22 from the npm registry, as
 * the conformance step does; the servers and fakes run under this Node.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchHttp, prepareServer, SERVER_NAMES as ALL } from '../load/servers.mjs';

const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';
const NODE22 = 'node@22';
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
const captureDir = process.env.PORTICO_CAPTURE_DIR || join(scratch, 'capture');
let exitCode = 1;
try {
  exitCode = await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);

async function main() {
  const tools = resolveNode22Tools();
  const results = [];
  let authRefused;
  for (const name of selected) {
    const prepared = await prepareServer(name);
    try {
      for (const transport of ['stdio', 'http']) results.push(await checkOne(tools, prepared, transport));
      authRefused ??= await checkTokenIsRequired(tools, prepared);
    } finally {
      await prepared.cleanup();
    }
  }
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

async function checkOne(tools, server, transport) {
  const { name, call } = server;
  const result = { name, transport, tools: 0, list: false, call: false, ok: false, detail: '', seconds: 0 };
  const began = Date.now();
  let entry;
  let stopServer = async () => {};
  try {
    if (transport === 'stdio') {
      entry = { command: process.execPath, args: [server.bin, ...server.args], env: server.env };
    } else {
      const http = await launchHttp(server, { captureDir });
      stopServer = http.stop;
      entry = { type: 'streamable-http', url: http.url, headers: { Authorization: `Bearer ${http.token}` } };
    }
    // The Inspector declares the roots capability; an empty roots list means "nothing reachable", so share them.
    if (server.roots) entry.roots = server.roots.map((path) => ({ uri: `file://${path}`, name: 'check' }));
    const config = join(scratch, `${name}-${transport}.json`);
    writeFileSync(config, JSON.stringify({ mcpServers: { [name]: entry } }, null, 2));

    const listed = await inspector(tools, ['--config', config, '--server', name, '--method', 'tools/list']);
    const names = listed.json?.result?.tools?.map((t) => t.name) ?? [];
    result.tools = names.length;
    result.list = listed.code === 0 && names.includes(call.name);
    if (!result.list) throw new Error(`tools/list: exit ${listed.code}, ${names.length} tools, ${call.name} ${names.includes(call.name) ? 'present' : 'missing'} ${listed.stderr.slice(-300)}`);

    const called = await inspector(tools, ['--config', config, '--server', name, '--method', 'tools/call', '--tool-name', call.name, '--tool-args-json', JSON.stringify(call.arguments)]);
    const callResult = called.json?.result;
    const text = JSON.stringify(callResult ?? {});
    result.call = called.code === 0 && callResult?.isError !== true && text.includes(server.expect);
    if (!result.call) throw new Error(`tools/call ${call.name}: exit ${called.code}, ${text.slice(0, 300)} ${called.stderr.slice(-300)}`);
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
async function checkTokenIsRequired(tools, server) {
  const http = await launchHttp(server, { captureDir });
  try {
    const config = join(scratch, 'no-token.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { [server.name]: { type: 'streamable-http', url: http.url } } }));
    const run = await inspector(tools, ['--config', config, '--server', server.name, '--method', 'tools/list', '--stored-auth-only']);
    const code = run.json?.error?.code ?? '';
    return { ok: run.code !== 0 && /auth/i.test(`${code} ${run.json?.error?.message ?? ''}`), detail: `exit ${run.code}, ${code}` };
  } finally {
    await http.stop();
  }
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
        HOME: scratch,
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
