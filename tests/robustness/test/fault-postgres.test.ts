/**
 * Issue 12, faults: PostgreSQL goes away in the middle of a query (fast shutdown while pg_sleep runs) and
 * comes back. The running call and calls during the outage answer isError results that name the problem;
 * the first call after the restart succeeds (the pool drops dead connections and reconnects); a row that
 * was acknowledged before the outage is still there.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectStdio, textOf, type StdioTestClient } from '@portico/protocol/testing';
import { startTestPostgres, type TestPostgres } from '@portico/test-utils';
import { binOf } from '../src/targets.js';

// An own cluster this test may stop and start; the shared one other suites use is never restarted.
let pg: TestPostgres;
let c: StdioTestClient;

beforeAll(async () => {
  pg = await startTestPostgres({ restartable: true });
  c = await connectStdio({ bin: binOf('postgres'), args: ['--allow-write', pg.url, '--statement-timeout', '60000'] });
});
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

it('answers errors while PostgreSQL restarts mid-call, then recovers with acknowledged data intact', async () => {
  const created = await c.callTool('execute', { sql: 'CREATE TABLE acknowledged (id int PRIMARY KEY, note text)' });
  expect(created.isError, textOf(created)).toBeFalsy();
  const inserted = await c.callTool('execute', { sql: "INSERT INTO acknowledged VALUES (1, 'before the outage')" });
  expect(inserted.isError, textOf(inserted)).toBeFalsy();

  // A long call is running when the database goes away.
  const sleeping = c.callTool('query', { sql: 'SELECT pg_sleep(30)' }, { timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 1_000));
  await pg.stopServer();
  const interrupted = await sleeping;
  console.info(`[fault postgres] mid-call: ${textOf(interrupted).split('\n')[0]}`);
  expect(interrupted.isError, textOf(interrupted)).toBe(true);
  expect(textOf(interrupted)).not.toMatch(/Internal error in/);
  expect(textOf(interrupted)).toMatch(/terminat|shut ?down|connection|closed|unavailable|reach/i);

  // While it is down: an error that says so, quickly (the pool does not hang on a dead server).
  const during = await c.callTool('query', { sql: 'SELECT 1 AS one' }, { timeout: 30_000 });
  console.info(`[fault postgres] during outage: ${textOf(during).split('\n')[0]}`);
  expect(during.isError, textOf(during)).toBe(true);
  expect(textOf(during)).not.toMatch(/Internal error in/);
  expect(textOf(during)).toMatch(/connect|refused|reach|unavailable|closed|terminat/i);

  await pg.startServer();
  const after = await c.callTool('query', { sql: 'SELECT note FROM acknowledged WHERE id = 1' });
  expect(after.isError, textOf(after)).toBeFalsy();
  expect(textOf(after)).toContain('before the outage');
});
