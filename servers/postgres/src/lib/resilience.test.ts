/** Dropped connections, a database that is down or refuses the login, and cancellation, on a real PostgreSQL. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createFixture, makeDeps, rowsOf, type DepsHandle, type Fixture } from '../test-support/fixtures.js';

let fixture: Fixture;
let handle: DepsHandle;
let client: TestClient;

beforeAll(async () => {
  fixture = await createFixture('resilience');
  handle = await makeDeps(fixture.readOnlyUrl, { 'pool-size': '2' });
  client = await connectInMemory(server, { deps: handle.deps });
});

afterAll(async () => {
  await client?.close();
  await handle?.close();
  await fixture?.close();
});

async function backendPid(): Promise<number> {
  const result = await client.callTool('query', { sql: 'SELECT pg_backend_pid() AS pid' });
  return (result.structuredContent as { rows: { pid: number }[] }).rows[0]!.pid;
}

/** Waits (bounded) until a predicate over pg_stat_activity holds. */
async function waitForActivity(where: string, params: unknown[]): Promise<number | undefined> {
  for (let i = 0; i < 200; i += 1) {
    const rows = await fixture.sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE ${where}`, params);
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

describe('dropped connections', () => {
  it('recovers when idle pooled connections are terminated by an administrator', async () => {
    const before = await backendPid();
    // The test's own superuser connection ends every backend of the server's role.
    await fixture.sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [fixture.readOnlyRole]);
    await waitForActivity('NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE usename = $1) AND pid = pg_backend_pid()', [fixture.readOnlyRole]);
    const after = await client.callTool('query', { sql: 'SELECT pg_backend_pid() AS pid, 1 AS ok' });
    expect(after.isError).toBeFalsy();
    const row = (after.structuredContent as { rows: { pid: number; ok: number }[] }).rows[0]!;
    expect(row.ok).toBe(1);
    expect(row.pid).not.toBe(before);
  });

  it('reports a connection killed mid-query clearly, and the next call works', async () => {
    const running = client.callTool('query', { sql: 'SELECT pg_sleep(20) AS slept' });
    const pid = await waitForActivity("usename = $1 AND query LIKE '%pg_sleep(20)%' AND state = 'active'", [fixture.readOnlyRole]);
    expect(pid).toBeDefined();
    await fixture.sql('SELECT pg_terminate_backend($1)', [pid]);
    const result = await running;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/connection to PostgreSQL at 127\.0\.0\.1:\d+\/\S+ as ro_\w+ was closed while the statement ran/);
    expect(textOf(result)).toMatch(/Try: call again/);
    expect(textOf(result)).not.toContain(fixture.readOnlyPassword);
    const next = await client.callTool('query', { sql: 'SELECT 2 AS ok' });
    expect(rowsOf(next)).toEqual([{ ok: 2 }]);
  });

  it('a cancelled call stops its statement on the server', async () => {
    const controller = new AbortController();
    const running = client.callTool('query', { sql: 'SELECT pg_sleep(25) AS cancelled_sleep' }, { signal: controller.signal }).catch((error: Error) => error);
    const pid = await waitForActivity("usename = $1 AND query LIKE '%cancelled_sleep%' AND state = 'active'", [fixture.readOnlyRole]);
    expect(pid).toBeDefined();
    controller.abort();
    await running;
    const stillRunning = await (async () => {
      for (let i = 0; i < 200; i += 1) {
        const rows = await fixture.sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE '%cancelled_sleep%'", [pid]);
        if (rows.length === 0) return false;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return true;
    })();
    expect(stillRunning).toBe(false);
    expect(rowsOf(await client.callTool('query', { sql: 'SELECT 3 AS ok' }))).toEqual([{ ok: 3 }]);
  });
});

describe('a database that is down or refuses the login', () => {
  it('starts anyway when nothing listens, reports it per call, and never shows the password', async () => {
    const port = await closedPort();
    const url = `postgresql://someone:${fixture.canary}@127.0.0.1:${port}/app`;
    const down = await makeDeps(url);
    expect(down.logs()).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/app as someone \(ECONNREFUSED\)\. .*Starting anyway/);
    const c = await connectInMemory(server, { deps: down.deps });
    for (const tool of ['query', 'list_tables'] as const) {
      const result = await c.callTool(tool, tool === 'query' ? { sql: 'SELECT 1' } : {});
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/app as someone \(ECONNREFUSED\)/);
      expect(textOf(result)).toMatch(/works again as soon as it is|as soon as it is/);
      expect(textOf(result)).not.toContain(fixture.canary);
    }
    expect(down.logs()).not.toContain(fixture.canary);
    await c.close();
    await down.close();
  });

  it('recovers without a restart once the database is reachable', async () => {
    // Same server, but a database name that does not exist yet: created after start, then calls work.
    const name = `late_${Date.now().toString(36)}`;
    const late = await makeDeps(fixture.pg.urlFor({ database: name }));
    const c = await connectInMemory(server, { deps: late.deps });
    const first = await c.callTool('query', { sql: 'SELECT 1 AS ok' });
    expect(first.isError).toBe(true);
    expect(textOf(first)).toMatch(new RegExp(`database "${name}" does not exist`));
    await fixture.pg.sql(`CREATE DATABASE ${name}`);
    try {
      expect(rowsOf(await c.callTool('query', { sql: 'SELECT 1 AS ok' }))).toEqual([{ ok: 1 }]);
    } finally {
      await c.close();
      await late.close();
      await fixture.pg.sql(`DROP DATABASE ${name} WITH (FORCE)`);
    }
  });

  it('says the login was refused for a wrong password, without echoing it', async () => {
    const wrong = 'definitely-wrong-password-42';
    const bad = await makeDeps(fixture.pg.urlFor({ user: fixture.readOnlyRole, password: wrong, database: fixture.database }));
    const c = await connectInMemory(server, { deps: bad.deps });
    const result = await c.callTool('query', { sql: 'SELECT 1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/refused the login .*password authentication failed/);
    expect(textOf(result)).not.toContain(wrong);
    expect(bad.logs()).not.toContain(wrong);
    await c.close();
    await bad.close();
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      s.close(() => resolve(port));
    });
  });
}
