/**
 * The bypass corpus: statements that try to talk their way out of read-only, run through the real MCP client
 * against a real PostgreSQL, once as a superuser and once as a SELECT-only role. Afterwards nothing in the
 * database or on disk has changed, no file content was disclosed, and slow statements were cut server-side.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createFixture, makeDeps, rowsOf, type DepsHandle, type Fixture } from '../test-support/fixtures.js';

const marker = join(tmpdir(), `portico-bypass-marker-${randomBytes(6).toString('hex')}`);

/** Each entry must come back as an isError result (refused by the guard or by the database). */
const MUST_FAIL: string[] = [
  // Stacked transaction control
  'SELECT 1; COMMIT',
  'COMMIT; DELETE FROM public.orders',
  'END; DELETE FROM public.orders',
  'ROLLBACK; DELETE FROM public.orders',
  'SELECT 1; END; DROP TABLE public.orders',
  'ABORT; TRUNCATE public.orders',
  'COMMIT AND CHAIN',
  'BEGIN; DELETE FROM public.orders; COMMIT',
  'START TRANSACTION READ WRITE',
  'SAVEPOINT s1',
  'SET TRANSACTION READ WRITE',
  'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
  // Session settings
  'SET default_transaction_read_only = off',
  'SET LOCAL transaction_read_only = off',
  'RESET ALL',
  'SET ROLE postgres',
  'SET SESSION AUTHORIZATION postgres',
  "SELECT set_config('default_transaction_read_only', 'off', false)",
  "SELECT set_config('transaction_read_only', 'off', true)",
  "SELECT * FROM public.orders WHERE set_config('statement_timeout', '0', false) IS NOT NULL",
  'DISCARD ALL',
  // DO blocks and procedures
  'DO $$ BEGIN DELETE FROM public.orders; END $$',
  "DO $$ BEGIN EXECUTE 'DELETE FROM public.orders'; END $$",
  'CALL some_procedure()',
  // Data-modifying statements and CTEs
  'DELETE FROM public.orders',
  "UPDATE public.orders SET status = 'x'",
  "INSERT INTO public.customers (name) VALUES ('mallory')",
  'TRUNCATE public.orders',
  'DROP TABLE public.orders',
  'CREATE TABLE public.pwned (a int)',
  'CREATE TABLE public.pwned AS SELECT 1',
  'SELECT * INTO public.pwned FROM public.orders',
  'WITH d AS (DELETE FROM public.orders RETURNING *) SELECT count(*) FROM d',
  "WITH i AS (INSERT INTO public.customers (name) VALUES ('m') RETURNING id) SELECT * FROM i",
  "WITH u AS (UPDATE public.orders SET total = 0 RETURNING 1) SELECT 1",
  "WITH m AS (MERGE INTO sales.regions r USING (SELECT 'xx' AS code) s ON r.code = s.code WHEN NOT MATCHED THEN INSERT VALUES ('xx', 'x') RETURNING 1) SELECT 1",
  'EXPLAIN ANALYZE DELETE FROM public.orders',
  'EXPLAIN ANALYZE WITH d AS (DELETE FROM public.orders RETURNING 1) SELECT 1',
  'SELECT * FROM public.orders FOR UPDATE',
  'SELECT public.evil_delete()',
  // COPY, including to and from a program
  `COPY public.orders TO PROGRAM 'touch ${marker}'`,
  `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`,
  `COPY public.customers FROM PROGRAM 'touch ${marker}'`,
  `COPY public.orders TO '${marker}'`,
  'COPY public.orders TO STDOUT',
  // File access, large objects, functions that run SQL from a string
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT pg_catalog.pg_read_file('/etc/passwd', 0, 200)",
  "SELECT PG_READ_FILE('/etc/passwd')",
  "SELECT * FROM pg_read_binary_file('/etc/passwd')",
  "SELECT convert_from(pg_read_binary_file('/etc/passwd'), 'UTF8')",
  "SELECT f.pg_read_file FROM (SELECT '/etc/passwd'::text) f",
  "SELECT pg_ls_dir('/etc')",
  "SELECT * FROM pg_stat_file('/etc/passwd')",
  "SELECT lo_import('/etc/passwd')",
  "SELECT lo_export(1, '/tmp/portico-lo-export')",
  "SELECT lo_from_bytea(0, 'x')",
  "SELECT query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '')",
  "SELECT (SELECT pg_read_file('/etc/passwd')) AS nested",
  "SELECT 1 WHERE EXISTS (SELECT pg_ls_dir('/'))",
  "SELECT dblink_exec('dbname=postgres', 'DELETE FROM public.orders')",
  // Attribute notation on an expression calls the function too
  "SELECT ('/etc/passwd'::text).pg_read_file",
  "SELECT ('/etc/passwd'::text).pg_stat_file.size",
  'SELECT (778::bigint).pg_advisory_lock',
  'SELECT (t).pg_advisory_lock FROM (SELECT 779::bigint AS t) x',
  "SELECT ('public.invoice_seq'::regclass).nextval",
  // Functions that run a query given as text, which the guard never sees
  "SELECT * FROM ts_stat($$SELECT to_tsvector(pg_read_file('/etc/passwd'))$$)",
  'SELECT * FROM ts_stat($$SELECT to_tsvector(pg_try_advisory_lock(777)::text)$$)',
  "SELECT * FROM ts_stat($$SELECT to_tsvector(value) FROM secret.keys$$, 'a')",
  "SELECT ts_rewrite('a'::tsquery, $$SELECT 'a'::tsquery, to_tsquery(pg_try_advisory_lock(776)::text)$$)",
  // Other sessions and the server
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
  'SELECT pg_cancel_backend(pid) FROM pg_stat_activity',
  'SELECT pg_reload_conf()',
  'SELECT pg_rotate_logfile()',
  'ALTER SYSTEM SET work_mem = \'1GB\'',
  'SELECT pg_advisory_lock(42)',
  'SELECT pg_try_advisory_lock(42)',
  "SELECT nextval('public.invoice_seq')",
  "SELECT setval('public.invoice_seq', 1000)",
  'SELECT txid_current()',
  'LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE',
  "NOTIFY portico_channel, 'x'",
  'LISTEN portico_channel',
  "SELECT pg_notify('portico_channel', 'x')",
  'PREPARE p AS DELETE FROM public.orders',
  'DECLARE c CURSOR WITH HOLD FOR SELECT 1',
  'VACUUM public.orders',
  'CREATE ROLE intruder SUPERUSER',
  'GRANT ALL ON public.orders TO PUBLIC',
  'CREATE EXTENSION dblink',
  '/* hidden */ DELETE FROM public.orders',
  '-- comment\nDELETE FROM public.orders',
];

const FILE_CONTENT = /root:.*:0:0:|\/bin\/(ba)?sh|nologin/;

for (const role of ['superuser', 'read-only role'] as const) {
  describe(`bypass corpus as ${role}`, () => {
    let fixture: Fixture;
    let handle: DepsHandle;
    let client: TestClient;
    let before: string;

    beforeAll(async () => {
      fixture = await createFixture(`bypass_${role === 'superuser' ? 'su' : 'ro'}`);
      handle = await makeDeps(role === 'superuser' ? fixture.url : fixture.readOnlyUrl, { 'statement-timeout': '1500' });
      client = await connectInMemory(server, { deps: handle.deps });
      before = await fixture.checksum();
    });

    afterAll(async () => {
      await client?.close();
      await handle?.close();
      await fixture?.close();
    });

    it(`refuses all ${MUST_FAIL.length} statements, discloses nothing and changes nothing`, async () => {
      expect(MUST_FAIL.length).toBeGreaterThanOrEqual(40);
      const leaks: string[] = [];
      const passed: string[] = [];
      for (const sql of MUST_FAIL) {
        const result = await client.callTool('query', { sql });
        const text = textOf(result) + JSON.stringify(result.structuredContent ?? {});
        if (!result.isError) passed.push(sql);
        if (FILE_CONTENT.test(text) || text.includes(fixture.canary) || text.includes(fixture.readOnlyPassword)) leaks.push(sql);
        // explain_query must not be a side door either.
        const explained = await client.callTool('explain_query', { sql, analyze: true });
        if (!explained.isError && !/^(SELECT 1; COMMIT)$/.test(sql)) passed.push(`explain: ${sql}`);
        if (FILE_CONTENT.test(textOf(explained))) leaks.push(`explain: ${sql}`);
      }
      expect(passed).toEqual([]);
      expect(leaks).toEqual([]);
      expect(existsSync(marker)).toBe(false);
      expect(existsSync('/tmp/portico-lo-export')).toBe(false);
      expect(await fixture.checksum()).toBe(before);
      // Session-level advisory locks survive the rollback of the read: none may be held on a pooled connection.
      expect(await fixture.sql("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).toEqual([]);
    });

    it('a function that changes settings inside the transaction leaves no trace on the pooled connection', async () => {
      // Allowed by the guard (a user function), refused or undone by the database: the transaction is rolled back.
      await client.callTool('query', { sql: 'SELECT public.evil_setting()' });
      for (let i = 0; i < 6; i += 1) {
        const shown = await client.callTool('query', { sql: 'SHOW default_transaction_read_only' });
        expect(rowsOf(shown)).toEqual([{ default_transaction_read_only: 'on' }]);
      }
    });

    it('pg_sleep(600) is cut by the server-side statement timeout', async () => {
      const result = await client.callTool('query', { sql: 'SELECT pg_sleep(600)' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/statement_timeout \(1500 ms\)/);
      // The connection is usable afterwards.
      expect(rowsOf(await client.callTool('query', { sql: 'SELECT 1 AS ok' }))).toEqual([{ ok: 1 }]);
    });

    it('a 50-million-row generate_series returns the capped first rows and says how to continue', async () => {
      // In the select list the set-returning function streams; the cursor stops it after the cap.
      const result = await client.callTool('query', { sql: 'SELECT generate_series(1, 50000000) AS g' });
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as { rows: { g: number }[]; truncated: boolean; nextOffset: number };
      expect(structured.rows).toHaveLength(1000);
      expect(structured.rows[999]).toEqual({ g: 1000 });
      expect(structured.truncated).toBe(true);
      expect(structured.nextOffset).toBe(1000);
      expect(textOf(result)).toMatch(/offset=1000/);
    });

    it('leaves the database exactly as it was', async () => {
      expect(await fixture.checksum()).toBe(before);
    });
  });
}
