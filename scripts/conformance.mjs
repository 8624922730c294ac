#!/usr/bin/env node
/**
 * Runs the MCP conformance suite (@modelcontextprotocol/conformance, under Node 22 from the npm registry)
 * over Streamable HTTP, for the 2025-11-25 and 2026-07-28 requirement sets:
 *
 *   node scripts/conformance.mjs                    # the fixture server, then all seven servers (CI)
 *   node scripts/conformance.mjs --server fixture   # only the fixture server (full requirement sets)
 *   node scripts/conformance.mjs --server sqlite    # one real server (protocol-level scenarios)
 *   options: --revision R (repeatable), --scenario S (fixture only), --capture DIR, --concurrency N
 *
 * The fixture server (shared/conformance-fixture) implements the suite's fixture tools and is held to every
 * scenario; its expected failures live in scripts/conformance/expected-failures-<revision>.yaml.
 * The seven real servers are held to the protocol-level scenarios (scripts/conformance/scoring.mjs), each
 * started once with real local fixtures or its loopback fake (scripts/load/servers.mjs) and run for both
 * revisions in parallel; their expected failures, each with a reason, live in
 * scripts/conformance/expected-failures-servers.json. Prints a table server × revision → checks.
 *
 * Portico's /mcp requires a bearer token and the suite sends none, so the suite talks to a loopback
 * pass-through proxy that adds it (scripts/conformance/proxy.mjs). Every token and password is a canary;
 * server output and the suite's results go to the capture dir (--capture, else $PORTICO_CAPTURE_DIR, else a
 * temp dir) for scripts/secrets/grep-canaries.mjs.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectHttp } from '@portico/protocol/testing';
import { CANARIES } from '@portico/test-utils';
import { startTokenProxy } from './conformance/proxy.mjs';
import { NODE22, SUITE, resolveSuite, runRequirements } from './conformance/suite.mjs';
import { PROTOCOL_SCENARIOS, baselineProblems, score } from './conformance/scoring.mjs';
import { SERVER_NAMES, startServer } from './load/servers.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REVISIONS = ['2025-11-25', '2026-07-28'];

const { values, positionals } = parseArgs({
  options: {
    server: { type: 'string', multiple: true },
    revision: { type: 'string', multiple: true },
    scenario: { type: 'string' },
    capture: { type: 'string' },
    concurrency: { type: 'string' },
  },
  allowPositionals: true,
});
const revisions = values.revision ?? REVISIONS;
for (const r of revisions) if (!REVISIONS.includes(r)) throw new Error(`unknown revision ${r}; known: ${REVISIONS.join(', ')}`);
const targets = values.server ?? ['fixture', ...SERVER_NAMES];
for (const t of targets) if (t !== 'fixture' && !SERVER_NAMES.includes(t)) throw new Error(`unknown server "${t}"; known: fixture, ${SERVER_NAMES.join(', ')}`);
const captureDir = values.capture ?? process.env.PORTICO_CAPTURE_DIR ?? mkdtempSync(join(tmpdir(), 'portico-capture-'));
mkdirSync(captureDir, { recursive: true });
const started = Date.now();
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

let failed = false;
if (targets.includes('fixture')) failed = (await runFixture()) || failed;
const real = targets.filter((t) => t !== 'fixture');
if (real.length) failed = (await runRealServers(real)) || failed;
console.log(`\nconformance: ${failed ? 'FAILED' : 'passed'} in ${seconds(started)} s; server output and results in ${captureDir}`);
process.exit(failed ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------------
/** The fixture server against the full requirement sets, through npx, with the suite's own baseline files. */
async function runFixture() {
  const t0 = Date.now();
  const bin = join(repo, 'shared', 'conformance-fixture', 'dist', 'cli.js');
  if (!existsSync(bin)) {
    console.error(`conformance: ${bin} is not built; run pnpm build first.`);
    process.exit(2);
  }
  const token = CANARIES.httpBearerToken;
  const child = spawn(process.execPath, [bin, '--transport', 'http', '--port', '0', ...positionals], {
    env: { ...process.env, PORTICO_HTTP_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(captureDir, 'fixture-server.log'), { flags: 'a' });
  child.stdout.pipe(log, { end: false });
  let stderr = '';
  const upstream = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
    child.stderr.on('data', (c) => {
      log.write(c);
      stderr += c;
      const m = / listening on (http:\/\/[^/]+\/mcp)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
  });
  const proxy = await startTokenProxy(upstream, token);
  let anyFailed = false;
  for (const revision of revisions) {
    const expected = join(repo, 'scripts', 'conformance', `expected-failures-${revision}.yaml`);
    const out = join(captureDir, 'conformance', 'fixture', revision);
    mkdirSync(out, { recursive: true });
    const args = [
      '-y', '-p', NODE22, '-p', SUITE, '-c',
      `conformance server --url ${proxy.url} ${values.scenario ? `--scenario ${values.scenario} --spec-version ${revision}` : `--requirements ${revision}`} -o ${out}${existsSync(expected) ? ` --expected-failures ${expected}` : ''}`,
    ];
    console.log(`\nconformance ${revision} against the fixture server:`);
    // Asynchronous on purpose: the proxy above lives in this process and must keep serving meanwhile.
    const status = await new Promise((done) => {
      const suite = spawn('npx', args, { stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
      const timer = setTimeout(() => suite.kill('SIGTERM'), 900_000);
      suite.once('exit', (code) => {
        clearTimeout(timer);
        done(code);
      });
    });
    if (status !== 0) {
      anyFailed = true;
      console.log(`conformance ${revision}: FAILED (exit ${status})`);
    } else {
      console.log(`conformance ${revision}: passed (results in ${out})`);
    }
  }
  await proxy.close();
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  log.end();
  console.log(`conformance: fixture server took ${seconds(t0)} s`);
  return anyFailed;
}

// ---------------------------------------------------------------------------------------------------------------
/** The seven servers, protocol-level scenarios only, scored against the per-server baseline. */
async function runRealServers(names) {
  const baseline = JSON.parse(readFileSync(join(repo, 'scripts', 'conformance', 'expected-failures-servers.json'), 'utf8'));
  const problems = baselineProblems(baseline, SERVER_NAMES);
  if (problems.length) {
    console.error(`conformance: the baseline is invalid:\n  ${problems.join('\n  ')}`);
    return true;
  }
  const t0 = Date.now();
  const suite = resolveSuite();
  console.log(`\nconformance: protocol-level scenarios against ${names.join(', ')} (suite found in ${seconds(t0)} s)`);
  const rows = [];
  const queue = [...names];
  // Two servers at a time, each with both revisions in parallel: the suite is mostly waiting on the server.
  const concurrency = Math.max(1, Number(values.concurrency ?? 2));
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) rows.push(await runOneServer(suite, name, baseline[name] ?? {}));
    }),
  );
  rows.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));

  const cell = (s) =>
    s
      ? `${s.passed} passed, ${s.failed} failed` + (s.expectedFailed ? `, ${s.expectedFailed} expected` : '') + (s.notApplicable ? `, ${s.notApplicable} n/a` : '') + (s.untestable ? `, ${s.untestable} untestable` : '') + (s.warnings ? `, ${s.warnings} warnings` : '')
      : 'not run';
  const header = ['server', ...revisions, 'time'];
  const lines = [header, header.map(() => '---'), ...rows.map((r) => [r.name, ...revisions.map((v) => (r.error ? `ERROR: ${r.error}` : cell(r.scores[v]))), `${r.seconds} s`])];
  const table = lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
  console.log(`\n${table}\n\nn/a: a listing check for a capability the server does not declare, answered -32601 as the spec asks. untestable: the suite needed one of its diagnostic fixture tools.\n`);
  writeFileSync(join(captureDir, 'conformance', 'servers.md'), `${table}\n`);

  let anyFailed = false;
  for (const r of rows) {
    if (r.error) {
      anyFailed = true;
      continue;
    }
    for (const v of revisions) {
      const s = r.scores[v];
      for (const u of s.unexpected) {
        anyFailed = true;
        console.log(`UNEXPECTED FAILURE ${r.name} ${v} ${u.key}: ${u.message}`);
      }
      for (const e of s.expectedFailures) console.log(`expected failure ${r.name} ${v} ${e.key}: ${e.reason}`);
      for (const key of s.stale) console.log(`stale baseline entry ${r.name} ${v} ${key}: it passes now; remove it from expected-failures-servers.json`);
      for (const u of s.untestableChecks) console.log(`untestable ${r.name} ${v} ${u.key}: ${u.message}`);
      for (const u of s.notApplicableChecks) console.log(`n/a ${r.name} ${v} ${u.key}: ${r.name} declares only ${r.declared} and answered ${u.message}`);
    }
  }
  console.log(`conformance: seven-server part took ${seconds(t0)} s`);
  return anyFailed;
}

/** The capabilities the server declares at initialize (2025-11-25), through the real MCP client. */
async function declaredCapabilities(server) {
  const client = await connectHttp({ url: server.url, token: server.token });
  try {
    return client.client.getServerCapabilities() ?? {};
  } finally {
    await client.close();
  }
}

async function runOneServer(suite, name, expected) {
  const t0 = Date.now();
  let server;
  let proxy;
  try {
    server = await startServer(name, { captureDir });
    proxy = await startTokenProxy(server.url, server.token);
    const declared = await declaredCapabilities(server);
    const runs = await Promise.all(
      revisions.map(async (revision) => {
        const outDir = join(captureDir, 'conformance', name, revision);
        mkdirSync(outDir, { recursive: true });
        const run = await runRequirements(suite, { url: proxy.url, revision, scenarios: PROTOCOL_SCENARIOS[revision], outDir });
        return [revision, score(run.results, expected[revision] ?? {}, { declared })];
      }),
    );
    return { name, declared: Object.keys(declared).sort().join(', '), scores: Object.fromEntries(runs), seconds: seconds(t0) };
  } catch (error) {
    console.error(`conformance ${name}: ${error.stack ?? error.message}`);
    return { name, error: error.message.split('\n')[0], seconds: seconds(t0) };
  } finally {
    await proxy?.close();
    await server?.stop();
  }
}
