/**
 * Confirmations (issue 13) through a real MCP client that answers elicitation, on a real PostgreSQL: the user
 * sees the statement and the row count of a dry run, and a declined or dismissed confirmation leaves every
 * row, sequence and catalog object as it was.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createFixture, makeDeps, type DepsHandle, type Fixture } from '../test-support/fixtures.js';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
const ACCEPT: Answer = { action: 'accept', content: { confirm: true } };

let fixture: Fixture;
let su: DepsHandle;
let client: TestClient | undefined;

beforeAll(async () => {
  fixture = await createFixture('confirm');
  su = await makeDeps(fixture.url, { 'allow-write': true });
});
afterAll(async () => {
  await su?.close();
  await fixture?.close();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function connect(answer: Answer): Promise<{ c: TestClient; asked: string[] }> {
  const asked: string[] = [];
  client = await connectInMemory(server, {
    deps: su.deps,
    onElicit: async (params) => {
      asked.push((params as { message: string }).message);
      return answer;
    },
  });
  return { c: client, asked };
}

describe('execute asks with the row count of a dry run', () => {
  it('accept: the statement and its row count are shown, then it is committed', async () => {
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('execute', { sql: "UPDATE sales.regions SET name = upper(name) WHERE code IN ('eu', 'us')" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("UPDATE sales.regions SET name = upper(name) WHERE code IN ('eu', 'us')");
    expect(asked[0]).toContain('A dry run just now (BEGIN, run, ROLLBACK) reported: UPDATE, 2 rows affected.');
    expect(await fixture.sql('SELECT name FROM sales.regions ORDER BY code')).toEqual([{ name: 'EUROPE' }, { name: 'UNITED STATES' }]);
  });

  it('the dry-run count of a RETURNING statement counts every row, not the last batch', async () => {
    await fixture.sql('CREATE TABLE public.many AS SELECT g AS id FROM generate_series(1, 3000) g');
    try {
      const { c, asked } = await connect(ACCEPT);
      const result = await c.callTool('execute', { sql: 'DELETE FROM public.many RETURNING id' });
      expect(asked[0]).toContain('reported: DELETE, 3,000 rows affected.');
      expect(result.structuredContent).toMatchObject({ command: 'DELETE', rowsAffected: 3000, committed: true });
      expect(await fixture.sql('SELECT count(*)::int AS n FROM public.many')).toEqual([{ n: 0 }]);
    } finally {
      await fixture.sql('DROP TABLE public.many');
    }
  });

  it.each([
    ['decline', { action: 'decline' } as Answer, /the user declined the confirmation; nothing was changed/],
    ['cancel', { action: 'cancel' } as Answer, /the user dismissed the confirmation; nothing was changed/],
  ])('%s: data, sequences and catalog are identical afterwards', async (_label, answer, said) => {
    const before = await fixture.checksum();
    const { c, asked } = await connect(answer);
    const result = await c.callTool('execute', { sql: "DELETE FROM public.orders WHERE status = 'shipped'" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(said);
    expect(asked[0]).toContain('reported: DELETE, 66 rows affected.');
    expect(await fixture.checksum()).toBe(before);
  });

  it('a refused or failing statement is refused before anyone is asked', async () => {
    const before = await fixture.checksum();
    const { c, asked } = await connect(ACCEPT);
    const stacked = await c.callTool('execute', { sql: "UPDATE sales.regions SET name = 'x'; DELETE FROM public.orders" });
    expect(stacked.isError, textOf(stacked)).toBe(true);
    expect(textOf(await c.callTool('execute', { sql: "COPY sales.regions TO PROGRAM 'id'" }))).toMatch(/refused/);
    expect(textOf(await c.callTool('execute', { sql: 'INSERT INTO public.orders (customer_id, total) VALUES (9999, 1)' }))).toMatch(/violates foreign key constraint/);
    expect(asked).toEqual([]);
    expect(await fixture.checksum()).toBe(before);
  });

  it('a statement that cannot run in a transaction is described, not dry-run; DDL says it has no row count', async () => {
    const before = await fixture.checksum();
    const { c, asked } = await connect({ action: 'decline' });
    await c.callTool('execute', { sql: 'CREATE INDEX CONCURRENTLY orders_total_idx ON public.orders (total)' });
    expect(asked[0]).toContain('Not dry-run: CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    await c.callTool('execute', { sql: 'DROP TABLE sales.regions' });
    await c.callTool('execute', { sql: 'DROP INDEX CONCURRENTLY public.orders_status_idx' });
    expect(asked[2]).toContain('Not dry-run: DROP ... CONCURRENTLY cannot run inside a transaction block');
    expect(asked[1]).toMatch(/succeeded: DROP\b.*PostgreSQL reports no row count for it/);
    // A call that is itself a dry run is not confirmed.
    expect((await c.callTool('execute', { sql: 'DELETE FROM sales.regions', dryRun: true })).structuredContent).toMatchObject({ rowsAffected: 2, committed: false });
    expect(asked).toHaveLength(3);
    expect(await fixture.checksum()).toBe(before);
  });
});
