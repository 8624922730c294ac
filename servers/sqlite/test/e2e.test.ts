/** The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras, on real files. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';
import { ENDLESS_QUERY, listTree, makeDatabase, sha256 } from '../src/test-support/index.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SCHEMA = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO items (name) VALUES ('one'), ('two');";
const DROP_IN = { read_query: ['query'], write_query: ['query'], create_table: ['query'], list_tables: [], describe_table: ['table_name'], append_insight: ['insight'] };

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-e2e-');
});
afterEach(async () => {
  await dir.cleanup();
});

describe('stdio', () => {
  it('lists tools that satisfy the contract, is a drop-in for mcp-server-sqlite, and works end to end', async () => {
    const dbPath = join(dir.path, 'new.db');
    const c = await connectStdio({ bin, args: ['--db-path', dbPath] });
    try {
      const tools = await c.listTools();
      expect(tools.map((t) => t.name)).toEqual(['read_query', 'write_query', 'create_table', 'list_tables', 'describe_table', 'append_insight', 'explain_query', 'execute_script', 'export_query']);
      expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
      expect(dropInProblems(tools, DROP_IN)).toEqual([]);
      expect(existsSync(dbPath)).toBe(true);
      expect((await c.callTool('create_table', { query: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)' })).isError).toBeFalsy();
      expect((await c.callTool('write_query', { query: 'INSERT INTO t (v) VALUES (?), (?)', params: ['a', 'b'] })).structuredContent).toMatchObject({ affected_rows: 2 });
      expect((await c.callTool('read_query', { query: 'SELECT v FROM t ORDER BY id' })).structuredContent).toMatchObject({ rows: [{ v: 'a' }, { v: 'b' }] });
      // The rows' JSON is made once for the text and spliced into structuredContent by the stdio transport:
      // values that need escaping must come through both intact.
      const tricky = await c.callTool('read_query', {
        query: "SELECT ? AS s, NULL AS n, x'00ff' AS b, 9007199254740993 AS big, 1.5 AS f, ? AS \"we\"\"ird\" UNION ALL SELECT 'x', 1, NULL, 2, NULL, ''",
        params: ['quote " back\\slash\nnewline\u2028 😀', '\u0000'],
      });
      const trickyRows = [
        { s: 'quote " back\\slash\nnewline\u2028 😀', n: null, b: { blob_base64: 'AP8=', bytes: 2 }, big: '9007199254740993', f: 1.5, 'we"ird': '\u0000' },
        { s: 'x', n: 1, b: null, big: 2, f: null, 'we"ird': '' },
      ];
      expect(tricky.structuredContent).toEqual({ columns: ['s', 'n', 'b', 'big', 'f', 'we"ird'], rows: trickyRows, rowCount: 2, offset: 0, hasMore: false, truncatedBy: null, nextOffset: null, cellsCut: false });
      expect(JSON.parse(textOf(tricky).split('\n').slice(1).join('\n'))).toEqual(trickyRows);
      expect((await c.callTool('list_tables', {})).structuredContent).toEqual({ tables: [{ name: 't', type: 'table' }] });
      expect((await c.callTool('describe_table', { table_name: 't' })).structuredContent).toMatchObject({ rowCount: 2 });
      await c.callTool('append_insight', { insight: 'Two rows is a start.' });
      const memo = await c.client.readResource({ uri: 'memo://insights' });
      expect((memo.contents[0] as { text: string }).text).toContain('Two rows is a start.');
      expect(c.stderr()).toMatch(/created the database file/);
    } finally {
      await c.close();
    }
  });

  it('a client subscribed to memo://insights hears of each append_insight, and nothing after unsubscribing', async () => {
    const c = await connectStdio({ bin, args: ['--db-path', join(dir.path, 'memo.db')] });
    try {
      const updated: string[] = [];
      c.client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
      expect(c.client.getServerCapabilities()?.resources?.subscribe).toBe(true);
      await c.client.subscribeResource({ uri: 'memo://insights' });
      await c.callTool('append_insight', { insight: 'first' });
      await c.callTool('append_insight', { insight: 'second' });
      await expect.poll(() => updated.length, { timeout: 5000 }).toBe(2);
      expect(updated).toEqual(['memo://insights', 'memo://insights']);
      // A refused insight (too long) changes nothing and announces nothing.
      expect((await c.callTool('append_insight', { insight: 'x'.repeat(10_001) })).isError).toBe(true);
      await c.client.unsubscribeResource({ uri: 'memo://insights' });
      await c.callTool('append_insight', { insight: 'third' });
      // The ping's answer comes after any notification sent before it on the same stream.
      await c.client.ping();
      expect(updated).toHaveLength(2);
      const memo = await c.client.readResource({ uri: 'memo://insights' });
      expect((memo.contents[0] as { text: string }).text).toContain('- third');
      await expect(c.client.subscribeResource({ uri: 'memo://other' })).rejects.toThrow(/not a resource this server can watch/);
    } finally {
      await c.close();
    }
  });

  it('--read-only removes every writer, and the file stays byte for byte the same', async () => {
    const dbPath = makeDatabase(join(dir.path, 'ro.db'), SCHEMA);
    const before = sha256(dbPath);
    const c = await connectStdio({ bin, args: ['--db-path', dbPath, '--read-only'] });
    try {
      expect((await c.listTools()).map((t) => t.name)).toEqual(['read_query', 'list_tables', 'describe_table', 'explain_query']);
      expect((await c.callTool('read_query', { query: 'SELECT count(*) AS n FROM items' })).structuredContent).toMatchObject({ rows: [{ n: 2 }] });
      const refused = await c.callTool('read_query', { query: `VACUUM INTO '${join(dir.path, 'copy.db')}'` });
      expect(refused.isError).toBe(true);
    } finally {
      await c.close();
    }
    expect(sha256(dbPath)).toBe(before);
    expect(listTree(dir.path)).toEqual([`ro.db ${(await import('node:fs')).statSync(dbPath).size}`]);
  });

  it('speaks 2026-07-28 too', async () => {
    const dbPath = makeDatabase(join(dir.path, 'm.db'), SCHEMA);
    const c = await connectStdio({ bin, args: ['--db-path', dbPath], era: 'modern' });
    try {
      expect(textOf(await c.callTool('read_query', { query: 'SELECT name FROM items WHERE id = ?', params: [2] }))).toContain('{"name":"two"}');
    } finally {
      await c.close();
    }
  });

  it('a slow query is interrupted at --query-timeout while ping keeps answering', async () => {
    const dbPath = makeDatabase(join(dir.path, 'slow.db'), SCHEMA);
    const c = await connectStdio({ bin, args: ['--db-path', dbPath, '--query-timeout', '1.5'] });
    try {
      let settled = false;
      const slow = c.callTool('read_query', { query: ENDLESS_QUERY }).finally(() => (settled = true));
      let pings = 0;
      for (let i = 0; i < 200 && !settled; i++) {
        await c.client.ping();
        pings++;
        await new Promise((r) => setTimeout(r, 25));
      }
      const r = await slow;
      expect(pings).toBeGreaterThan(1);
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/did not finish within 1\.5 s and was stopped/);
      expect((await c.callTool('read_query', { query: 'SELECT 1 AS ok' })).structuredContent).toMatchObject({ rows: [{ ok: 1 }] });
    } finally {
      await c.close();
    }
  });

  it('a 50-million-row recursive CTE comes back capped at --max-rows with a continuation offset', async () => {
    const dbPath = makeDatabase(join(dir.path, 'big.db'), SCHEMA);
    const c = await connectStdio({ bin, args: ['--db-path', dbPath] });
    try {
      const r = await c.callTool('read_query', { query: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT x FROM c' });
      expect(r.structuredContent).toMatchObject({ rowCount: 1000, hasMore: true, nextOffset: 1000, truncatedBy: 'rows' });
      expect(textOf(r)).toMatch(/call again with offset=1000/);
    } finally {
      await c.close();
    }
  });
});

describe('http', () => {
  let httpDir: TempDir;
  let server: BinProcess;
  beforeAll(async () => {
    httpDir = await makeTempDir('portico-sqlite-http-');
    const dbPath = makeDatabase(join(httpDir.path, 'h.db'), SCHEMA);
    server = await startHttpBin({ bin, args: ['--db-path', dbPath] });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain(server.token);
    expect(server.stderr()).toMatch(/portico-sqlite listening on http:\/\/127\.0\.0\.1:\d+\/mcp/);
    await httpDir.cleanup();
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`lists and calls tools (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      try {
        expect(dropInProblems(await c.listTools(), DROP_IN)).toEqual([]);
        const r = await c.callTool('read_query', { query: 'SELECT name FROM items ORDER BY id' });
        expect(r.structuredContent).toMatchObject({ rows: [{ name: 'one' }, { name: 'two' }] });
        expect(JSON.stringify(r)).not.toContain(server.token);
        const bad = await c.callTool('read_query', { query: "ATTACH 'x.db' AS x" });
        expect(bad.isError).toBe(true);
      } finally {
        await c.close();
      }
    });
  }

  it('one memo for all sessions: a subscribed session hears of an insight another session adds', async () => {
    const watcher = await connectHttp({ url: server.url, token: server.token, era: 'legacy' });
    const writer = await connectHttp({ url: server.url, token: server.token, era: 'legacy' });
    try {
      const updated: string[] = [];
      watcher.client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
      await watcher.client.subscribeResource({ uri: 'memo://insights' });
      await writer.callTool('append_insight', { insight: 'from the other session' });
      await expect.poll(() => updated, { timeout: 5000 }).toEqual(['memo://insights']);
      const memo = await watcher.client.readResource({ uri: 'memo://insights' });
      expect((memo.contents[0] as { text: string }).text).toContain('from the other session');
    } finally {
      await writer.close();
      await watcher.close();
    }
  });
});

describe('start-up refusals (one stderr line, exit 2)', () => {
  const start = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000, input: '', env: { PATH: process.env.PATH ?? '', ...env } });

  it('requires --db-path', () => {
    const r = start([]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^portico-sqlite: --db-path is required/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file that is not SQLite, and leaves it alone', () => {
    const path = join(dir.path, 'notes.txt');
    writeFileSync(path, 'not a database, just text that is long enough');
    const r = start(['--db-path', path]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/is not a SQLite database/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(listTree(dir.path)).toEqual(['notes.txt 45']);
  });

  it('refuses a path in a directory that cannot be created or written', () => {
    writeFileSync(join(dir.path, 'a-file'), 'x');
    const r = start(['--db-path', join(dir.path, 'a-file', 'data.db')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/cannot be created .*writable directory/);
  });

  it('refuses a missing file with --read-only, creating nothing', () => {
    const r = start(['--db-path', join(dir.path, 'missing.db'), '--read-only']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--read-only forbids creating it/);
    expect(listTree(dir.path)).toEqual([]);
  });

  it('reads SQLITE_DB_PATH and checks numeric flags', () => {
    const r = start(['--query-timeout', 'soon'], { SQLITE_DB_PATH: join(dir.path, 'env.db') });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--query-timeout must be a number of seconds/);
    const rows = start(['--max-rows', '0'], { SQLITE_DB_PATH: join(dir.path, 'env.db') });
    expect(rows.status).toBe(2);
    expect(rows.stderr).toMatch(/--max-rows must be between 1 and/);
  });

  it('--help prints the server flags and exits 0', () => {
    const r = start(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--db-path PATH[\s\S]*--query-timeout[\s\S]*--max-rows[\s\S]*--export-dir/);
  });
});
