#!/usr/bin/env node
/**
 * Read benchmark: a 10,000-row read and a 1-row read through a real MCP client over stdio, for Portico's
 * built bin and, side by side in the same run, for mcp-server-sqlite-npx (the npm port of the archived
 * official server, same tool names), fetched with `npx -y` unless --no-compare is given.
 *
 *   node bench/read-bench.mjs [--iterations 30] [--no-compare] [--competitor PACKAGE]
 *
 * Prints one table to stdout. Speed belongs here, not in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '30' },
    'no-compare': { type: 'boolean', default: false },
    competitor: { type: 'string', default: 'mcp-server-sqlite-npx' },
  },
});
const iterations = Math.max(1, Number(values.iterations));
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'portico-sqlite-bench-'));
const dbPath = join(dir, 'bench.db');
const db = new Database(dbPath);
db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL, placed_on TEXT NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
INSERT INTO orders (customer, total, placed_on) SELECT 'customer ' || (x % 500), round(x * 1.37, 2), date('2024-01-01', '+' || (x % 365) || ' days') FROM c;`);
db.close();

const QUERIES = {
  '10,000 rows': 'SELECT id, customer, total, placed_on FROM orders ORDER BY id',
  '1 row': 'SELECT id, customer, total, placed_on FROM orders WHERE id = 4242',
};

async function connect(command, args) {
  const transport = new StdioClientTransport({ command, args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  let stderr = '';
  transport.stderr?.on('data', (c) => (stderr += c.toString()));
  const client = new Client({ name: 'portico-bench', version: '0.0.0' });
  try {
    await client.connect(transport, { timeout: 180_000 });
  } catch (error) {
    throw new Error(`${error.message}\n${stderr.slice(-500)}`);
  }
  return client;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function measure(label, client) {
  const rows = [];
  for (const [name, query] of Object.entries(QUERIES)) {
    // Warm-up: first calls pay for process start, statement compilation and page cache.
    for (let i = 0; i < 3; i++) await client.callTool({ name: 'read_query', arguments: { query } });
    const times = [];
    let bytes = 0;
    let check = '';
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const result = await client.callTool({ name: 'read_query', arguments: { query } });
      times.push(performance.now() - t0);
      bytes = Buffer.byteLength(JSON.stringify(result));
      if (result.isError) check = `error: ${result.content?.[0]?.text?.slice(0, 80)}`;
      else if (result.structuredContent?.rowCount !== undefined) check = `${result.structuredContent.rowCount} rows`;
      else check = 'text only';
    }
    times.sort((a, b) => a - b);
    rows.push({ server: label, read: name, 'median ms': percentile(times, 0.5).toFixed(2), 'p95 ms': percentile(times, 0.95).toFixed(2), 'response KB': (bytes / 1024).toFixed(1), result: check });
  }
  return rows;
}

const table = [];
try {
  const portico = await connect(process.execPath, [bin, '--db-path', dbPath, '--read-only', '--max-rows', '10000', '--max-result-bytes', '20000000']);
  table.push(...(await measure('@portico/server-sqlite', portico)));
  await portico.close();

  if (!values['no-compare']) {
    try {
      const other = await connect('npx', ['-y', values.competitor, dbPath]);
      table.push(...(await measure(values.competitor, other)));
      await other.close();
    } catch (error) {
      table.push({ server: values.competitor, read: '-', 'median ms': '-', 'p95 ms': '-', 'response KB': '-', result: `unavailable: ${String(error.message).split('\n')[0].slice(0, 100)}` });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`SQLite read benchmark, ${iterations} iterations each, Node ${process.version}`);
console.table(table);
