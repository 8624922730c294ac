/** Every tool, resource and prompt through a real MCP client (in memory), on a real database file. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { textOf } from '@portico/protocol/testing';
import { ENDLESS_QUERY, isAlive, makeDatabase, openHarness, sha256, waitFor, type Harness } from '../test-support/index.js';

const SCHEMA = `
  CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL NOT NULL CHECK (price >= 0));
  CREATE TABLE sales (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL REFERENCES products(id), qty INTEGER NOT NULL, sold_on TEXT);
  CREATE INDEX sales_by_product ON sales(product_id);
  CREATE VIEW revenue AS SELECT p.name, sum(s.qty * p.price) AS total FROM sales s JOIN products p ON p.id = s.product_id GROUP BY p.name;
  INSERT INTO products (name, price) VALUES ('widget', 2.5), ('gadget', 10), ('doohickey', 0.75);
  INSERT INTO sales (product_id, qty, sold_on) VALUES (1, 4, '2024-01-02'), (2, 1, '2024-01-03'), (1, 2, '2024-02-01'), (3, 10, '2024-02-05');
`;

let dir: TempDir;
let dbPath: string;
let h: Harness;

beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-tools-');
  dbPath = makeDatabase(join(dir.path, 'shop.db'), SCHEMA);
});

afterEach(async () => {
  await h?.close();
  await dir.cleanup();
});

describe('drop-in tools', () => {
  beforeEach(async () => {
    h = await openHarness(dbPath);
  });

  it('read_query returns rows as structured content and JSON text', async () => {
    const r = await h.client.callTool('read_query', { query: 'SELECT name, price FROM products WHERE price > ? ORDER BY price', params: [1] });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ columns: ['name', 'price'], rows: [{ name: 'widget', price: 2.5 }, { name: 'gadget', price: 10 }], rowCount: 2, hasMore: false });
    expect(textOf(r)).toContain('{"name":"widget","price":2.5}');
  });

  it('read_query refuses writes with an actionable error and leaves the file alone', async () => {
    const before = sha256(dbPath);
    const r = await h.client.callTool('read_query', { query: 'DELETE FROM sales' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/only runs SELECT[\s\S]*Try: use write_query/);
    expect(sha256(dbPath)).toBe(before);
  });

  it('write_query changes data and reports affected_rows; RETURNING rows come back', async () => {
    const w = await h.client.callTool('write_query', { query: 'UPDATE products SET price = price * 2 WHERE name = ?', params: ['widget'] });
    expect(w.structuredContent).toMatchObject({ affected_rows: 1 });
    expect(textOf(w)).toBe('1 row affected.');
    const ret = await h.client.callTool('write_query', { query: "INSERT INTO products (name, price) VALUES ('gizmo', 3) RETURNING id, name" });
    expect(ret.structuredContent).toMatchObject({ affected_rows: 1, last_insert_rowid: 4, returning: { rows: [{ id: 4, name: 'gizmo' }] } });
    const r = await h.client.callTool('read_query', { query: "SELECT price FROM products WHERE name = 'widget'" });
    expect(r.structuredContent).toMatchObject({ rows: [{ price: 5 }] });
  });

  it('params may be an object for named placeholders; the schema offers both shapes', async () => {
    const listed = (await h.client.listTools()).find((t) => t.name === 'read_query')!;
    const params = (listed.inputSchema.properties as Record<string, { anyOf?: { type?: string }[] }>).params;
    expect(params?.anyOf?.map((s) => s.type)).toEqual(['array', 'object']);
    const r = await h.client.callTool('read_query', { query: "SELECT name FROM products WHERE price >= :min AND name <> @skip AND name LIKE 'w%' ORDER BY name", params: { min: 1, skip: 'gadget' } });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ rows: [{ name: 'widget' }] });
    const wrong = await h.client.callTool('read_query', { query: 'SELECT :min', params: { mni: 1 } });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toMatch(/params has no value for :min[\s\S]*Try: give every placeholder a value/);
  });

  it('write_query refuses a SELECT, like the official server', async () => {
    const r = await h.client.callTool('write_query', { query: 'SELECT * FROM products' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/use read_query/);
  });

  it('constraint violations, unknown tables and syntax errors are clear isError results', async () => {
    const before = sha256(dbPath);
    const dup = await h.client.callTool('write_query', { query: "INSERT INTO products (name, price) VALUES ('widget', 1)" });
    expect(dup.isError).toBe(true);
    expect(textOf(dup)).toMatch(/constraint was violated: UNIQUE constraint failed: products\.name\. Nothing was changed/);
    const fk = await h.client.callTool('write_query', { query: 'INSERT INTO sales (product_id, qty) VALUES (99, 1)' });
    expect(textOf(fk)).toMatch(/FOREIGN KEY constraint failed/);
    const missing = await h.client.callTool('read_query', { query: 'SELECT * FROM customers' });
    expect(textOf(missing)).toMatch(/no such table: customers[\s\S]*Try: call list_tables/);
    const syntax = await h.client.callTool('read_query', { query: 'SELECT FROM WHERE' });
    expect(textOf(syntax)).toMatch(/SQL syntax error/);
    const params = await h.client.callTool('read_query', { query: 'SELECT ?, ?', params: [1] });
    expect(textOf(params)).toMatch(/Too few parameter values/);
    // Found by the robustness fuzzer: named parameters without values were an internal fault. With a list of
    // values they failed as "Too many parameter values were provided", which did not say why.
    for (const [query, params] of [['SELECT * FROM products WHERE name = $1', undefined], ['SELECT :x', undefined], ['SELECT @x', [1]], ['SELECT ?1, ?1', [1]]] as const) {
      const named = await h.client.callTool('read_query', { query, ...(params ? { params } : {}) });
      expect(named.isError).toBe(true);
      expect(textOf(named)).not.toMatch(/Internal error/);
      expect(textOf(named)).toMatch(/cannot fill [$:@?]\w+ from a list: a list fills plain \? placeholders in order[\s\S]*Try: pass params as an object keyed by placeholder name/);
    }
    const script = await h.client.callTool('execute_script', { script: "INSERT INTO products (name, price) VALUES ('x', 1); SELECT $1" });
    expect(textOf(script)).not.toMatch(/Internal error/);
    expect(textOf(script)).toMatch(/Nothing was changed/);
    expect(sha256(dbPath)).toBe(before);
  });

  it('write_query and create_table refuse TEMP tables, which read_query could never see', async () => {
    const before = sha256(dbPath);
    for (const [tool, query] of [['write_query', 'CREATE TEMP TABLE tmp1 (x)'], ['create_table', 'CREATE TABLE temp.tmp1 (x)']] as const) {
      const r = await h.client.callTool(tool, { query });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/creates a temporary \(TEMP\) table[\s\S]*Try: create a regular table instead/);
    }
    const insert = await h.client.callTool('write_query', { query: 'INSERT INTO tmp1 VALUES (1)' });
    expect(textOf(insert)).toMatch(/no such table: tmp1/);
    expect(sha256(dbPath)).toBe(before);
  });

  it('create_table creates tables and refuses anything else', async () => {
    const r = await h.client.callTool('create_table', { query: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' });
    expect(r.structuredContent).toEqual({ created: true });
    const again = await h.client.callTool('create_table', { query: 'CREATE TABLE notes (id INTEGER)' });
    expect(textOf(again)).toMatch(/already exists/);
    const other = await h.client.callTool('create_table', { query: 'DROP TABLE sales' });
    expect(textOf(other)).toMatch(/only runs CREATE TABLE/);
  });

  it('list_tables lists tables and views', async () => {
    const r = await h.client.callTool('list_tables', {});
    expect(r.structuredContent).toEqual({
      tables: [
        { name: 'products', type: 'table' },
        { name: 'sales', type: 'table' },
        { name: 'revenue', type: 'view' },
      ],
    });
    expect(textOf(r)).toBe('products\nsales\nrevenue (view)');
  });

  it('describe_table gives columns, indexes, foreign keys and row count; unknown names are isError', async () => {
    const r = await h.client.callTool('describe_table', { table_name: 'sales' });
    expect(r.structuredContent).toMatchObject({
      name: 'sales',
      rowCount: 4,
      indexes: [{ name: 'sales_by_product', columns: ['product_id'] }],
      foreignKeys: [{ table: 'products', from: 'product_id', to: 'id' }],
    });
    expect(textOf(r)).toMatch(/product_id INTEGER NOT NULL/);
    const nope = await h.client.callTool('describe_table', { table_name: 'sales; DROP TABLE sales' });
    expect(nope.isError).toBe(true);
    expect(textOf(nope)).toMatch(/no table or view named "sales; DROP TABLE sales"[\s\S]*list_tables/);
  });

  it('append_insight feeds the memo://insights resource', async () => {
    expect((await h.client.client.readResource({ uri: 'memo://insights' })).contents[0]).toMatchObject({ text: 'No business insights have been discovered yet.' });
    await h.client.callTool('append_insight', { insight: 'Widgets sell best in January.' });
    const r = await h.client.callTool('append_insight', { insight: 'Doohickeys move in bulk.' });
    expect(r.structuredContent).toEqual({ count: 2 });
    const memo = (await h.client.client.readResource({ uri: 'memo://insights' })).contents[0] as { text: string };
    expect(memo.text).toContain('- Widgets sell best in January.\n- Doohickeys move in bulk.');
    expect(memo.text).toContain('Analysis has revealed 2 key business insights');
  });

  it('the mcp-demo prompt takes a topic', async () => {
    const prompts = await h.client.client.listPrompts();
    expect(prompts.prompts.map((p) => p.name)).toEqual(['mcp-demo']);
    const p = await h.client.client.getPrompt({ name: 'mcp-demo', arguments: { topic: 'coffee shops' } });
    expect(p.messages[0]?.role).toBe('user');
    expect((p.messages[0]?.content as { text: string }).text).toContain('coffee shops');
  });
});

describe('Portico additions', () => {
  beforeEach(async () => {
    h = await openHarness(dbPath, { maxRows: 5, exportDir: undefined });
  });

  it('read_query pages with offset and says how to continue', async () => {
    const cte = 'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 12) SELECT n FROM c';
    const first = await h.client.callTool('read_query', { query: cte });
    expect(first.structuredContent).toMatchObject({ rowCount: 5, hasMore: true, nextOffset: 5, truncatedBy: 'rows' });
    expect(textOf(first)).toMatch(/call again with offset=5/);
    const third = await h.client.callTool('read_query', { query: cte, offset: 10 });
    expect(third.structuredContent).toMatchObject({ rows: [{ n: 11 }, { n: 12 }], hasMore: false, nextOffset: null });
  });

  it('a 50-million-row recursive CTE is capped at the row cap without running out of memory', async () => {
    const r = await h.client.callTool('read_query', {
      query: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT x, 'row ' || x AS label FROM c",
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ rowCount: 5, hasMore: true, nextOffset: 5, rows: [{ x: 1, label: 'row 1' }, { x: 2 }, { x: 3 }, { x: 4 }, { x: 5 }] });
  });

  it('explain_query shows the plan without running the statement', async () => {
    const before = sha256(dbPath);
    const r = await h.client.callTool('explain_query', { query: 'DELETE FROM sales WHERE product_id = ?', params: [1] });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toMatch(/QUERY PLAN[\s\S]*sales_by_product/);
    expect(sha256(dbPath)).toBe(before);
  });

  it('execute_script commits atomically, and dryRun rolls back', async () => {
    const before = sha256(dbPath);
    const dry = await h.client.callTool('execute_script', { script: "DELETE FROM sales; INSERT INTO products (name, price) VALUES ('x', 1); SELECT count(*) AS n FROM sales", dryRun: true });
    expect(dry.structuredContent).toMatchObject({ committed: false, dryRun: true, totalChanges: 5, statements: [{ changes: 4 }, { changes: 1 }, { returning: { rows: [{ n: 0 }] } }] });
    expect(sha256(dbPath)).toBe(before);
    const failed = await h.client.callTool('execute_script', { script: "INSERT INTO products (name, price) VALUES ('y', 1); INSERT INTO products (name, price) VALUES ('z', -1)" });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/statement 2 .*CHECK constraint failed.*rolled back/);
    expect(sha256(dbPath)).toBe(before);
    const ok = await h.client.callTool('execute_script', { script: "INSERT INTO products (name, price) VALUES ('y', 1); UPDATE products SET price = 2 WHERE name = 'y'" });
    expect(ok.structuredContent).toMatchObject({ committed: true, totalChanges: 2 });
  });

  it('export_query is refused when no export folder was configured', async () => {
    const r = await h.client.callTool('export_query', { query: 'SELECT * FROM products', filename: 'p.csv' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/exports are disabled[\s\S]*--export-dir/);
  });

  it('schema resources: one per table and view, readable as JSON', async () => {
    const templates = await h.client.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['sqlite://schema/{table}']);
    const list = await h.client.client.listResources();
    expect(list.resources.map((r) => r.uri)).toEqual(['memo://insights', 'sqlite://schema/products', 'sqlite://schema/sales', 'sqlite://schema/revenue']);
    const read = await h.client.client.readResource({ uri: 'sqlite://schema/sales' });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ name: 'sales', rowCount: 4 });
    await expect(h.client.client.readResource({ uri: 'sqlite://schema/nope' })).rejects.toThrow(/no table or view named "nope"/);
  });
});

describe('export_query with an export folder', () => {
  it('writes CSV and JSON inside the folder only, never overwriting', async () => {
    const exportDir = join(dir.path, 'exports');
    (await import('node:fs')).mkdirSync(exportDir);
    h = await openHarness(dbPath, { exportDir, maxRows: 2 });
    const csv = await h.client.callTool('export_query', { query: 'SELECT name, price FROM products ORDER BY id', filename: 'products.csv' });
    expect(csv.structuredContent).toMatchObject({ path: join(exportDir, 'products.csv'), format: 'csv', rows: 3, truncated: false });
    expect(readFileSync(join(exportDir, 'products.csv'), 'utf8')).toBe('name,price\r\nwidget,2.5\r\ngadget,10\r\ndoohickey,0.75\r\n');
    const json = await h.client.callTool('export_query', { query: 'SELECT id FROM sales WHERE qty > ?', params: [1], filename: 'sales.json' });
    expect(JSON.parse(readFileSync(join(exportDir, 'sales.json'), 'utf8'))).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }]);
    expect(json.structuredContent).toMatchObject({ rows: 3 });
    for (const filename of ['../escape.csv', '/etc/passwd.csv', '.hidden.csv', 'sub/dir.csv', 'report.txt', 'a..csv']) {
      const bad = await h.client.callTool('export_query', { query: 'SELECT 1', filename });
      expect(bad.isError, filename).toBe(true);
    }
    const again = await h.client.callTool('export_query', { query: 'SELECT 1', filename: 'products.csv' });
    expect(textOf(again)).toMatch(/already exists/);
    const write = await h.client.callTool('export_query', { query: 'DELETE FROM sales', filename: 'x.csv' });
    expect(write.isError).toBe(true);
    expect(readdirSync(exportDir).sort()).toEqual(['products.csv', 'sales.json']);
    expect(readdirSync(dir.path).sort()).toEqual(['exports', 'shop.db']);
  });
});

describe('time limit, ping and cancellation', () => {
  it('a slow query is stopped at its limit while ping keeps answering', async () => {
    h = await openHarness(dbPath, { queryTimeoutMs: 1500 });
    const slow = h.client.callTool('read_query', { query: ENDLESS_QUERY });
    let pings = 0;
    let settled = false;
    void slow.finally(() => (settled = true));
    // Ping repeatedly while the query runs; every ping must answer (bounded loop).
    for (let i = 0; i < 200 && !settled; i++) {
      await h.client.client.ping();
      pings++;
      await new Promise((r) => setTimeout(r, 25));
    }
    const r = await slow;
    expect(pings).toBeGreaterThan(1);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/did not finish within 1\.5 s and was stopped[\s\S]*Try: add a LIMIT/);
    // The server goes on answering queries.
    expect((await h.client.callTool('read_query', { query: 'SELECT count(*) AS n FROM sales' })).structuredContent).toMatchObject({ rows: [{ n: 4 }] });
  });

  it('a cancelled request stops its query (the runner process ends)', async () => {
    h = await openHarness(dbPath, { queryTimeoutMs: 60_000 });
    await h.client.callTool('read_query', { query: 'SELECT 1' });
    const controller = new AbortController();
    const running = h.client.callTool('read_query', { query: ENDLESS_QUERY }, { signal: controller.signal });
    await h.client.client.ping();
    await waitFor(() => h.deps.runners.size > 0);
    const pids = h.deps.runners.pids();
    controller.abort();
    await expect(running).rejects.toThrow();
    expect(await waitFor(() => pids.some((pid) => !isAlive(pid)))).toBe(true);
    expect((await h.client.callTool('read_query', { query: 'SELECT 2 AS two' })).structuredContent).toMatchObject({ rows: [{ two: 2 }] });
  });

  it('a locked database gives a clear message after the busy timeout', async () => {
    h = await openHarness(dbPath, { busyTimeoutMs: 100 });
    const Database = (await import('better-sqlite3')).default;
    const holder = new Database(dbPath);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const w = await h.client.callTool('write_query', { query: "INSERT INTO products (name, price) VALUES ('locked', 1)" });
      expect(w.isError).toBe(true);
      expect(textOf(w)).toMatch(/database is locked[\s\S]*Try: wait a moment and retry/);
      const r = await h.client.callTool('read_query', { query: 'SELECT 1' });
      expect(textOf(r)).toMatch(/database is locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect((await h.client.callTool('write_query', { query: "INSERT INTO products (name, price) VALUES ('unlocked', 1)" })).structuredContent).toMatchObject({ affected_rows: 1 });
  });
});

describe('--read-only', () => {
  it('registers no writer and its runners never open a writable connection', async () => {
    h = await openHarness(dbPath, {}, { readOnly: true });
    const before = sha256(dbPath);
    const names = (await h.client.listTools()).map((t) => t.name);
    expect(names).toEqual(['read_query', 'list_tables', 'describe_table', 'explain_query']);
    await expect(h.client.callTool('write_query', { query: 'DELETE FROM sales' })).rejects.toThrow(/not found/);
    expect((await h.client.callTool('read_query', { query: 'SELECT count(*) AS n FROM sales' })).structuredContent).toMatchObject({ rows: [{ n: 4 }] });
    // Defence in depth: even asked directly, the runner refuses to write.
    await expect(h.deps.runners.run({ op: 'write', tool: 'write_query', sql: 'DELETE FROM sales', params: [], limits: { maxRows: 1, maxBytes: 1000 } })).rejects.toMatchObject({
      failure: { kind: 'refused' },
    });
    expect(sha256(dbPath)).toBe(before);
  });
});
