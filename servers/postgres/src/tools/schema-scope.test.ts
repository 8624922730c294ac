/**
 * --schema against a real PostgreSQL, through the real MCP client, as a superuser (the role that could do the
 * most): with `--schema app`, statements must neither read rows from nor change anything in another schema
 * (`secret` here) or PostgreSQL's own catalog, while the same statements on app's own objects keep working.
 * Every escape below went through before the checks of schema-scope.ts and the reg* and pg_stats checks of
 * guard.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createFixture, makeDeps, rowsOf, type DepsHandle, type Fixture } from '../test-support/fixtures.js';
import { executePreview } from './execute-preview.js';

let fixture: Fixture;
let writer: DepsHandle;
let write: TestClient;
let reader: DepsHandle;
let read: TestClient;
const bob = `scope_bob_${randomBytes(4).toString('hex')}`;

const SETUP = `
CREATE SCHEMA app;
CREATE TABLE app.own (id int PRIMARY KEY, v text);
INSERT INTO app.own VALUES (1, 'mine'), (2, 'also mine');
CREATE SEQUENCE app.own_seq;
CREATE TABLE app.ser (id serial PRIMARY KEY);
CREATE TABLE app.scratch (id int);
INSERT INTO app.scratch VALUES (1);
CREATE SEQUENCE secret.seq;
CREATE VIEW secret.v AS SELECT * FROM secret.keys;
CREATE FUNCTION secret.f(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
CREATE TYPE secret.ty AS (a int);
CREATE INDEX keys_brin ON secret.keys USING brin (id);
CREATE VIEW secret.dep AS SELECT id, v FROM app.own;
CREATE TABLE secret.child (id int REFERENCES app.own (id));
INSERT INTO secret.child VALUES (1);
INSERT INTO secret.keys SELECT g, 'top-secret-value' FROM generate_series(2, 40) g;
ANALYZE secret.keys;
`;

/** Everything a statement could change in schema secret, in PostgreSQL's own catalog objects used below, and database-wide. */
const STATE_SQL = `
SELECT concat_ws(' | ',
  (SELECT string_agg(c.relname || ':' || c.relkind::text || ':' || pg_get_userbyid(c.relowner) || ':' || coalesce(c.relacl::text, '') || ':' || coalesce(obj_description(c.oid, 'pg_class'), '') || ':' || c.relpages, ',' ORDER BY c.relname)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'secret'),
  (SELECT string_agg(c.relname || '.' || a.attname || ':' || coalesce(col_description(a.attrelid, a.attnum), ''), ',' ORDER BY c.relname, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'secret' AND a.attnum > 0 AND NOT a.attisdropped),
  (SELECT string_agg(p.proname || ':' || pg_get_userbyid(p.proowner) || ':' || coalesce(p.proacl::text, '') || ':' || coalesce(obj_description(p.oid, 'pg_proc'), ''), ',' ORDER BY p.proname)
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'secret'),
  (SELECT string_agg(t.typname || ':' || pg_get_userbyid(t.typowner) || ':' || coalesce(t.typacl::text, ''), ',' ORDER BY t.typname)
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'secret'),
  (SELECT string_agg(nspname || ':' || pg_get_userbyid(nspowner) || ':' || coalesce(nspacl::text, '') || ':' || coalesce(obj_description(oid, 'pg_namespace'), ''), ',' ORDER BY nspname)
     FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'),
  'defacl:' || (SELECT count(*) FROM pg_default_acl),
  'publications:' || (SELECT count(*) FROM pg_publication),
  'lower:' || (SELECT proname || ':' || coalesce(obj_description(oid, 'pg_proc'), '') FROM pg_proc WHERE oid = 'pg_catalog.lower(text)'::regprocedure),
  'pg_class:' || coalesce(obj_description('pg_catalog.pg_class'::regclass, 'pg_class'), ''),
  'keys:' || (SELECT md5(string_agg(k::text, ',' ORDER BY k.id)) FROM secret.keys k),
  'child:' || (SELECT count(*) FROM secret.child),
  'seq:' || (SELECT last_value || ':' || is_called FROM secret.seq)
) AS state`;

async function state(): Promise<string> {
  return (await fixture.sql<{ state: string }>(STATE_SQL))[0]!.state;
}

beforeAll(async () => {
  fixture = await createFixture('scope');
  await fixture.sql(SETUP);
  await fixture.sql(`CREATE ROLE ${bob} NOLOGIN`);
  writer = await makeDeps(fixture.url, { 'allow-write': true, schema: ['app'] });
  write = await connectInMemory(server, { deps: writer.deps });
  reader = await makeDeps(fixture.url, { schema: ['app'] });
  read = await connectInMemory(server, { deps: reader.deps });
});

afterAll(async () => {
  await write?.close();
  await writer?.close();
  await read?.close();
  await reader?.close();
  await fixture?.close();
  await fixture?.pg.sql(`DROP ROLE IF EXISTS ${bob}`).catch(() => {});
});

/** Runs each statement through execute: each must be an isError result matching `message`, and change nothing. */
async function expectRefused(statements: string[], message: RegExp): Promise<void> {
  const before = await state();
  for (const sql of statements) {
    const result = await write.callTool('execute', { sql });
    expect(result.isError, sql).toBe(true);
    expect(textOf(result), sql).toMatch(message);
    expect(textOf(result), sql).toMatch(/\nTry: \S/);
  }
  expect(await state()).toBe(before);
}

async function expectDone(statements: string[]): Promise<void> {
  for (const sql of statements) {
    const result = await write.callTool('execute', { sql });
    expect(result.isError ? textOf(result) : 'ok', sql).toBe('ok');
  }
}

describe('--schema app with --allow-write', () => {
  it('refuses DROP, RENAME, SET SCHEMA and OWNER TO of objects in other schemas; on its own objects they work', async () => {
    await expectRefused(
      [
        'DROP TABLE secret.keys',
        'DROP VIEW secret.v',
        'DROP SEQUENCE secret.seq',
        'DROP INDEX secret.keys_brin',
        'DROP FUNCTION secret.f(int)',
        'DROP TYPE secret.ty',
        'DROP TABLE app.scratch, secret.child',
        'ALTER FUNCTION secret.f(int) RENAME TO g',
        'ALTER FUNCTION secret.f(int) SET SCHEMA app',
        'ALTER FUNCTION secret.f(int) SECURITY DEFINER',
        `ALTER FUNCTION secret.f(int) OWNER TO ${bob}`,
        `ALTER TYPE secret.ty OWNER TO ${bob}`,
        'ALTER TABLE app.scratch SET SCHEMA secret',
      ],
      /outside the schemas this server may use \(app\)|is not one of the schemas this server may use \(app\)/,
    );
    await expectRefused(['DROP SCHEMA secret', 'ALTER SCHEMA secret RENAME TO moved', `ALTER SCHEMA secret OWNER TO ${bob}`, 'CREATE SCHEMA elsewhere', 'ALTER SCHEMA app RENAME TO elsewhere'], /schema (name )?\w+ is not one of the schemas this server may use \(app\)/);
    await expectDone([
      'CREATE TABLE app.t1 (id int)',
      'ALTER TABLE app.t1 RENAME TO t2',
      'ALTER TABLE t2 RENAME COLUMN id TO n',
      `ALTER TABLE app.t2 OWNER TO ${bob}`,
      'DROP TABLE t2',
      'CREATE FUNCTION app.f(int) RETURNS int LANGUAGE sql AS $$SELECT $1 + 1$$',
      'ALTER FUNCTION app.f(int) RENAME TO g',
      'DROP FUNCTION app.g(int)',
    ]);
    expect(await fixture.sql("SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relname IN ('t1', 't2')")).toEqual([{ n: 0 }]);
  });

  it('refuses COMMENT, SECURITY LABEL, GRANT/REVOKE and default privileges on other schemas; on its own they work', async () => {
    await expectRefused(
      [
        "COMMENT ON TABLE secret.keys IS 'pwned'",
        "COMMENT ON COLUMN secret.keys.value IS 'pwned'",
        "COMMENT ON FUNCTION secret.f(int) IS 'pwned'",
        "COMMENT ON TYPE secret.ty IS 'pwned'",
        "COMMENT ON SCHEMA secret IS 'pwned'",
        "SECURITY LABEL ON TABLE secret.keys IS 'x'",
        `GRANT SELECT ON ALL TABLES IN SCHEMA secret TO ${bob}`,
        `GRANT USAGE ON SCHEMA secret TO ${bob}`,
        `GRANT EXECUTE ON FUNCTION secret.f(int) TO ${bob}`,
        `GRANT USAGE ON TYPE secret.ty TO ${bob}`,
        `REVOKE ALL ON ALL FUNCTIONS IN SCHEMA secret FROM PUBLIC`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA secret GRANT SELECT ON TABLES TO ${bob}`,
      ],
      /outside the schemas this server may use \(app\)|is not one of the schemas this server may use \(app\)/,
    );
    // Database-wide: no one schema to check.
    await expectRefused(
      [`ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ${bob}`, `GRANT SET ON PARAMETER work_mem TO ${bob}`, "COMMENT ON EXTENSION plpgsql IS 'pwned'", `DROP OWNED BY ${bob}`, 'CREATE PUBLICATION p FOR TABLES IN SCHEMA secret'],
      /refused.*(IN SCHEMA|not an object of one schema|not accepted with --schema)/,
    );
    await expectDone([
      "COMMENT ON TABLE app.own IS 'mine'",
      "COMMENT ON COLUMN own.v IS 'the value'",
      `GRANT SELECT ON app.own TO ${bob}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA app TO ${bob}`,
      `GRANT USAGE ON SCHEMA app TO ${bob}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ${bob}`,
      `REVOKE SELECT ON own FROM ${bob}`,
    ]);
    expect(await fixture.sql("SELECT obj_description('app.own'::regclass, 'pg_class') AS c, col_description('app.own'::regclass, 2) AS v")).toEqual([{ c: 'mine', v: 'the value' }]);
  });

  it('refuses CASCADE, which reaches dependent objects in other schemas; TRUNCATE and CREATE INDEX on its own tables work', async () => {
    await expectRefused(['DROP TABLE app.own CASCADE', 'TRUNCATE app.own CASCADE', 'ALTER TABLE app.own DROP COLUMN v CASCADE'], /CASCADE also drops or changes every object that depends on this one/);
    // Without CASCADE PostgreSQL itself refuses and names the dependents in schema secret.
    const plain = await write.callTool('execute', { sql: 'DROP TABLE app.own' });
    expect(plain.isError).toBe(true);
    expect(textOf(plain)).toMatch(/view secret\.dep depends on table own/);
    await expectRefused(['TRUNCATE secret.keys', 'CREATE INDEX ON secret.keys (value)', 'REINDEX SCHEMA secret', 'CLUSTER'], /refused/);
    await expectDone(['TRUNCATE app.scratch', 'CREATE INDEX scratch_id ON scratch (id)', 'REINDEX TABLE app.scratch', 'DROP INDEX app.scratch_id']);
    expect(await fixture.sql('SELECT count(*)::int AS n FROM app.scratch')).toEqual([{ n: 0 }]);
  });

  it("refuses nextval/setval of another schema's sequence (also computed or by OID); its own sequences work", async () => {
    const oid = (await fixture.sql<{ oid: number }>("SELECT 'secret.seq'::regclass::oid::int AS oid"))[0]!.oid;
    await expectRefused(
      [
        "SELECT nextval('secret.seq')",
        "SELECT setval('secret.seq', 999)",
        "SELECT setval('sec' || 'ret.seq', 998)",
        `SELECT nextval('${oid}')`,
        `SELECT nextval(${oid})`,
        "SELECT nextval(pg_get_serial_sequence('secret.keys', 'id'))",
        "ALTER TABLE app.own ALTER COLUMN id SET DEFAULT nextval('secret.seq')",
        "SELECT brin_summarize_new_values('secret.keys_brin')",
        "SELECT pg_clear_relation_stats('secret', 'keys')",
      ],
      /refused/,
    );
    await expectDone(["SELECT nextval('app.own_seq')", "SELECT nextval('own_seq'::regclass)", "SELECT setval('app.own_seq', 10)", "SELECT setval(pg_get_serial_sequence('app.ser', 'id'), 5)"]);
    expect(await fixture.sql('SELECT last_value::int AS n FROM app.own_seq')).toEqual([{ n: 10 }]);
  });

  it('refuses names that reach PostgreSQL\'s own catalog, qualified or found there first through the search path', async () => {
    const before = await state();
    await expectRefused(
      ["COMMENT ON FUNCTION lower(text) IS 'pwned'", "COMMENT ON TABLE pg_class IS 'pwned'", 'UPDATE pg_class SET relname = relname WHERE false', 'ALTER FUNCTION lower(text) RENAME TO lower2'],
      /the unqualified name (lower|pg_class) \((function|relation)\) is found in pg_catalog/,
    );
    await expectRefused(["UPDATE pg_catalog.pg_class SET relname = relname WHERE false", "INSERT INTO pg_catalog.pg_description VALUES (1, 1, 0, 'x')", "COMMENT ON FUNCTION pg_catalog.lower(text) IS 'pwned'"], /pg_catalog.*outside the schemas this server may use/);
    // The confirmation's dry run checks the same names.
    await expect(executePreview(writer.deps, "COMMENT ON TABLE pg_class IS 'pwned'", new AbortController().signal)).rejects.toThrow(/found in pg_catalog/);
    expect(await state()).toBe(before);
    // The allowed schema's own tables, unqualified, resolve there.
    await expectDone(["COMMENT ON TABLE own IS 'unqualified'", "UPDATE own SET v = 'changed' WHERE id = 2"]);
    expect(await fixture.sql('SELECT v FROM app.own WHERE id = 2')).toEqual([{ v: 'changed' }]);
  });

  it('checks the body of LANGUAGE sql functions and refuses other languages, so a function cannot reach other schemas later', async () => {
    await expectRefused(
      ['CREATE FUNCTION app.leak() RETURNS SETOF text LANGUAGE sql AS $$ SELECT value FROM secret.keys $$', 'CREATE FUNCTION app.leak2() RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC SELECT value FROM secret.keys; END'],
      /relation secret\.keys .*is outside the schemas this server may use \(app\)/,
    );
    await expectRefused(["CREATE FUNCTION app.wipe() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DELETE FROM secret.keys'; END $$"], /only in LANGUAGE sql.*plpgsql/);
    const leak = await read.callTool('query', { sql: 'SELECT app.leak()' });
    expect(leak.isError).toBe(true);
    expect(textOf(leak)).not.toContain('top-secret-value');
    await expectDone(['CREATE FUNCTION app.total() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM own $$']);
    expect(rowsOf(await read.callTool('query', { sql: 'SELECT app.total()::int AS n' }))).toEqual([{ n: 2 }]);
  });
});

describe('--schema app, reads', () => {
  it('refuses reg* constants naming another schema; those of the allowed schema and the catalogs work', async () => {
    for (const sql of ["SELECT 'secret.keys'::regclass", "SELECT 'secret.keys'::regclass::oid", "SELECT to_regclass('secret.keys')", "SELECT 'secret'::regnamespace", "SELECT 'secret.f(int)'::regprocedure", "SELECT regclass('secret.keys')", "SELECT pg_stat_get_live_tuples('secret.keys'::regclass)"]) {
      const result = await read.callTool('query', { sql });
      expect(result.isError, sql).toBe(true);
      expect(textOf(result), sql).toMatch(/names (an object in schema|the schema) secret, outside the schemas this server may use \(app\)/);
    }
    const ok = await read.callTool('query', { sql: "SELECT 'app.own'::regclass::text AS a, to_regclass('own')::text AS b, 'pg_catalog.pg_class'::regclass::text AS c, 'app'::regnamespace::text AS d" });
    expect(rowsOf(ok)).toEqual([{ a: 'own', b: 'own', c: 'pg_class', d: 'app' }]);
  });

  it("refuses pg_stats and pg_statistic, which hold sample values of other schemas' columns", async () => {
    for (const sql of ["SELECT most_common_vals::text FROM pg_stats WHERE schemaname = 'secret'", 'SELECT stavalues1::text FROM pg_catalog.pg_statistic', 'SELECT * FROM pg_stats_ext']) {
      const result = await read.callTool('query', { sql });
      expect(result.isError, sql).toBe(true);
      expect(textOf(result), sql).not.toContain('top-secret-value');
      expect(textOf(result), sql).toMatch(/holds sample values .* of every table/);
    }
    expect(rowsOf(await read.callTool('query', { sql: "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'keys'" }))).toEqual([{ n: 1 }]);
  });

  it("refuses pageinspect, installed in the allowed schema, on another schema's pages", async () => {
    const available = await fixture.sql<{ n: number }>("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pageinspect'");
    if (available[0]!.n === 0) return; // a server without contrib
    await fixture.sql('CREATE EXTENSION pageinspect SCHEMA app');
    try {
      const result = await read.callTool('query', { sql: "SELECT convert_from(substr(t_data, 6), 'UTF8') AS v FROM heap_page_items(get_raw_page('secret.keys', 0)) LIMIT 1" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).not.toContain('top-secret-value');
      expect(textOf(result)).toMatch(/reads the raw pages \(the rows\) of a relation named by a value/);
    } finally {
      await fixture.sql('DROP EXTENSION pageinspect');
    }
  });
});

describe('pg_settings', () => {
  it('is not writable: its update rule is a session-level SET that would stay on the pooled connection', async () => {
    const handle = await makeDeps(fixture.url, { 'allow-write': true, 'pool-size': '1' });
    const c = await connectInMemory(server, { deps: handle.deps });
    try {
      const before = rowsOf(await c.callTool('query', { sql: 'SHOW work_mem' }));
      const result = await c.callTool('execute', { sql: "UPDATE pg_settings SET setting = '77MB' WHERE name = 'work_mem'" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/writing pg_settings .*changes a session setting/);
      expect(rowsOf(await c.callTool('query', { sql: 'SHOW work_mem' }))).toEqual(before);
    } finally {
      await c.close();
      await handle.close();
    }
  });
});
