#!/usr/bin/env node
/**
 * `node scripts/load/soak.mjs [--minutes 10] [--server NAME]... [--workers 8] [--capture DIR]`
 *
 * Soak test over Streamable HTTP on loopback. The minutes are shared round-robin among the servers (all
 * seven by default). For each: `--workers` loops that open a session (the real MCP client, 2025-11-25), make
 * 5 cheap read-only calls, and close it with DELETE, again and again. The first quarter of a server's slice
 * is warm-up. At the end of warm-up and at the end, the loops are paused and the server left idle for 6.5 s
 * (longer than its 5 s keep-alive, so idle client sockets are gone), then measured after a forced full GC
 * (scripts/load/gc-probe.mjs, preloaded with --expose-gc): RSS read without one is mostly garbage V8 has not
 * collected yet, which made the GitHub server look like it leaked (220 MiB raw, 95 MiB after GC). Fails on:
 *  - any call error;
 *  - growth of live memory after a forced GC (V8 heap in use + external/ArrayBuffer memory) beyond 20% from
 *    the end of warm-up to the end. RSS after the GC is reported beside it but not judged: in CI it grew 32%
 *    for postgres with the live heap flat (21.8 -> 21.6 MiB), which is the allocator keeping freed pages, not
 *    a leak; a leak grows the live figure.
 *  - a leaked session: the server's open-session count must be back to what it was. /healthz does not expose
 *    it, so the server runs with --log-level debug and a probe session reads the count from the server's own
 *    "session … opened (N open)" line (N must be 1: the probe itself);
 *  - leaked file descriptors: /proc/<pid>/fd may not grow by more than 2 (slack for lazily opened files);
 *  - leaked database connections (postgres): pg_stat_activity rows of application_name portico-postgres may
 *    not grow, and none may be left "idle in transaction".
 * Server output and every tool result go to the capture dir for scripts/secrets/grep-canaries.mjs.
 */
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { connectHttp } from '@portico/protocol/testing';
import { SERVER_NAMES, repo, startServer } from './servers.mjs';
import { fdCount, markdownTable, memMiB, round } from './proc.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    server: { type: 'string', multiple: true },
    workers: { type: 'string', default: '8' },
    capture: { type: 'string' },
  },
});
const names = values.server ?? SERVER_NAMES;
for (const n of names) if (!SERVER_NAMES.includes(n)) throw new Error(`unknown server "${n}"; known: ${SERVER_NAMES.join(', ')}`);
const minutes = Number(values.minutes);
const workers = Number(values.workers);
if (!(minutes > 0 && minutes <= 24 * 60 && workers >= 1 && workers <= 128)) throw new Error('--minutes must be in (0, 1440] and --workers 1..128');
const CALLS_PER_SESSION = 5;
const SETTLE_MS = 6_500;
const RSS_GROWTH_LIMIT = 0.2;
const FD_SLACK = 2;
const captureDir = values.capture ?? process.env.PORTICO_CAPTURE_DIR ?? mkdtempSync(join(tmpdir(), 'portico-capture-'));
mkdirSync(captureDir, { recursive: true });
const log = (s) => process.stderr.write(`soak: ${s}\n`);
/** Node flags for the servers under soak: a full GC on demand, before each memory reading. */
const GC_NODE_ARGS = ['--expose-gc', '--import', fileURLToPath(new URL('./gc-probe.mjs', import.meta.url))];

/** RSS and live heap after a forced full GC, from the probe's line on the server's stderr (MiB). */
async function memoryAfterGc(server) {
  const before = server.stderr().length;
  process.kill(server.pid, 'SIGWINCH');
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const m = /portico-gc-probe (\{.*\})/.exec(server.stderr().slice(before));
    if (m) {
      const { rss, heapUsed, external } = JSON.parse(m[1]);
      return { rssAfterGcMiB: rss / 1048576, heapUsedMiB: heapUsed / 1048576, liveMiB: (heapUsed + external) / 1048576 };
    }
  }
  throw new Error(`${server.name}: no portico-gc-probe line within 10 s of SIGWINCH`);
}

/** The open-session count from the server's own debug line, read by opening one probe session. */
async function sessionCountViaProbe(server) {
  const before = server.stderr().length;
  const probe = await connectHttp({ url: server.url, token: server.token });
  await probe.close();
  const lines = server.stderr().slice(before);
  const m = /session [0-9a-f]{8} opened \((\d+) open\)/.exec(lines);
  if (!m) throw new Error(`no "session … opened (N open)" line from ${server.name} at --log-level debug; the session count cannot be read`);
  return Number(m[1]) - 1; // minus the probe itself
}

async function measure(server) {
  await sleep(SETTLE_MS);
  const sessions = await sessionCountViaProbe(server);
  await sleep(SETTLE_MS); // the probe's own socket goes idle and is closed too
  const rssMiB = memMiB(server.pid).rss; // as V8 left it, for the report
  return { rssMiB, ...(await memoryAfterGc(server)), fds: fdCount(server.pid), sessions, db: server.connections ? await server.connections() : undefined };
}

async function soakOne(name, sliceMs) {
  const server = await startServer(name, { captureDir, logLevel: 'debug', nodeArgs: GC_NODE_ARGS });
  const results = createWriteStream(join(captureDir, `${name}-soak-results.jsonl`));
  const errors = [];
  const counts = { sessions: 0, calls: 0 };
  const rssSamples = [];
  const runFor = async (ms) => {
    const until = Date.now() + ms;
    const sampler = setInterval(() => rssSamples.push(memMiB(server.pid).rss), 1000);
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (Date.now() < until && errors.length < 50) {
          let client;
          try {
            client = await connectHttp({ url: server.url, token: server.token });
            counts.sessions += 1;
            for (let i = 0; i < CALLS_PER_SESSION; i++) {
              const result = await client.callTool(server.call.name, server.call.arguments);
              counts.calls += 1;
              results.write(`${JSON.stringify(result)}\n`);
              if (result.isError) errors.push(`isError: ${JSON.stringify(result.content).slice(0, 300)}`);
            }
          } catch (error) {
            errors.push(`${error?.message ?? error}${error?.cause ? ` (${error.cause.code ?? ''} ${error.cause.message ?? ''})` : ''}`);
          } finally {
            await client?.close();
          }
        }
        server.trimUpstream();
      }),
    );
    clearInterval(sampler);
  };
  try {
    const warmUpMs = Math.max(5_000, sliceMs / 4);
    await runFor(warmUpMs);
    const base = await measure(server);
    const soakStart = Date.now();
    await runFor(Math.max(5_000, sliceMs - warmUpMs));
    const soakMs = Date.now() - soakStart;
    const end = await measure(server);
    const growth = (end.liveMiB - base.liveMiB) / base.liveMiB;
    const problems = [];
    if (errors.length) problems.push(`${errors.length} call errors, first: ${errors[0]}`);
    if (growth > RSS_GROWTH_LIMIT) problems.push(`live memory after a forced GC grew ${(growth * 100).toFixed(1)}% (${round(base.liveMiB)} → ${round(end.liveMiB)} MiB; RSS after GC ${round(base.rssAfterGcMiB)} → ${round(end.rssAfterGcMiB)} MiB), limit ${RSS_GROWTH_LIMIT * 100}%`);
    if (end.sessions !== 0 || base.sessions !== 0) problems.push(`sessions left open: ${base.sessions} after warm-up, ${end.sessions} at the end (all clients had closed theirs)`);
    if (end.fds > base.fds + FD_SLACK) problems.push(`file descriptors grew ${base.fds} → ${end.fds}`);
    if (end.db && end.db.total > base.db.total) problems.push(`database connections grew ${base.db.total} → ${end.db.total}`);
    if (end.db && end.db.idle_in_transaction > 0) problems.push(`${end.db.idle_in_transaction} database connection(s) left idle in transaction`);
    return { name, base, end, growthPct: round(growth * 100), peakSampleMiB: round(Math.max(...rssSamples)), soakSeconds: round(soakMs / 1000), ...counts, errors: errors.length, problems };
  } finally {
    await new Promise((r) => results.end(r));
    const exit = await server.stop();
    if (exit !== 0) errors.push(`${name} exited with ${exit} on SIGTERM`);
  }
}

const started = Date.now();
// Fixed costs per server (two 13 s idle measurements, start and stop) come on top of each slice.
const sliceMs = (minutes * 60_000) / names.length;
const rows = [];
for (const name of names) {
  log(`${name}: ${round(sliceMs / 1000)} s, ${workers} workers opening sessions of ${CALLS_PER_SESSION} calls`);
  try {
    const row = await soakOne(name, sliceMs);
    rows.push(row);
    log(`${name}: ${row.sessions} sessions, ${row.calls} calls, RSS after GC ${round(row.base.rssAfterGcMiB)} → ${round(row.end.rssAfterGcMiB)} MiB (before GC ${round(row.base.rssMiB)} → ${round(row.end.rssMiB)}), heap ${round(row.base.heapUsedMiB)} → ${round(row.end.heapUsedMiB)} MiB, fds ${row.base.fds} → ${row.end.fds}${row.end.db ? `, db connections ${row.base.db.total} → ${row.end.db.total}` : ''}: ${row.problems.length ? row.problems.join('; ') : 'ok'}`);
  } catch (error) {
    rows.push({ name, problems: [`failed to run: ${error.message}`] });
    log(`${name} FAILED: ${error.stack ?? error.message}`);
  }
}
const totalSeconds = round((Date.now() - started) / 1000);
const table = markdownTable(
  ['server', 'sessions', 'calls', 'errors', 'live memory after forced GC, warm-up → end MiB (growth)', 'RSS after forced GC MiB', 'RSS before GC MiB', 'live heap after GC MiB', 'peak sample MiB', 'fds', 'open sessions', 'db connections', 'verdict'],
  rows.map((r) =>
    r.base
      ? [r.name, r.sessions, r.calls, r.errors, `${round(r.base.liveMiB)} → ${round(r.end.liveMiB)} (${r.growthPct}%)`, `${round(r.base.rssAfterGcMiB)} → ${round(r.end.rssAfterGcMiB)}`, `${round(r.base.rssMiB)} → ${round(r.end.rssMiB)}`, `${round(r.base.heapUsedMiB)} → ${round(r.end.heapUsedMiB)}`, r.peakSampleMiB, `${r.base.fds} → ${r.end.fds}`, `${r.base.sessions} → ${r.end.sessions}`, r.end.db ? `${r.base.db.total} → ${r.end.db.total}` : 'n/a', r.problems.length ? `FAIL: ${r.problems.join('; ')}` : 'ok']
      : [r.name, '', '', '', '', '', '', '', '', '', '', '', `FAIL: ${r.problems.join('; ')}`],
  ),
);
const output = `${table}\n\n- soak of ${minutes} min over ${names.join(', ')} (${workers} workers, sessions of ${CALLS_PER_SESSION} calls), ${totalSeconds} s in all, ${new Date().toISOString()}.\n`;
process.stdout.write(output);
const resultsDir = join(repo, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `soak-${stamp}.md`), output);
writeFileSync(join(resultsDir, `soak-${stamp}.json`), JSON.stringify({ minutes, workers, rows, totalSeconds }, null, 2));
log(`wrote ${join(resultsDir, `soak-${stamp}.{md,json}`)}; captured output in ${captureDir}`);
process.exit(rows.some((r) => r.problems.length) ? 1 : 0);
