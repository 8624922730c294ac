/** The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras, against a real PostgreSQL. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';
import { createFixture, type Fixture } from '../src/test-support/fixtures.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const READ_TOOLS = ['query', 'list_schemas', 'list_tables', 'describe_table', 'explain_query', 'get_top_queries', 'analyze_db_health'];

let fixture: Fixture;

beforeAll(async () => {
  fixture = await createFixture('e2e');
});

afterAll(async () => {
  await fixture?.close();
});

describe('stdio', () => {
  it('is read-only by default, satisfies the contract and stays compatible with the archived server', async () => {
    const c = await connectStdio({ bin, args: [fixture.url, '--max-rows', '5'] });
    const tools = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(READ_TOOLS);
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    expect(dropInProblems(tools, { query: ['sql'] })).toEqual([]);
    const result = await c.callTool('query', { sql: 'SELECT id FROM public.orders ORDER BY id' });
    expect((result.structuredContent as { rows: unknown[] }).rows).toHaveLength(5);
    expect(textOf(result)).toMatch(/offset=5/);
    // The rows' JSON is made once for the text and spliced into structuredContent on stdio: values that need
    // escaping come through both intact.
    const tricky = await c.callTool('query', { sql: `SELECT E'quote " back\\\\slash\\nnewline' || chr(8232) || ' 😀' AS s, NULL::int AS n, 9007199254740993::bigint AS big, 1 AS "we""ird"` });
    const trickyRows = [{ s: 'quote " back\\slash\nnewline\u2028 😀', n: null, big: '9007199254740993', 'we"ird': 1 }];
    expect((tricky.structuredContent as { rows: unknown[] }).rows).toEqual(trickyRows);
    expect(JSON.parse(textOf(tricky))).toEqual(trickyRows);
    const refused = await c.callTool('query', { sql: 'SELECT 1; DELETE FROM public.orders' });
    expect(refused.isError).toBe(true);
    const { resources } = await c.client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`postgres://127.0.0.1:${fixture.pg.port}/${fixture.database}/public/orders/schema`);
    await c.close();
    expect(c.stderr()).toMatch(/is a SUPERUSER/);
    expect(c.stderr()).toMatch(/ready on stdio \(7 tools, read-only\)/);
    expect(c.stderr()).not.toContain(fixture.canary);
    expect(JSON.stringify(resources)).not.toContain(fixture.canary);
  });

  it('takes DATABASE_URL, speaks 2026-07-28, and warns nothing for a SELECT-only role', async () => {
    const c = await connectStdio({ bin, era: 'modern', env: { DATABASE_URL: fixture.readOnlyUrl } });
    const result = await c.callTool('list_tables', { schema: 'sales' });
    expect(textOf(result)).toMatch(/sales\.regions/);
    await c.close();
    expect(c.stderr()).toMatch(/connected to PostgreSQL/);
    expect(c.stderr()).not.toMatch(/SUPERUSER|can change the database/);
    expect(c.stderr()).not.toContain(fixture.readOnlyPassword);
  });

  it('registers execute only with --allow-write', async () => {
    const c = await connectStdio({ bin, args: ['--allow-write', fixture.url] });
    const tools = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual([...READ_TOOLS, 'execute']);
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    const dry = await c.callTool('execute', { sql: 'DELETE FROM public.orders', dryRun: true });
    expect(dry.structuredContent).toMatchObject({ command: 'DELETE', rowsAffected: 200, committed: false });
    expect(await fixture.sql('SELECT count(*)::int AS n FROM public.orders')).toEqual([{ n: 200 }]);
    await c.close();
  });

  it('starts when the database is down and reports it on each call', async () => {
    const url = `postgresql://app:${fixture.canary}@127.0.0.1:1/app`;
    const c = await connectStdio({ bin, args: [url] });
    const result = await c.callTool('query', { sql: 'SELECT 1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/app as app/);
    await c.close();
    expect(c.stderr()).toMatch(/Starting anyway/);
    expect(c.stderr() + textOf(result)).not.toContain(fixture.canary);
  });

  it('exits 2 with one line naming the setting when no URL is given, or a bad one', () => {
    const missing = spawnSync(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/DATABASE_URL/);
    const bad = spawnSync(process.execPath, [bin, 'mysql://u:hunter2-secret@h/d'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain('hunter2-secret');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--statement-timeout MS/);
  });
});

describe('http', () => {
  let server: BinProcess;
  beforeAll(async () => {
    server = await startHttpBin({ bin, args: [fixture.url, '--statement-timeout', '1000'] });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain(server.token);
    expect(server.stderr()).not.toContain(fixture.canary);
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`answers queries and cuts slow ones server-side (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      const result = await c.callTool('query', { sql: 'SELECT count(*)::int AS n FROM public.customers' });
      expect(result.structuredContent?.rows).toEqual([{ n: 50 }]);
      const slow = await c.callTool('query', { sql: 'SELECT pg_sleep(600)' });
      expect(slow.isError).toBe(true);
      expect(textOf(slow)).toMatch(/statement_timeout \(1000 ms\)/);
      await c.close();
    });
  }
});
