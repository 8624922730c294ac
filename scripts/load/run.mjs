#!/usr/bin/env node
/**
 * `node scripts/load/run.mjs [--server NAME]... [--clients 64] [--calls 50] [--capture DIR]`
 *
 * Load test of each Portico server over Streamable HTTP on loopback: 64 concurrent clients (the real MCP
 * client, 2025-11-25, each with its own session), each making a fixed number of cheap read-only calls
 * (64 × 50 by default, after a warm-up of 2 calls each that is not measured). Records errors (thrown or
 * isError; must be zero), p50/p99 latency, server CPU per call (/proc/<pid>/stat utime+stime) and peak RSS
 * (VmHWM). Writes a markdown table and the JSON under bench/results/ (gitignored); every tool result and the
 * server's output go to the capture dir for scripts/secrets/grep-canaries.mjs. Exits 1 on any error.
 */
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectHttp } from '@portico/protocol/testing';
import { SERVER_NAMES, repo, startServer } from './servers.mjs';
import { cpuMs, markdownTable, memMiB, percentile, round } from './proc.mjs';

const { values } = parseArgs({
  options: {
    server: { type: 'string', multiple: true },
    clients: { type: 'string', default: '64' },
    calls: { type: 'string', default: '50' },
    capture: { type: 'string' },
  },
});
const names = values.server ?? SERVER_NAMES;
for (const n of names) if (!SERVER_NAMES.includes(n)) throw new Error(`unknown server "${n}"; known: ${SERVER_NAMES.join(', ')}`);
const clients = Number(values.clients);
const callsPerClient = Number(values.calls);
if (!(clients >= 1 && clients <= 256 && callsPerClient >= 1 && callsPerClient <= 10_000)) throw new Error('--clients must be 1..256 and --calls 1..10000');
const WARM_UP_CALLS = 2;
const captureDir = values.capture ?? process.env.PORTICO_CAPTURE_DIR ?? mkdtempSync(join(tmpdir(), 'portico-capture-'));
mkdirSync(captureDir, { recursive: true });
const log = (s) => process.stderr.write(`load: ${s}\n`);

async function loadOne(name) {
  const t0 = Date.now();
  const server = await startServer(name, { captureDir });
  const results = createWriteStream(join(captureDir, `${name}-load-results.jsonl`));
  const errors = [];
  const latenciesMs = [];
  const record = (phase, result) => results.write(`${JSON.stringify({ phase, result })}\n`);
  const call = async (client, measured) => {
    const start = process.hrtime.bigint();
    try {
      const result = await client.callTool(server.call.name, server.call.arguments);
      if (measured) latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      record(measured ? 'measured' : 'warm-up', result);
      if (result.isError) errors.push(`isError: ${JSON.stringify(result.content).slice(0, 300)}`);
    } catch (error) {
      // undici's "fetch failed" keeps the reason (ECONNRESET, ...) in `cause`.
      const message = `${error?.message ?? error}${error?.cause ? ` (${error.cause.code ?? ''} ${error.cause.message ?? error.cause})` : ''}`;
      record('error', message);
      errors.push(message);
    }
  };
  let open = [];
  try {
    open = await Promise.all(Array.from({ length: clients }, () => connectHttp({ url: server.url, token: server.token })));
    await Promise.all(open.map(async (c) => {
      for (let i = 0; i < WARM_UP_CALLS; i++) await call(c, false);
    }));
    const warmErrors = errors.length;
    server.trimUpstream();
    const cpu0 = cpuMs(server.pid);
    const wall0 = performance.now();
    await Promise.all(open.map(async (c) => {
      for (let i = 0; i < callsPerClient; i++) await call(c, true);
    }));
    const wallMs = performance.now() - wall0;
    const cpuPerCallUs = ((cpuMs(server.pid) - cpu0) * 1000) / (clients * callsPerClient);
    const mem = memMiB(server.pid);
    await Promise.all(open.map((c) => c.close()));
    open = [];
    return {
      name,
      call: server.call.name,
      calls: clients * callsPerClient,
      errors: errors.length,
      warmUpErrors: warmErrors,
      firstErrors: errors.slice(0, 5),
      p50Ms: round(percentile(latenciesMs, 50), 2),
      p99Ms: round(percentile(latenciesMs, 99), 2),
      maxMs: round(Math.max(...latenciesMs), 2),
      callsPerSecond: round((clients * callsPerClient * 1000) / wallMs, 0),
      cpuPerCallUs: round(cpuPerCallUs, 0),
      rssMiB: round(mem.rss),
      peakRssMiB: round(mem.hwm),
      seconds: round((Date.now() - t0) / 1000),
    };
  } finally {
    await Promise.all(open.map((c) => c.close()));
    await new Promise((r) => results.end(r));
    const exit = await server.stop();
    if (exit !== 0) errors.push(`${name} exited with ${exit} on SIGTERM`);
  }
}

const started = Date.now();
const rows = [];
for (const name of names) {
  log(`${name}: ${clients} clients × ${callsPerClient} calls`);
  try {
    const row = await loadOne(name);
    rows.push(row);
    log(`${name}: ${row.errors} errors, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.cpuPerCallUs} µs CPU/call, peak ${row.peakRssMiB} MiB (${row.seconds} s)`);
    for (const e of row.firstErrors) log(`${name} error: ${e}`);
  } catch (error) {
    rows.push({ name, errors: 1, firstErrors: [error.message], failedToRun: true });
    log(`${name} FAILED: ${error.stack ?? error.message}`);
  }
}
const totalSeconds = round((Date.now() - started) / 1000);
const header = ['server', 'call', 'calls', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'calls/s', 'server CPU µs/call', 'RSS / peak MiB', 'time s'];
const table = markdownTable(
  header,
  rows.map((r) => (r.failedToRun ? [r.name, 'FAILED TO RUN', '', 1, '', '', '', '', '', '', ''] : [r.name, r.call, r.calls, r.errors, r.p50Ms, r.p99Ms, r.maxMs, r.callsPerSecond, r.cpuPerCallUs, `${r.rssMiB} / ${r.peakRssMiB}`, r.seconds])),
);
const note = `${clients} concurrent HTTP clients with sessions (2025-11-25), ${callsPerClient} calls each after ${WARM_UP_CALLS} warm-up calls; ${new Date().toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model}; ${totalSeconds} s in all. Latency is measured in the client process, which shares the machine with the server.`;
const output = `${table}\n\n- ${note}\n`;
process.stdout.write(output);
const resultsDir = join(repo, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `load-${stamp}.md`), output);
writeFileSync(join(resultsDir, `load-${stamp}.json`), JSON.stringify({ clients, callsPerClient, warmUpCalls: WARM_UP_CALLS, rows, totalSeconds }, null, 2));
log(`wrote ${join(resultsDir, `load-${stamp}.{md,json}`)}; captured output in ${captureDir}`);
const failed = rows.some((r) => r.errors > 0);
process.exit(failed ? 1 : 0);
