/** Every tool and the table-schema resources, through the real MCP client, against a real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createFixture, makeDeps, rowsOf, type DepsHandle, type Fixture } from '../test-support/fixtures.js';

let fixture: Fixture;
let su: DepsHandle;
let client: TestClient;

beforeAll(async () => {
  fixture = await createFixture('tools');
  su = await makeDeps(fixture.url, { 'allow-write': true });
  client = await connectInMemory(server, { deps: su.deps });
});

afterAll(async () => {
  await client?.close();
  await su?.close();
  await fixture?.close();
});

type Row = Record<string, unknown>;

describe('query', () => {
  it('returns rows as JSON in text and structuredContent, with column types', async () => {
    const result = await client.callTool('query', { sql: 'SELECT id, name, created_at FROM public.customers ORDER BY id LIMIT 2' });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as { rows: Row[]; columns: Row[]; rowCount: number; truncated: boolean; command: string };
    expect(s.rows).toEqual([
      { id: 1, name: 'customer 1', created_at: '2024-01-01 00:00:00+00' },
      { id: 2, name: 'customer 2', created_at: '2024-01-01 00:00:00+00' },
    ]);
    expect(s.columns).toEqual([
      { name: 'id', type: 'int4' },
      { name: 'name', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ]);
    expect(s.truncated).toBe(false);
    expect(s.command).toBe('SELECT');
    expect(JSON.parse(textOf(result))).toEqual(s.rows);
  });

  it('keeps duplicate column names apart', async () => {
    const result = await client.callTool('query', { sql: 'SELECT 1 AS a, 2 AS a' });
    expect((result.structuredContent as { rows: Row[] }).rows).toEqual([{ a: 1, a_2: 2 }]);
  });

  it('caps rows at max_rows and continues with offset', async () => {
    const first = await client.callTool('query', { sql: 'SELECT id FROM public.orders ORDER BY id', max_rows: 150 });
    const s1 = first.structuredContent as { rows: Row[]; truncated: boolean; nextOffset: number; truncatedBy: string };
    expect(s1.rows).toHaveLength(150);
    expect(s1).toMatchObject({ truncated: true, nextOffset: 150, truncatedBy: 'rows' });
    const second = await client.callTool('query', { sql: 'SELECT id FROM public.orders ORDER BY id', max_rows: 150, offset: 150 });
    const s2 = second.structuredContent as { rows: Row[]; truncated: boolean; nextOffset: number | null };
    expect(s2.rows).toHaveLength(50);
    expect(s2.rows[0]).toEqual({ id: '151' });
    expect(s2).toMatchObject({ truncated: false, nextOffset: null });
  });

  it('cuts by the byte budget and by long cells', async () => {
    const small = await makeDeps(fixture.url, { 'max-bytes': '2000' });
    const c = await connectInMemory(server, { deps: small.deps });
    const result = await c.callTool('query', { sql: "SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 100) g" });
    const s = result.structuredContent as { rows: Row[]; truncatedBy: string; nextOffset: number };
    expect(s.truncatedBy).toBe('bytes');
    expect(s.rows.length).toBeGreaterThan(5);
    expect(s.rows.length).toBeLessThan(20);
    expect(textOf(result)).toMatch(new RegExp(`offset=${s.nextOffset}`));
    const long = await c.callTool('query', { sql: "SELECT repeat('y', 50000) AS big" });
    const big = (long.structuredContent as { rows: { big: string }[] }).rows[0]!.big;
    expect(big.length).toBeLessThan(11_000);
    expect(big).toMatch(/cut: 50000 characters in total/);
    // One json value larger than the whole budget is cut to fit, and the result says how to read it in parts.
    const agg = await c.callTool('query', { sql: 'SELECT json_agg(g) AS j, array_agg(g) AS a FROM generate_series(1, 5000) g' });
    expect(agg.isError).toBeFalsy();
    const aggRows = rowsOf(agg) as { j: string; a: string }[];
    expect(Buffer.byteLength(JSON.stringify(aggRows))).toBeLessThanOrEqual(2_100);
    expect(aggRows[0]!.j).toMatch(/^\[1,2,3,.*… \[cut: JSON text of \d+ characters in total\]$/);
    expect(aggRows[0]!.a).toMatch(/^\[1,2,3,/);
    expect(textOf(agg)).toMatch(/2 long value\(s\) were cut to fit the size limits.*column->'key'/);
    await c.close();
    await small.close();
  });

  it('reports a syntax error with its position, and an unknown table, as isError', async () => {
    const syntax = await client.callTool('query', { sql: 'SELECT * FROM public.orders WHERE' });
    expect(syntax.isError).toBe(true);
    expect(textOf(syntax)).toMatch(/syntax error at end of input at character 34/);
    const unknown = await client.callTool('query', { sql: 'SELECT * FROM public.nope' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/relation "public.nope" does not exist/);
  });

  it('reports permission denied for a role without access', async () => {
    const ro = await makeDeps(fixture.readOnlyUrl);
    const c = await connectInMemory(server, { deps: ro.deps });
    const result = await c.callTool('query', { sql: 'SELECT * FROM secret.keys' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/permission denied for schema secret/);
    expect(textOf(result)).not.toContain('top-secret-value');
    await c.close();
    await ro.close();
  });

  it('runs SHOW, VALUES, TABLE and EXPLAIN', async () => {
    expect(rowsOf(await client.callTool('query', { sql: 'SHOW transaction_read_only' }))).toEqual([{ transaction_read_only: 'on' }]);
    expect(rowsOf(await client.callTool('query', { sql: 'VALUES (1, true)' }))).toEqual([{ column1: 1, column2: true }]);
    expect((rowsOf(await client.callTool('query', { sql: 'TABLE sales.regions' })) as Row[]).length).toBe(2);
    expect(textOf(await client.callTool('query', { sql: 'EXPLAIN SELECT * FROM public.orders' }))).toMatch(/Seq Scan on orders/);
  });
});

describe('schema tools', () => {
  it('list_schemas shows non-system schemas with counts', async () => {
    const result = await client.callTool('list_schemas', {});
    const schemas = (result.structuredContent as { schemas: Row[] }).schemas;
    expect(schemas.map((s) => s.name)).toEqual(['public', 'sales', 'secret']);
    expect(schemas[0]).toMatchObject({ name: 'public', tables: 2, views: 1 });
  });

  it('list_tables gives schema-qualified names with row estimates', async () => {
    const result = await client.callTool('list_tables', {});
    const s = result.structuredContent as { tables: Row[]; total: number; nextOffset: null };
    expect(s.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['public.customers', 'public.order_totals', 'public.orders', 'sales.Mixed Case', 'sales.regions', 'secret.keys']);
    expect(s.tables.find((t) => t.name === 'orders')).toMatchObject({ kind: 'table', rowEstimate: 200 });
    expect(s.tables.find((t) => t.name === 'order_totals')).toMatchObject({ kind: 'view', sizeBytes: null });
    expect(textOf(result)).toMatch(/public\.orders \(table, ~200 rows\)/);
    const sales = await client.callTool('list_tables', { schema: 'sales' });
    expect((sales.structuredContent as { total: number }).total).toBe(2);
  });

  it('describe_table shows columns, keys, constraints and indexes', async () => {
    const result = await client.callTool('describe_table', { table: 'public.orders' });
    expect(result.isError).toBeFalsy();
    const d = result.structuredContent as Record<string, unknown> & { columns: Row[]; indexes: Row[]; foreignKeys: Row[]; checks: Row[] };
    expect(d.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'bigint', false],
      ['customer_id', 'integer', false],
      ['total', 'numeric(10,2)', false],
      ['status', 'text', false],
      ['meta', 'jsonb', true],
    ]);
    expect(d.columns[0]).toMatchObject({ generated: 'identity always' });
    expect(d.columns[3]).toMatchObject({ default: "'new'::text" });
    expect(d.primaryKey).toEqual(['id']);
    expect(d.foreignKeys).toEqual([
      { name: 'orders_customer_id_fkey', columns: ['customer_id'], referencesSchema: 'public', referencesTable: 'customers', referencesColumns: ['id'], onUpdate: 'NO ACTION', onDelete: 'CASCADE' },
    ]);
    expect(d.indexes.map((i) => i.name)).toEqual(['orders_pkey', 'orders_customer_dup_idx', 'orders_customer_idx', 'orders_status_idx']);
    expect(d.checks[0]!.definition).toBe('CHECK ((total >= (0)::numeric))');
    const customers = await client.callTool('describe_table', { table: 'customers' });
    expect((customers.structuredContent as { referencedBy: Row[] }).referencedBy).toEqual([{ name: 'orders_customer_id_fkey', schema: 'public', table: 'orders', columns: ['customer_id'] }]);
    expect(textOf(customers)).toMatch(/email character varying\(200\)/);
  });

  it('describe_table finds quoted mixed-case names and explains unknown ones', async () => {
    const mixed = await client.callTool('describe_table', { table: 'Mixed Case', schema: 'sales' });
    expect((mixed.structuredContent as { columns: Row[] }).columns.map((c) => c.name)).toEqual(['id', 'Value']);
    const quoted = await client.callTool('describe_table', { table: 'sales."Mixed Case"' });
    expect(quoted.isError).toBeFalsy();
    const missing = await client.callTool('describe_table', { table: 'nothing_here' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/no table or view named nothing_here/);
  });
});

describe('explain_query', () => {
  it('returns a JSON plan without running the statement', async () => {
    const result = await client.callTool('explain_query', { sql: "SELECT * FROM public.orders WHERE status = 'new'" });
    const s = result.structuredContent as { plan: { Plan: Row }; outline: string[]; executionMs: number | null };
    expect(s.plan.Plan['Node Type']).toBeDefined();
    expect(s.executionMs).toBeNull();
    expect(s.outline[0]).toMatch(/on orders/);
  });

  it('ANALYZE runs reads in a rolled-back transaction and reports actual rows', async () => {
    const result = await client.callTool('explain_query', { sql: 'SELECT count(*) FROM public.orders', analyze: true });
    const s = result.structuredContent as { plan: Record<string, unknown>; executionMs: number };
    expect(typeof s.executionMs).toBe('number');
    expect(textOf(result)).toMatch(/actual time=.* rows=1 loops=1/);
  });

  it('explains a DELETE without analyze and refuses ANALYZE of a write', async () => {
    const before = await fixture.checksum();
    const plain = await client.callTool('explain_query', { sql: 'DELETE FROM public.orders WHERE id < 10' });
    expect(plain.isError).toBeFalsy();
    expect(textOf(plain)).toMatch(/Delete on orders/);
    const analyzed = await client.callTool('explain_query', { sql: 'DELETE FROM public.orders', analyze: true });
    expect(analyzed.isError).toBe(true);
    expect(await fixture.checksum()).toBe(before);
  });
});

describe('get_top_queries', () => {
  it('says clearly when pg_stat_statements is not installed', async () => {
    const result = await client.callTool('get_top_queries', {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/pg_stat_statements is not installed.*\nTry: .*shared_preload_libraries/s);
  });

  it('lists statements by cost when the extension is present', async () => {
    const preload = await fixture.sql<{ v: string }>("SELECT current_setting('shared_preload_libraries') AS v");
    if (!preload[0]!.v.includes('pg_stat_statements')) return; // an external test server without the library
    await fixture.sql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (let i = 0; i < 3; i += 1) await client.callTool('query', { sql: `SELECT count(*) FROM public.orders WHERE total > ${i}` });
    const result = await client.callTool('get_top_queries', { order_by: 'calls', limit: 50 });
    expect(result.isError).toBeFalsy();
    const queries = (result.structuredContent as { queries: { query: string; calls: number }[] }).queries;
    expect(queries.some((q) => /FROM public\.orders WHERE total >/.test(q.query))).toBe(true);
    await fixture.sql('DROP EXTENSION pg_stat_statements');
  });
});

describe('analyze_db_health', () => {
  it('reports every check, finds the duplicate index and never-used indexes', async () => {
    const result = await client.callTool('analyze_db_health', {});
    const s = result.structuredContent as { overall: string; checks: { check: string; status: string; details: Row[] }[] };
    expect(s.checks.map((c) => c.check)).toEqual(['connections', 'cache', 'long_running', 'blocking', 'indexes', 'vacuum']);
    expect(s.checks.every((c) => c.status !== 'unavailable')).toBe(true);
    const indexes = s.checks.find((c) => c.check === 'indexes')!;
    expect(indexes.status).toBe('warning');
    expect(indexes.details).toContainEqual(expect.objectContaining({ problem: 'duplicate', table: 'orders', indexes: ['orders_customer_dup_idx', 'orders_customer_idx'] }));
    expect(indexes.details).toContainEqual(expect.objectContaining({ problem: 'unused', index: 'orders_status_idx' }));
    expect(textOf(result)).toMatch(/^Overall: warning/);
  });

  it('finds a long-running statement and a blocked session', async () => {
    // Two superuser side sessions: one holds a lock, the other waits for it until the lock is released.
    const pg = await import('pg');
    const a = new pg.default.Client({ connectionString: fixture.url });
    const b = new pg.default.Client({ connectionString: fixture.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('BEGIN; LOCK TABLE sales.regions IN ACCESS EXCLUSIVE MODE');
      const waiting = b.query("SET statement_timeout = 20000; SELECT count(*) FROM sales.regions").catch(() => undefined);
      // Wait until the second session is really waiting (bounded loop).
      for (let i = 0; i < 100; i += 1) {
        const rows = await fixture.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
        if (rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // Let the waiting statement pass the 1 s long-running threshold (a wait, not a timed assertion).
      await new Promise((r) => setTimeout(r, 1100));
      const result = await client.callTool('analyze_db_health', { checks: ['blocking', 'long_running'], long_running_seconds: 1 });
      const s = result.structuredContent as { checks: { check: string; status: string; details: Row[] }[] };
      expect(s.checks[0]).toMatchObject({ check: 'blocking', status: 'warning' });
      expect(s.checks[0]!.details[0]!.query).toMatch(/sales\.regions/);
      expect(s.checks[1]).toMatchObject({ check: 'long_running', status: 'warning' });
      await a.query('ROLLBACK');
      await waiting;
    } finally {
      await a.end();
      await b.end();
    }
  });
});

describe('execute (with --allow-write)', () => {
  it('dryRun reports affected rows and changes nothing', async () => {
    const before = await fixture.checksum();
    const result = await client.callTool('execute', { sql: "UPDATE public.orders SET status = 'archived' WHERE status = 'shipped'", dryRun: true });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ command: 'UPDATE', rowsAffected: 66, committed: false });
    expect(textOf(result)).toMatch(/Dry run, rolled back: UPDATE, 66 row\(s\) would be affected/);
    expect(await fixture.checksum()).toBe(before);
  });

  it('commits, with RETURNING rows capped but the count exact', async () => {
    const result = await client.callTool('execute', { sql: "INSERT INTO sales.regions VALUES ('apac', 'Asia Pacific') RETURNING code" });
    expect(result.structuredContent).toMatchObject({ command: 'INSERT', rowsAffected: 1, committed: true, rows: [{ code: 'apac' }] });
    expect(await fixture.sql('SELECT name FROM sales.regions WHERE code = $1', ['apac'])).toEqual([{ name: 'Asia Pacific' }]);
    const ddl = await client.callTool('execute', { sql: 'CREATE TABLE public.scratch (id int)' });
    expect(ddl.structuredContent).toMatchObject({ command: 'CREATE', committed: true });
    await client.callTool('execute', { sql: 'DROP TABLE public.scratch' });
  });

  it('counts every RETURNING row when they arrive in several batches (the command tag counts only the last)', async () => {
    await fixture.sql('CREATE TABLE public.many AS SELECT g AS id FROM generate_series(1, 3000) g');
    try {
      const dry = await client.callTool('execute', { sql: 'DELETE FROM public.many RETURNING id', dryRun: true });
      expect(dry.structuredContent).toMatchObject({ command: 'DELETE', rowsAffected: 3000, committed: false, truncated: true });
      expect(textOf(dry)).toMatch(/Dry run, rolled back: DELETE, 3000 row\(s\) would be affected/);
      const done = await client.callTool('execute', { sql: 'UPDATE public.many SET id = -id WHERE id > 500 RETURNING id' });
      expect(done.structuredContent).toMatchObject({ command: 'UPDATE', rowsAffected: 2500, committed: true, truncated: true });
      expect(rowsOf(done)).toHaveLength(1000);
      expect(await fixture.sql('SELECT count(*)::int AS n FROM public.many WHERE id < 0')).toEqual([{ n: 2500 }]);
      // Without RETURNING the tag is the count, as before.
      const plain = await client.callTool('execute', { sql: 'DELETE FROM public.many WHERE id < 0', dryRun: true });
      expect(plain.structuredContent).toMatchObject({ rowsAffected: 2500, rows: [] });
    } finally {
      await fixture.sql('DROP TABLE public.many');
    }
  });

  it('still refuses stacked statements and escapes', async () => {
    for (const sql of ["INSERT INTO sales.regions VALUES ('x', 'y'); COMMIT", 'COMMIT', "COPY sales.regions TO PROGRAM 'id'", 'SET ROLE postgres']) {
      const result = await client.callTool('execute', { sql });
      expect(result.isError).toBe(true);
    }
    expect(await fixture.sql("SELECT count(*)::int AS n FROM sales.regions WHERE code = 'x'")).toEqual([{ n: 0 }]);
  });

  it('refuses ALTER DATABASE ... SET, which would change every future session', async () => {
    const result = await client.callTool('execute', { sql: `ALTER DATABASE "${fixture.database}" SET default_transaction_read_only = off` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/ALTER DATABASE/);
    expect(await fixture.sql('SELECT count(*)::int AS n FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()')).toEqual([{ n: 0 }]);
  });

  it('refuses temporary tables, which would stay on one pooled connection and shadow real tables', async () => {
    const result = await client.callTool('execute', { sql: "CREATE TEMP TABLE customers AS SELECT 1 AS id, 'shadow' AS name" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/pooled connection/);
    // Whatever connection the pool hands out, the unqualified name is the real table.
    for (let i = 0; i < 6; i += 1) {
      expect(rowsOf(await client.callTool('query', { sql: 'SELECT count(*)::int AS n FROM customers' }))).toEqual([{ n: 50 }]);
    }
  });

  it('reports constraint violations as isError and leaves the data as it was', async () => {
    const result = await client.callTool('execute', { sql: 'INSERT INTO public.orders (customer_id, total) VALUES (9999, 1)' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/violates foreign key constraint/);
  });
});

describe('table-schema resources', () => {
  it('lists schema-qualified URIs without credentials and reads one', async () => {
    const { resources } = await client.client.listResources();
    const uris = resources.map((r) => r.uri);
    const authority = `${fixture.pg.host}:${fixture.pg.port}`;
    expect(uris).toContain(`postgres://${authority}/${fixture.database}/public/orders/schema`);
    expect(uris).toContain(`postgres://${authority}/${fixture.database}/sales/Mixed%20Case/schema`);
    for (const uri of uris) {
      expect(uri).not.toContain(fixture.canary);
      expect(uri).not.toContain('@');
    }
    const read = await client.client.readResource({ uri: `postgres://${authority}/${fixture.database}/sales/Mixed%20Case/schema` });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as { columns: Row[]; primaryKey: string[] };
    expect(body.columns).toEqual([
      { column_name: 'id', data_type: 'integer', is_nullable: false, column_default: null },
      { column_name: 'Value', data_type: 'text', is_nullable: true, column_default: null },
    ]);
    expect(body.primaryKey).toEqual(['id']);
  });

  it('refuses a URI for another database or an unknown table', async () => {
    await expect(client.client.readResource({ uri: `postgres://${fixture.pg.host}:${fixture.pg.port}/otherdb/public/orders/schema` })).rejects.toThrow(/another database/);
    await expect(client.client.readResource({ uri: `postgres://${fixture.pg.host}:${fixture.pg.port}/${fixture.database}/public/nope/schema` })).rejects.toThrow(/no table or view/);
  });
});

describe('--schema allow-list', () => {
  it('restricts listings, resources, describe_table and qualified references', async () => {
    const scoped = await makeDeps(fixture.url, { schema: ['sales'] });
    const c = await connectInMemory(server, { deps: scoped.deps });
    expect(((await c.callTool('list_schemas', {})).structuredContent as { schemas: Row[] }).schemas.map((s) => s.name)).toEqual(['sales']);
    expect(((await c.callTool('list_tables', {})).structuredContent as { tables: Row[] }).tables.map((t) => t.name)).toEqual(['Mixed Case', 'regions']);
    expect((await c.callTool('describe_table', { table: 'public.orders' })).isError).toBe(true);
    const refused = await c.callTool('query', { sql: 'SELECT * FROM secret.keys' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/outside the schemas this server may use \(sales\)/);
    // Unqualified names resolve in the allowed schemas only.
    expect(rowsOf(await c.callTool('query', { sql: 'SELECT count(*)::int AS n FROM "Mixed Case"' }))).toEqual([{ n: 1 }]);
    expect((await c.callTool('query', { sql: 'SELECT * FROM orders' })).isError).toBe(true);
    // Functions that read tables named by a value would get past the check of qualified names.
    for (const sql of [
      "SELECT table_to_xml('secret.keys'::regclass, true, false, '') AS x",
      "SELECT schema_to_xml('secret', true, false, '') AS x",
      "SELECT database_to_xml(true, false, '') AS x",
      "SELECT table_to_xml_and_xmlschema('secret.keys'::regclass, true, false, '') AS x",
    ]) {
      const viaXml = await c.callTool('query', { sql });
      expect(viaXml.isError, sql).toBe(true);
      expect(textOf(viaXml)).not.toContain('top-secret-value');
      expect(textOf(viaXml)).toMatch(/reads tables named by a value/);
    }
    const { resources } = await c.client.listResources();
    expect(resources.every((r) => r.uri.includes('/sales/'))).toBe(true);
    await c.close();
    await scoped.close();
  });
});

describe('secrets', () => {
  it('never returns the password, and the server log does not contain it either', async () => {
    const results = [
      await client.callTool('query', { sql: `SELECT '${fixture.canary}' AS echoed` }),
      await client.callTool('query', { sql: "SELECT current_setting('application_name') AS app" }),
    ];
    for (const r of results) expect(JSON.stringify(r)).not.toContain(fixture.canary);
    expect(JSON.stringify(results[0])).toContain('[REDACTED]');
    expect(su.logs()).not.toContain(fixture.canary);
    expect(su.logs()).toMatch(/is a SUPERUSER/);
  });
});
