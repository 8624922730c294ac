/**
 * Confirmations (issue 13) through a real MCP client that answers elicitation, on a real database file with
 * the real runner processes: the user sees the statement and the rows a dry run changed, and a declined or
 * dismissed confirmation leaves every row as it was.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { createDeps, type SqliteDeps } from '../deps.js';
import { server } from '../server.js';
import { makeDatabase, quietLog, sha256, testConfig } from '../test-support/index.js';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
const ACCEPT: Answer = { action: 'accept', content: { confirm: true } };

let dir: TempDir;
let dbPath: string;
let deps: SqliteDeps | undefined;
let client: TestClient | undefined;

beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-confirm-');
  dbPath = makeDatabase(
    join(dir.path, 'shop.db'),
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL); INSERT INTO orders (status) VALUES ('open'), ('open'), ('open'), ('shipped'), ('open');",
  );
});
afterEach(async () => {
  await client?.close();
  await deps?.close();
  client = undefined;
  deps = undefined;
  await dir.cleanup();
});

async function connect(answer: Answer): Promise<{ c: TestClient; asked: string[] }> {
  const asked: string[] = [];
  deps = createDeps(testConfig(dbPath), { log: quietLog, common: { readOnly: false } });
  client = await connectInMemory(server, {
    deps,
    log: quietLog,
    onElicit: async (params) => {
      asked.push((params as { message: string }).message);
      return answer;
    },
  });
  return { c: client, asked };
}

function rows(): unknown[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT id, status FROM orders ORDER BY id').all();
  } finally {
    db.close();
  }
}

describe('write_query asks with the row count of a dry run', () => {
  it('accept: the statement and its row count are shown, then the change is made', async () => {
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('write_query', { query: "UPDATE orders SET status = ? WHERE status = 'open'", params: ['cancelled'] });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ affected_rows: 4 });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(`Run on ${dbPath}:\n  UPDATE orders SET status = ? WHERE status = 'open'\n  with 1 bound value(s)`);
    expect(asked[0]).toContain('A dry run just now (rolled back) changed 4 rows');
    // Bound values are not repeated in the question.
    expect(asked[0]).not.toContain('cancelled');
    expect(rows()).toEqual([1, 2, 3, 5].map((id) => ({ id, status: 'cancelled' })).concat({ id: 4, status: 'shipped' }).sort((a, b) => a.id - b.id));
  });

  it('named params: the question counts them and shows none of their values; the change uses them', async () => {
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('write_query', { query: 'UPDATE orders SET status = :to WHERE status = :from', params: { to: 'held', from: 'shipped' } });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ affected_rows: 1 });
    expect(asked[0]).toContain('UPDATE orders SET status = :to WHERE status = :from\n  with 2 bound value(s)');
    expect(asked[0]).toContain('A dry run just now (rolled back) changed 1 row');
    expect(asked[0]).not.toMatch(/held|shipped/);
    expect(rows().find((r) => (r as { id: number }).id === 4)).toEqual({ id: 4, status: 'held' });
  });

  it.each([
    ['decline', { action: 'decline' } as Answer, /the user declined the confirmation; nothing was changed/],
    ['cancel', { action: 'cancel' } as Answer, /the user dismissed the confirmation; nothing was changed/],
  ])('%s: the dry run and the refusal leave every row (and the file) as it was', async (_label, answer, said) => {
    const before = rows();
    const hash = sha256(dbPath);
    const { c, asked } = await connect(answer);
    const result = await c.callTool('write_query', { query: 'DELETE FROM orders WHERE id > 2' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(said);
    expect(asked[0]).toContain('changed 3 rows');
    expect(rows()).toEqual(before);
    await client!.close();
    await deps!.close();
    client = undefined;
    deps = undefined;
    // Nothing pending either: with the runners gone, the file holds the same bytes as before the call.
    expect(sha256(dbPath)).toBe(hash);
    expect(rows()).toEqual(before);
  });

  it('a statement the guard or SQLite refuses is refused before anyone is asked', async () => {
    const { c, asked } = await connect(ACCEPT);
    expect(textOf(await c.callTool('write_query', { query: "ATTACH 'x.db' AS x" }))).toMatch(/refused ATTACH/);
    expect(textOf(await c.callTool('write_query', { query: 'INSERT INTO orders (id, status) VALUES (1, ?)', params: ['dup'] }))).toMatch(/constraint/);
    expect(textOf(await c.callTool('write_query', { query: 'DELETE FROM nowhere' }))).toMatch(/no such table/);
    expect(asked).toEqual([]);
  });

  it('DROP TABLE says how many rows go with the table; VACUUM is described, not dry-run', async () => {
    const { c, asked } = await connect({ action: 'decline' });
    await c.callTool('write_query', { query: 'DROP TABLE IF EXISTS orders' });
    expect(asked[0]).toContain('It drops the table orders, which holds 5 rows.');
    await c.callTool('write_query', { query: 'VACUUM' });
    expect(asked[1]).toContain('It rebuilds the whole database file');
    expect(rows()).toHaveLength(5);
  });
});

describe('execute_script asks with rows per statement', () => {
  it('lists each statement with the rows its dry run changed; decline changes nothing; a dry-run call is not confirmed', async () => {
    const before = rows();
    const { c, asked } = await connect({ action: 'decline' });
    const script = "UPDATE orders SET status = 'late' WHERE status = 'open'; DELETE FROM orders WHERE status = 'shipped'; CREATE TABLE notes (t TEXT)";
    expect(textOf(await c.callTool('execute_script', { script }))).toMatch(/declined/);
    expect(asked[0]).toContain('Run 3 statement(s) in one transaction');
    expect(asked[0]).toContain('changed 5 rows in all:');
    expect(asked[0]).toContain("1. UPDATE orders SET status = 'late' WHERE status = 'open' -> 4 rows");
    expect(asked[0]).toContain("2. DELETE FROM orders WHERE status = 'shipped' -> 1 row");
    expect(asked[0]).toContain('3. CREATE TABLE notes (t TEXT) -> 0 rows');
    expect(rows()).toEqual(before);
    expect((await c.callTool('execute_script', { script, dryRun: true })).structuredContent).toMatchObject({ committed: false, totalChanges: 5 });
    expect(asked).toHaveLength(1);
    expect(rows()).toEqual(before);
  });
});
