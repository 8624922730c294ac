#!/usr/bin/env node
/**
 * `pnpm bench [name...] [--against official|floor|all] [--quick]`
 *
 * Side-by-side benchmarks of Portico's built servers against the official servers from npm and a floor
 * (bare-Node stdio/HTTP responders, or find/ls/head/tail), alternating A, B, C, A, B, C so that drift from other
 * load on the machine hits every contender alike. Prints a markdown table and writes it, with the raw JSON,
 * under bench/results/ (gitignored). Every load is bounded and stays on loopback. Linux only (/proc).
 *
 * Names: coldstart, stdio (latency, throughput, RSS), search, tree, list, read, http, postgres, sqlite, git, fetch.
 * Build first: `pnpm build` (needs the built servers: filesystem, postgres, sqlite, git and fetch).
 * git and fetch have no official TypeScript server; their own scripts (servers/<name>/bench) run and are summarised.
 * The sqlite comparator is installed on first use into bench/.cache (see sqlite.mjs).
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { StdioServer, cpuMs, memMiB, now, summary, median, percentile, pairedRatio, fmt, markdownTable, sleep } from './lib.mjs';
import { searchTree, treeFixture, flatFixture, bigFile, FIXTURES } from './fixtures.mjs';
import { COMPETITOR, COMPETITOR_VERSION, ensureCompetitor, makeDatabase, rowsIn, SQLITE_QUERIES } from './sqlite.mjs';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const againstIndex = argv.indexOf('--against');
const against = againstIndex >= 0 ? argv[againstIndex + 1] : 'all';
const names = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--against');
const ALL = ['coldstart', 'stdio', 'search', 'tree', 'list', 'read', 'http', 'postgres', 'sqlite', 'git', 'fetch'];
const selected = names.length ? names : ALL;
for (const n of selected) if (!ALL.includes(n)) throw new Error(`unknown benchmark "${n}"; known: ${ALL.join(', ')}`);
const withOfficial = against === 'all' || against === 'official';
const withFloor = against === 'all' || against === 'floor';

const PORTICO_FS = join(repo, 'servers/filesystem/dist/cli.js');
const OFFICIAL_FS = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
const OFFICIAL_EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const FLOOR_STDIO = join(here, 'floor-stdio.mjs');
const FLOOR_HTTP = join(here, 'floor-http.mjs');
if (!existsSync(PORTICO_FS)) throw new Error(`${PORTICO_FS} is missing: run \`pnpm build\` first`);

const rows = []; // { benchmark, portico, official, floor, ratio, target, met, note }
const raw = {};
const loads = [];
const sampleLoad = (when) => loads.push({ when, load: loadavg().map((x) => +x.toFixed(2)) });
const log = (s) => process.stderr.write(`bench: ${s}\n`);
const row = (r) => {
  rows.push(r);
  log(`${r.benchmark}: portico ${r.portico} | official ${r.official} | floor ${r.floor} | ${r.met}`);
};
const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'met' : 'NOT met');

function fsServers(dir, { floor = withFloor } = {}) {
  const list = [{ key: 'portico', make: () => new StdioServer('portico', process.execPath, [PORTICO_FS, dir]) }];
  if (withOfficial) list.push({ key: 'official', make: () => new StdioServer('official', process.execPath, [OFFICIAL_FS, dir]) });
  if (floor) list.push({ key: 'floor', make: () => new StdioServer('floor', process.execPath, [FLOOR_STDIO], { cwd: dir }) });
  return list;
}

/** Runs `count` calls keeping `inFlight` outstanding; returns elapsed ms. */
async function pipelined(server, count, inFlight, call) {
  let sent = 0;
  const t0 = now();
  const worker = async () => {
    while (sent < count) {
      sent++;
      await call(server);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return now() - t0;
}

const cheapCall = (s) => s.call('list_allowed_directories', {});

// ---------------------------------------------------------------------------------------------------------------
async function benchColdstart() {
  const reps = quick ? 5 : 12;
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-cold-'));
  const contenders = fsServers(dir);
  const times = Object.fromEntries(contenders.map((c) => [c.key, []]));
  for (let r = 0; r < reps; r++) {
    for (const c of contenders) {
      const t0 = now();
      const s = c.make();
      await s.initialize();
      const list = await s.request('tools/list', {});
      times[c.key].push(now() - t0);
      if (!list.tools?.length) throw new Error(`${c.key}: tools/list returned no tools`);
      await s.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  raw.coldstart = times;
  const p = summary(times.portico);
  const o = times.official && summary(times.official);
  const f = times.floor && summary(times.floor);
  const ratio = o ? pairedRatio(times.portico, times.official) : NaN;
  row({
    benchmark: 'cold start: spawn → initialize → tools/list (filesystem)',
    portico: `${fmt(p.median)} ms (min ${fmt(p.min)}, max ${fmt(p.max)})`,
    official: o ? `${fmt(o.median)} ms (min ${fmt(o.min)}, max ${fmt(o.max)})` : 'not run',
    floor: f ? `${fmt(f.median)} ms` : 'not run',
    ratio: o ? `${fmt(ratio, 2)}x official` : '',
    target: '≤ 90 ms, and ≤ 0.5x official',
    met: verdict(p.median <= 90 && (!o || ratio <= 0.5)),
  });
}

// ---------------------------------------------------------------------------------------------------------------
async function benchStdio() {
  const rounds = quick ? 4 : 8;
  const perRound = quick ? 100 : 200;
  const tputRounds = quick ? 3 : 4;
  const tputCalls = quick ? 1000 : 2000;
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-stdio-'));
  const servers = [];
  for (const c of fsServers(dir)) {
    const s = c.make();
    await s.initialize();
    await s.request('tools/list', {});
    servers.push({ key: c.key, s, calls: 0 });
  }
  await sleep(500);
  const idle = Object.fromEntries(servers.map(({ key, s }) => [key, memMiB(s.pid)]));
  for (const x of servers) {
    for (let i = 0; i < 200; i++) await cheapCall(x.s);
    x.calls += 200;
  }
  // Latency: sequential calls, alternating blocks.
  const lat = Object.fromEntries(servers.map(({ key }) => [key, { all: [], perRound: [], cpu: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const x of servers) {
      const c0 = cpuMs(x.s.pid);
      const block = [];
      for (let i = 0; i < perRound; i++) {
        const t0 = process.hrtime.bigint();
        await cheapCall(x.s);
        block.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      lat[x.key].cpu += cpuMs(x.s.pid) - c0;
      lat[x.key].all.push(...block);
      lat[x.key].perRound.push(median(block));
      x.calls += perRound;
    }
  }
  // RSS after 6,000 calls: top every server up to exactly 6,000 calls, 16 in flight.
  for (const x of servers) {
    await pipelined(x.s, 6000 - x.calls, 16, cheapCall);
    x.calls = 6000;
  }
  const after = Object.fromEntries(servers.map(({ key, s }) => [key, memMiB(s.pid)]));
  // Throughput: 16 in flight, alternating rounds.
  const tput = Object.fromEntries(servers.map(({ key }) => [key, { perRound: [], cpu: 0, calls: 0 }]));
  for (let r = 0; r < tputRounds; r++) {
    for (const x of servers) {
      const c0 = cpuMs(x.s.pid);
      const ms = await pipelined(x.s, tputCalls, 16, cheapCall);
      tput[x.key].cpu += cpuMs(x.s.pid) - c0;
      tput[x.key].calls += tputCalls;
      tput[x.key].perRound.push((tputCalls * 1000) / ms);
    }
  }
  for (const x of servers) await x.s.close();
  rmSync(dir, { recursive: true, force: true });
  raw.stdio = { idle, after, latency: lat, throughput: tput };
  const p50 = (k) => lat[k] && percentile(lat[k].all, 50);
  const cpuPerCall = (k) => lat[k] && (lat[k].cpu * 1000) / lat[k].all.length;
  const latRatio = lat.floor ? pairedRatio(lat.portico.perRound, lat.floor.perRound) : NaN;
  const cell = (k) => (lat[k] ? `${fmt(p50(k), 0)} µs (p95 ${fmt(percentile(lat[k].all, 95), 0)}; CPU ${fmt(cpuPerCall(k), 0)} µs/call)` : 'not run');
  row({
    benchmark: 'stdio cheap call (list_allowed_directories) latency p50',
    portico: cell('portico'),
    official: cell('official'),
    floor: cell('floor'),
    ratio: lat.floor ? `${fmt(latRatio, 2)}x floor` : '',
    target: '≤ 1.5x floor',
    met: verdict(lat.floor ? latRatio <= 1.5 : null),
  });
  const tp = (k) => tput[k] && median(tput[k].perRound);
  const tcell = (k) => (tput[k] ? `${fmt(tp(k), 0)} calls/s (min ${fmt(Math.min(...tput[k].perRound), 0)}, max ${fmt(Math.max(...tput[k].perRound), 0)}; CPU ${fmt((tput[k].cpu * 1000) / tput[k].calls, 0)} µs/call)` : 'not run');
  const tRatio = tput.floor ? pairedRatio(tput.portico.perRound, tput.floor.perRound) : NaN;
  row({
    benchmark: 'stdio throughput, 16 in flight',
    portico: tcell('portico'),
    official: tcell('official'),
    floor: tcell('floor'),
    ratio: tput.floor ? `${fmt(tRatio, 2)}x floor` : '',
    target: '≥ 0.6x floor',
    met: verdict(tput.floor ? tRatio >= 0.6 : null),
  });
  const mcell = (k) => (idle[k] ? `${fmt(idle[k].rss, 0)} / ${fmt(after[k].rss, 0)} MiB (peak ${fmt(after[k].hwm, 0)})` : 'not run');
  row({
    benchmark: 'RSS idle / after 6,000 calls (VmRSS; VmHWM in brackets)',
    portico: mcell('portico'),
    official: mcell('official'),
    floor: mcell('floor'),
    ratio: '',
    target: '≤ 55 / 75 MiB',
    met: verdict(idle.portico.rss <= 55 && after.portico.hwm <= 75),
  });
}

// ---------------------------------------------------------------------------------------------------------------
function timedCommand(cmd, args) {
  const t0 = now();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, lines: r.stdout.split('\n').filter(Boolean).length, bytes: r.stdout.length };
}

/** Structured result count for Portico, or the text's line count for the official server. */
function answerSize(result) {
  const text = result.content?.map((c) => c.text ?? '').join('\n') ?? '';
  return { chars: JSON.stringify(result).length, lines: text.split('\n').filter(Boolean).length, isError: !!result.isError, text };
}

/**
 * One file-system operation: fresh servers (so VmHWM is this operation's peak), one untimed call each, then
 * `rounds` alternations of portico, official, floor command; reports min/median/max, the paired ratios to the
 * floor and between the servers, CPU per call, peak RSS. The first call pays for lazy imports and JIT warm-up
 * (a host's first call of a session does too, after the cold start measured on its own); it is shown as
 * "first" in each cell and kept out of the medians, which describe every later call.
 */
async function fsOperation({ label, dir, rounds, portico, official, floor, target, judge, count }) {
  const servers = [];
  for (const c of fsServers(dir, { floor: false })) {
    const s = c.make();
    await s.initialize();
    servers.push({ key: c.key, s });
  }
  const t = { portico: [], official: [], floor: [] };
  const cpu = { portico: 0, official: 0 };
  const sizes = {};
  const first = {};
  const errors = {}; // an answer that is an error is no measurement: the row says so and is never "met"
  let floorOut;
  for (const x of servers) {
    const [name, args] = x.key === 'portico' ? portico : official;
    const t0 = now();
    await x.s.call(name, args, 300_000);
    first[x.key] = now() - t0;
  }
  for (let r = 0; r < rounds; r++) {
    for (const x of servers) {
      const [name, args] = x.key === 'portico' ? portico : official;
      const c0 = cpuMs(x.s.pid);
      const t0 = now();
      const result = await x.s.call(name, args, 300_000);
      t[x.key].push(now() - t0);
      cpu[x.key] += cpuMs(x.s.pid) - c0;
      sizes[x.key] = answerSize(result);
      if (result.isError) {
        errors[x.key] = (errors[x.key] ?? 0) + 1;
        log(`${label}: ${x.key} answered isError: ${sizes[x.key].text.slice(0, 300)}`);
      }
    }
    const f = timedCommand(...floor);
    t.floor.push(f.ms);
    floorOut = f;
  }
  const peak = Object.fromEntries(servers.map(({ key, s }) => [key, memMiB(s.pid).hwm]));
  for (const x of servers) await x.s.close();
  const counts = count ? { portico: count(sizes.portico, 'portico'), official: sizes.official && count(sizes.official, 'official'), floor: floorOut.lines } : {};
  raw[label] = { times: t, firstCall: first, cpu, peak, counts, answerChars: { portico: sizes.portico?.chars, official: sizes.official?.chars } };
  const cell = (k) => {
    if (!t[k].length) return 'not run';
    const s = summary(t[k]);
    const extra = k === 'floor' ? '' : `; first ${fmt(first[k], 1)}; CPU ${fmt(cpu[k] / t[k].length, 0)} ms/call; peak ${fmt(peak[k], 0)} MiB; ${fmt(sizes[k].chars / 1024, 0)} KiB answer`;
    const n = (counts[k] !== undefined ? `; ${fmt(counts[k], 0)} results` : '') + (errors[k] ? `; ${errors[k]} ERROR answers` : '');
    return `${fmt(s.median, 1)} ms (min ${fmt(s.min, 1)}, max ${fmt(s.max, 1)}${n}${extra})`;
  };
  const ratioFloor = pairedRatio(t.portico, t.floor);
  const ratioOfficial = t.official.length ? pairedRatio(t.official, t.floor) : NaN;
  const speedup = t.official.length ? pairedRatio(t.official, t.portico) : NaN;
  row({
    benchmark: label,
    portico: cell('portico'),
    official: cell('official'),
    floor: `${cell('floor')} [${floor[0]}]`,
    ratio: `${fmt(ratioFloor, 2)}x floor` + (t.official.length ? ` (official ${fmt(ratioOfficial, 1)}x); ${fmt(speedup, 2)}x faster than official` : ''),
    target,
    met: errors.portico ? 'NOT met (error answers)' : verdict(judge({ ratioFloor, speedup, median: median(t.portico), peak: peak.portico })),
  });
}

async function benchSearch() {
  const files = quick ? 10_000 : 100_000;
  const dir = searchTree(files);
  const rounds = 3;
  const common = { dir, rounds, target: '≤ 3x find', judge: ({ ratioFloor }) => ratioFloor <= 3 };
  await fsOperation({
    ...common,
    label: `search_files **/*.md over ${fmt(files, 0)} files`,
    portico: ['search_files', { path: dir, pattern: '**/*.md', maxResults: 100_000 }],
    official: ['search_files', { path: dir, pattern: '**/*.md' }],
    floor: ['find', [dir, '-name', '*.md']],
    count: (s) => s.text.split('\n').filter((l) => l.includes('.md')).length,
  });
  await fsOperation({
    ...common,
    label: `same, excluding node_modules`,
    portico: ['search_files', { path: dir, pattern: '**/*.md', excludePatterns: ['node_modules'], maxResults: 100_000 }],
    official: ['search_files', { path: dir, pattern: '**/*.md', excludePatterns: ['node_modules'] }],
    floor: ['find', [dir, '-name', 'node_modules', '-prune', '-o', '-name', '*.md', '-print']],
    count: (s) => s.text.split('\n').filter((l) => l.includes('.md')).length,
  });
}

/** Entries in a directory_tree answer (both servers name every entry once), so a cut-short tree shows. */
const treeEntries = (s) => (s.text.match(/"name":/g) ?? []).length;

async function benchTree() {
  const dir = treeFixture();
  await fsOperation({
    label: 'directory_tree of 20,000 entries',
    dir,
    rounds: quick ? 3 : 15,
    portico: ['directory_tree', { path: dir, maxEntries: 200_000 }],
    official: ['directory_tree', { path: dir }],
    floor: ['find', [dir]],
    target: '≤ 2x find, peak ≤ 100 MiB',
    count: treeEntries,
    judge: ({ ratioFloor, peak }) => ratioFloor <= 2 && peak <= 100,
  });
  const files = quick ? 10_000 : 100_000;
  const big = searchTree(files);
  await fsOperation({
    label: `directory_tree of the ${fmt(files, 0)}-file tree`,
    dir: big,
    rounds: quick ? 3 : 7,
    portico: ['directory_tree', { path: big, maxEntries: 200_000 }],
    official: ['directory_tree', { path: big }],
    floor: ['find', [big]],
    target: '≥ 3x faster than official, peak ≤ 200 MiB',
    count: treeEntries,
    judge: ({ speedup, peak }) => speedup >= 3 && peak <= 200,
  });
}

async function benchList() {
  const dir = flatFixture();
  await fsOperation({
    label: 'list_directory_with_sizes of 10,000 entries',
    dir,
    rounds: quick ? 3 : 9,
    portico: ['list_directory_with_sizes', { path: dir, maxEntries: 100_000 }],
    official: ['list_directory_with_sizes', { path: dir }],
    floor: ['ls', ['-l', dir]],
    target: '≤ 2x ls -l',
    judge: ({ ratioFloor }) => ratioFloor <= 2,
    count: (s) => s.text.split('\n').filter((l) => l.includes('entry-')).length,
  });
}

async function benchRead() {
  const path = bigFile();
  const dir = join(path, '..');
  for (const [which, n] of [['head', 10], ['tail', 10]]) {
    await fsOperation({
      label: `read_text_file ${which} 10 of a 1 GiB sparse file`,
      dir,
      rounds: quick ? 10 : 30,
      portico: ['read_text_file', { path, [which]: n }],
      official: ['read_text_file', { path, [which]: n }],
      floor: [which, ['-n', String(n), path]],
      target: '≤ 2 ms',
      judge: ({ median: m }) => m <= 2,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts an HTTP server process and waits for its "listening" line (stderr or stdout). */
function startHttp(key, args, env, portFromLine) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${key}: no listening line in 20 s: ${text.slice(-500)}`)), 20_000);
    const onData = (c) => {
      text += c.toString('utf8');
      const m = portFromLine(text);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stderr.removeAllListeners('data');
        child.stdout.resume();
        child.stderr.resume();
        resolve({ key, child, pid: child.pid, url: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${key} exited with ${code}: ${text.slice(-500)}`)));
  });
}

async function httpPost(server, body, session) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (server.token) headers.authorization = `Bearer ${server.token}`;
  if (session) {
    headers['mcp-session-id'] = session;
    headers['mcp-protocol-version'] = '2025-11-25';
  }
  const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) return { ok: false, status: res.status, text, sessionId: res.headers.get('mcp-session-id') };
  let message = null;
  if (text) {
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
      for (const d of data) {
        const m = JSON.parse(d);
        if (m.id === body.id) message = m;
      }
    } else message = JSON.parse(text);
  }
  const ok = body.id === undefined ? true : !!message && !message.error && !message.result?.isError;
  return { ok, status: res.status, message, sessionId: res.headers.get('mcp-session-id') };
}

async function openSession(server) {
  const init = await httpPost(server, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'portico-bench', version: '0' } } });
  if (!init.ok || !init.sessionId) throw new Error(`${server.key}: initialize failed (${init.status}): ${init.text ?? JSON.stringify(init.message)}`.slice(0, 500));
  await httpPost(server, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId);
  return { id: init.sessionId, next: 1 };
}

async function benchHttp() {
  const callsPerSession = quick ? 10 : 25;
  const rounds = 2;
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-http-'));
  const tokenFile = join(dir, 'token');
  const token = 'bench-token-' + Math.random().toString(36).slice(2);
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const listening = (t) => /listening on (http:\/\/\S+\/mcp)/.exec(t)?.[1];
  const servers = [];
  const portico = await startHttp('portico', [PORTICO_FS, dir, '--transport', 'http', '--port', '0', '--token-file', tokenFile, '--log-level', 'warn'], {}, listening);
  portico.token = token;
  portico.call = { name: 'list_allowed_directories', arguments: {} };
  servers.push(portico);
  if (withOfficial) {
    const port = await freePort();
    const everything = await startHttp('official', [OFFICIAL_EVERYTHING, 'streamableHttp'], { PORT: String(port) }, (t) => (/listening on port/i.test(t) ? `http://127.0.0.1:${port}/mcp` : null));
    everything.call = { name: 'echo', arguments: { message: 'hi' } };
    servers.push(everything);
  }
  if (withFloor) {
    const floor = await startHttp('floor', [FLOOR_HTTP], {}, listening);
    floor.call = { name: 'echo', arguments: { message: 'hi' } };
    servers.push(floor);
  }
  const result = {};
  try {
    for (const s of servers) {
      s.sessions = [];
      for (let i = 0; i < 64; i++) s.sessions.push(await openSession(s));
      s.errors = 0;
      s.calls = 0;
      s.cpuPerCall = [];
    }
    const callOn = async (s, session) => {
      const r = await httpPost(s, { jsonrpc: '2.0', id: session.next++, method: 'tools/call', params: s.call }, session.id).catch((e) => ({ ok: false, text: e.message }));
      s.calls++;
      if (!r.ok) {
        if (s.errors < 3) log(`http ${s.key}: error ${r.status}: ${(r.text ?? JSON.stringify(r.message)).slice(0, 200)}`);
        s.errors++;
      }
    };
    // Warm-up (not counted in CPU, counted in the 4,000 calls): 5 calls per session, so JIT and pools settle.
    for (const s of servers) {
      await Promise.all(s.sessions.map(async (session) => {
        for (let i = 0; i < 5; i++) await callOn(s, session);
      }));
    }
    for (let r = 0; r < rounds; r++) {
      for (const s of servers) {
        const c0 = cpuMs(s.pid);
        await Promise.all(s.sessions.map(async (session) => {
          for (let i = 0; i < callsPerSession; i++) await callOn(s, session);
        }));
        s.cpuPerCall.push(((cpuMs(s.pid) - c0) * 1000) / (64 * callsPerSession));
      }
    }
    // RSS after 4,000 calls over 72 sessions: 8 more sessions, then top up to 4,000 calls spread over all 72.
    for (const s of servers) {
      for (let i = 0; i < 8; i++) s.sessions.push(await openSession(s));
      const left = 4000 - s.calls;
      let given = 0;
      await Promise.all(s.sessions.map(async (session) => {
        while (given < left) {
          given++;
          await callOn(s, session);
        }
      }));
      result[s.key] = { cpuPerCallUs: s.cpuPerCall, errors: s.errors, calls: s.calls, sessions: s.sessions.length, mem: memMiB(s.pid) };
    }
  } finally {
    for (const s of servers) {
      const exited = new Promise((r) => s.child.once('exit', r));
      s.child.kill('SIGTERM');
      const t = setTimeout(() => s.child.kill('SIGKILL'), 6000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  raw.http = result;
  const cell = (k) => (result[k] ? `${fmt(median(result[k].cpuPerCallUs), 0)} µs CPU/call (rounds: ${result[k].cpuPerCallUs.map((x) => fmt(x, 0)).join(', ')}); ${result[k].errors} errors` : 'not run');
  row({
    benchmark: `HTTP, 64 concurrent sessions: server CPU per cheap call (${64 * callsPerSession} calls × ${rounds} rounds)`,
    portico: cell('portico'),
    official: result.official ? `server-everything echo: ${cell('official')}` : 'not run',
    floor: cell('floor'),
    ratio: result.floor ? `${fmt(pairedRatio(result.portico.cpuPerCallUs, result.floor.cpuPerCallUs), 2)}x floor` : '',
    target: '≤ 200 µs, zero errors',
    met: verdict(median(result.portico.cpuPerCallUs) <= 200 && result.portico.errors === 0),
  });
  const mcell = (k) => (result[k] ? `${fmt(result[k].mem.rss, 0)} MiB (peak ${fmt(result[k].mem.hwm, 0)}; ${result[k].calls} calls, ${result[k].sessions} sessions, ${result[k].errors} errors)` : 'not run');
  row({
    benchmark: 'HTTP RSS after 4,000 calls over 72 sessions',
    portico: mcell('portico'),
    official: mcell('official'),
    floor: mcell('floor'),
    ratio: '',
    target: '≤ 100 MiB',
    met: verdict(result.portico.mem.hwm <= 100),
  });
}

// ---------------------------------------------------------------------------------------------------------------
/** Reuses servers/postgres/bench/bench.mjs (embedded PostgreSQL, official 0.6.2 vs Portico) and parses its table. */
async function benchPostgres() {
  const script = join(repo, 'servers/postgres/bench/bench.mjs');
  if (!existsSync(join(repo, 'servers/postgres/dist/cli.js'))) throw new Error('servers/postgres/dist is missing: build it first');
  const r = spawnSync(process.execPath, [script], {
    cwd: join(repo, 'servers/postgres'),
    encoding: 'utf8',
    timeout: 8 * 60_000,
    maxBuffer: 1 << 26,
    env: { ...process.env, BENCH_LATENCY_CALLS: quick ? '50' : '200', BENCH_READ_CALLS: quick ? '2' : '3' },
  });
  if (r.status !== 0) throw new Error(`postgres bench failed (${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-1500)}`);
  const lines = r.stdout.split('\n').filter((l) => l.includes('│'));
  const cells = (l) => l.split('│').slice(1, -1).map((c) => c.trim().replace(/^'|'$/g, ''));
  const header = cells(lines[0]);
  const table = lines.slice(1).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i], c])));
  const crash = /the 1M-row query failed: ([^\n]*)/.exec(r.stderr ?? '')?.[1];
  raw.postgres = { table, stdout: r.stdout, officialFailure: crash, stderrTail: (r.stderr ?? '').slice(-3000) };
  const official = table.find((t) => t.server.includes('modelcontextprotocol'));
  const defaults = table.find((t) => t.server.includes('defaults'));
  const floor = table.find((t) => t.server.startsWith('floor'));
  const ms = (t) => Number(t['SELECT 1 p50 ms']);
  const us = (t, column = 'SELECT 1 p50 ms') => `${fmt(Number(t[column]) * 1000, 0)} µs`;
  const peaks = (t) => t['peak RSS MB (after SELECT 1 / 10k / 1M)'].split('/').map((x) => Number(x.trim()));
  row({
    benchmark: `postgres SELECT 1 p50 through query (${quick ? 50 : 200} calls each, in turn; SDK client)`,
    portico: `${us(defaults)} (p95 ${us(defaults, 'SELECT 1 p95 ms')})`,
    official: `${us(official)} (p95 ${us(official, 'SELECT 1 p95 ms')})`,
    floor: `${us(floor)} (p95 ${us(floor, 'SELECT 1 p95 ms')}) [pg in-process]`,
    ratio: `${fmt(ms(defaults) / ms(official), 2)}x official; ${fmt(ms(defaults) / ms(floor), 1)}x floor`,
    target: '≤ 400 µs',
    met: verdict(ms(defaults) <= 0.4),
  });
  const [pBefore, , pAfter] = peaks(defaults);
  row({
    benchmark: 'postgres SELECT * of 1,000,000 rows',
    portico: `${defaults['1M query ms']} ms, ${defaults['1M rows returned']} rows, ${fmt(Number(defaults['1M result chars']) / 1e6, 2)} MB answer, peak RSS ${defaults['peak RSS MB (after SELECT 1 / 10k / 1M)']} MB`,
    official: crash && official['1M query ms'] === 'crashed' ? `failed: ${crash.slice(0, 160)} (peak RSS ${official['peak RSS MB (after SELECT 1 / 10k / 1M)']} MB)` : `${official['1M query ms']} ms, ${official['1M rows returned']} rows, ${fmt(Number(official['1M result chars']) / 1e6, 1)} MB answer, peak RSS ${official['peak RSS MB (after SELECT 1 / 10k / 1M)']} MB`,
    floor: 'not run',
    ratio: '',
    target: 'capped answer in ≤ 200 ms, server RSS growth ≤ 30 MiB',
    met: verdict(Number(defaults['1M query ms']) <= 200 && pAfter - pBefore <= 30),
    note: 'RSS growth here is peak after 1M query minus peak after SELECT 1 (the 10k read in between is included).',
  });
}

// ---------------------------------------------------------------------------------------------------------------
/**
 * Runs a server's own benchmark script (built bin, real MCP client over stdio) and returns the JSON it prints
 * after its table. git and fetch have no official TypeScript server to put beside them; the floors are the
 * git CLI itself (git) and none (fetch: the first page's cost is the download and conversion).
 */
function serverScript(name, script) {
  if (!existsSync(join(repo, `servers/${name}/dist/cli.js`))) throw new Error(`servers/${name}/dist is missing: build it first`);
  const r = spawnSync(process.execPath, [join(repo, `servers/${name}`, script)], { cwd: join(repo, `servers/${name}`), encoding: 'utf8', timeout: 5 * 60_000, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${name} bench failed (${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-1500)}`);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('\n{') + 1));
  raw[name] = json;
  return json;
}

const NO_OFFICIAL = 'no official TypeScript server';

async function benchGit() {
  const { results } = serverScript('git', 'bench/log-status.mjs');
  const by = (label) => results.find((r) => r.label.startsWith(label));
  const cell = (r) => `${fmt(r.median_ms, 0)} ms (min ${fmt(r.min_ms, 0)}, max ${fmt(r.max_ms, 0)})`;
  const floors = { 'git_log one page of 1,000 commits': by('baseline: git log -n 1000'), 'git_status, 50,000 files, 100 modified': by('baseline: git status') };
  for (const r of results.filter((x) => !x.label.startsWith('baseline'))) {
    const floor = floors[r.label];
    row({
      benchmark: `git: ${r.label}${r.pages ? ` (${r.pages} pages)` : ''}`,
      portico: cell(r),
      official: NO_OFFICIAL,
      floor: floor ? `${cell(floor)} [${floor.label.replace(/^baseline: /, '').replace(/ \(.*$/, '')}]` : 'n/a',
      ratio: floor ? `${fmt(r.median_ms / floor.median_ms, 2)}x floor` : '',
      target: 'recorded (issue 6 sets no figure)',
      met: 'n/a',
    });
  }
}

async function benchFetch() {
  const { conversion, paging } = serverScript('fetch', 'bench/run.mjs');
  for (const c of conversion) {
    row({
      benchmark: `fetch: HTML → Markdown of a ${fmt(c.htmlBytes / 1024, 0)} KiB page (in process)`,
      portico: `${fmt(c.medianWallMs, 0)} ms (CPU ${fmt(c.medianCpuMs, 0)} ms; ${fmt(c.markdownChars / 1024, 0)} KiB Markdown; ${c.runs} runs)`,
      official: NO_OFFICIAL,
      floor: 'n/a',
      ratio: '',
      target: 'recorded (issue 9 sets no figure)',
      met: 'n/a',
    });
  }
  for (const p of paging) {
    row({
      benchmark: `fetch: pages of a ${fmt(p.pageBytes / 1024, 0)} KiB page over stdio, ${p.mode}`,
      portico: `first page ${fmt(p.firstPageMs, 0)} ms, later pages ${fmt(p.laterPageMedianMs, 1)} ms (median of ${p.laterPages}); ${p.downloads} download(s)`,
      official: NO_OFFICIAL,
      floor: 'n/a',
      ratio: '',
      target: 'recorded (issue 9 sets no figure)',
      met: 'n/a',
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
async function benchSqlite() {
  const PORTICO_SQLITE = join(repo, 'servers/sqlite/dist/cli.js');
  if (!existsSync(PORTICO_SQLITE)) throw new Error(`${PORTICO_SQLITE} is missing: build servers/sqlite first`);
  const db = makeDatabase(repo);
  const rounds = quick ? 3 : 5;
  const perRound = { '10,000-row read': quick ? 3 : 6, '1-row read': quick ? 30 : 100 };
  const contenders = [{ key: 'portico', make: () => new StdioServer('portico', process.execPath, [PORTICO_SQLITE, '--db-path', db.path, '--read-only', '--max-rows', '10000', '--max-result-bytes', '20000000', '--log-level', 'warn']) }];
  if (withOfficial) {
    const entry = ensureCompetitor(join(repo, 'bench/.cache'), log);
    contenders.push({ key: 'official', make: () => new StdioServer('official', process.execPath, [entry, db.path]) });
  }
  const servers = [];
  try {
    for (const c of contenders) {
      const s = c.make();
      await s.initialize();
      servers.push({ key: c.key, s });
    }
    // Floor: the same statement through better-sqlite3 in this process (no MCP, no process boundary, no JSON).
    const floorDb = withFloor ? new db.Database(db.path, { readonly: true }) : undefined;
    const results = {};
    for (const [label, query] of Object.entries(SQLITE_QUERIES)) {
      const n = perRound[label];
      const lat = Object.fromEntries([...servers.map((x) => x.key), 'floor'].map((k) => [k, { all: [], perRound: [], cpu: 0, rows: undefined, chars: 0 }]));
      for (const x of servers) for (let i = 0; i < 3; i++) await x.s.call('read_query', { query }); // warm-up
      const statement = floorDb?.prepare(query);
      for (let r = 0; r < rounds; r++) {
        for (const x of servers) {
          const c0 = cpuMs(x.s.pid);
          const block = [];
          for (let i = 0; i < n; i++) {
            const t0 = now();
            const result = await x.s.call('read_query', { query });
            block.push(now() - t0);
            lat[x.key].rows = rowsIn(result);
            lat[x.key].chars = JSON.stringify(result).length;
          }
          lat[x.key].cpu += cpuMs(x.s.pid) - c0;
          lat[x.key].all.push(...block);
          lat[x.key].perRound.push(median(block));
        }
        if (statement) {
          const block = [];
          for (let i = 0; i < n; i++) {
            const t0 = now();
            lat.floor.rows = statement.all().length;
            block.push(now() - t0);
          }
          lat.floor.all.push(...block);
          lat.floor.perRound.push(median(block));
        }
      }
      results[label] = lat;
      const cell = (k) => {
        const l = lat[k];
        if (!l?.all.length) return 'not run';
        const extra = k === 'floor' ? '' : `; CPU ${fmt((l.cpu * 1000) / l.all.length, 0)} µs/call; ${fmt(l.chars / 1024, 0)} KiB answer`;
        const digits = k === 'floor' ? 3 : 2; // the in-process 1-row read takes microseconds
        return `${fmt(median(l.all), digits)} ms (p95 ${fmt(percentile(l.all, 95), digits)}; ${l.rows} rows${extra})`;
      };
      const ratio = lat.official?.perRound.length ? pairedRatio(lat.portico.perRound, lat.official.perRound) : NaN;
      row({
        benchmark: `sqlite read_query, ${label} (${rounds} × ${n} calls)`,
        portico: cell('portico'),
        official: lat.official?.all.length ? `${COMPETITOR} ${COMPETITOR_VERSION}: ${cell('official')}` : 'not run',
        floor: lat.floor.all.length ? `${cell('floor')} [better-sqlite3 in-process]` : 'not run',
        ratio: Number.isNaN(ratio) ? '' : `${fmt(ratio, 2)}x ${COMPETITOR}`,
        target: 'side by side (issue 4 sets no figure)',
        met: 'n/a',
      });
    }
    floorDb?.close();
    raw.sqlite = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([who, l]) => [who, { ...l, all: undefined, median: median(l.all) }]))]));
    raw.sqlite.peak = Object.fromEntries(servers.map(({ key, s }) => [key, memMiB(s.pid).hwm]));
  } finally {
    for (const x of servers) await x.s.close();
    rmSync(db.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
const BENCHES = { coldstart: benchColdstart, stdio: benchStdio, search: benchSearch, tree: benchTree, list: benchList, read: benchRead, http: benchHttp, postgres: benchPostgres, sqlite: benchSqlite, git: benchGit, fetch: benchFetch };
const started = now();
const failures = [];
sampleLoad('start');
for (const name of selected) {
  log(`running ${name}${quick ? ' (quick)' : ''}`);
  const t0 = now();
  try {
    await BENCHES[name]();
  } catch (error) {
    failures.push({ name, error: error.message });
    log(`${name} FAILED: ${error.stack ?? error.message}`);
  }
  sampleLoad(`after ${name}`);
  log(`${name} took ${fmt((now() - t0) / 1000, 1)} s`);
}
const totalS = (now() - started) / 1000;
const headers = ['benchmark', 'Portico', 'official', 'floor', 'paired ratio', 'target', 'met?'];
const table = markdownTable(headers, rows.map((r) => [r.benchmark, r.portico, r.official, r.floor, r.ratio, r.target, r.met]));
const versions = {
  node: process.version,
  official_filesystem: require('@modelcontextprotocol/server-filesystem/package.json').version,
  official_everything: require('@modelcontextprotocol/server-everything/package.json').version,
  cpus: `${cpus().length} × ${cpus()[0]?.model}`,
};
const notes = [
  `Run ${new Date().toISOString()}, ${quick ? '--quick' : 'full'}, --against ${against}, ${fmt(totalS, 0)} s; ${versions.cpus}; Node ${versions.node}; official filesystem ${versions.official_filesystem}, everything ${versions.official_everything}.`,
  `Load average (1/5/15 min) during the run: ${loads.map((l) => `${l.when} ${l.load.join('/')}`).join('; ')}.`,
  ...failures.map((f) => `FAILED ${f.name}: ${f.error}`),
];
const output = `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
process.stdout.write(output);
const resultsDir = join(repo, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `bench-${stamp}.md`), output);
writeFileSync(join(resultsDir, `bench-${stamp}.json`), JSON.stringify({ quick, against, selected, versions, loads, failures, rows, raw, totalSeconds: totalS, fixtures: FIXTURES }, (k, v) => (k === 'stdout' || k === 'text' ? undefined : v), 2));
log(`wrote ${join(resultsDir, `bench-${stamp}.{md,json}`)}`);
process.exitCode = failures.length ? 1 : 0;
