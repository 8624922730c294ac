import { describe, expect, it } from 'vitest';
import { checkStatement, GuardError, nameParts } from './guard.js';

async function refusal(sql: string, mode: 'read' | 'write' | 'explain' = 'read', schemas?: string[]): Promise<GuardError> {
  try {
    await checkStatement(sql, mode, schemas ? { schemas } : {});
  } catch (error) {
    if (error instanceof GuardError) return error;
    throw error;
  }
  throw new Error(`expected a refusal for: ${sql}`);
}

describe('checkStatement: reads', () => {
  it.each([
    ['SELECT 1', 'SelectStmt'],
    ['select * from public.orders where id = 1', 'SelectStmt'],
    ['VALUES (1, 2), (3, 4)', 'SelectStmt'],
    ['TABLE public.orders', 'SelectStmt'],
    ['SHOW statement_timeout', 'VariableShowStmt'],
    ['EXPLAIN ANALYZE SELECT 1', 'ExplainStmt'],
    ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', 'SelectStmt'],
    ['SELECT pg_sleep(1)', 'SelectStmt'],
    ['SELECT currval(\'s\')', 'SelectStmt'],
    ['-- leading comment\nSELECT 1 -- trailing', 'SelectStmt'],
    ['SELECT 1;', 'SelectStmt'],
  ])('allows %s', async (sql, kind) => {
    expect((await checkStatement(sql, 'read')).kind).toBe(kind);
  });

  it.each([
    ['SELECT 1; COMMIT', 'multiple_statements'],
    ['COMMIT; DELETE FROM t', 'multiple_statements'],
    ['COMMIT', 'forbidden_statement'],
    ['END', 'forbidden_statement'],
    ['ROLLBACK', 'forbidden_statement'],
    ['BEGIN', 'forbidden_statement'],
    ['SET TRANSACTION READ WRITE', 'forbidden_statement'],
    ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'forbidden_statement'],
    ['SET default_transaction_read_only = off', 'forbidden_statement'],
    ['RESET ALL', 'forbidden_statement'],
    ['SET ROLE postgres', 'forbidden_statement'],
    ['DO $$ BEGIN DELETE FROM t; END $$', 'forbidden_statement'],
    ['COPY t TO PROGRAM \'id\'', 'forbidden_statement'],
    ['LOCK TABLE t', 'forbidden_statement'],
    ['NOTIFY c', 'forbidden_statement'],
    ['LISTEN c', 'forbidden_statement'],
    ['DELETE FROM t', 'not_read_only'],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'not_read_only'],
    ['EXPLAIN ANALYZE DELETE FROM t', 'not_read_only'],
    ['SELECT * INTO n FROM t', 'not_read_only'],
    ['SELECT * FROM t FOR UPDATE', 'not_read_only'],
    ['SELECT set_config(\'a\', \'b\', false)', 'forbidden_function'],
    ['SELECT PG_CATALOG.PG_READ_FILE(\'/etc/passwd\')', 'forbidden_function'],
    ['SELECT x.pg_read_file FROM (SELECT \'/etc/passwd\'::text) x', 'forbidden_function'],
    ['SELECT * FROM t WHERE id IN (SELECT lo_import(\'/etc/passwd\'))', 'forbidden_function'],
    ['SELECT nextval(\'s\')', 'forbidden_function'],
    ['SELECT query_to_xml(\'select 1\', true, true, \'\')', 'forbidden_function'],
    ['SELECT dblink_exec(\'host=x\', \'DELETE FROM t\')', 'forbidden_function'],
    ['SELECT pg_advisory_lock(1)', 'forbidden_function'],
    // Attribute notation on an expression (A_Indirection), not only on a column reference.
    ["SELECT ('/etc/passwd'::text).pg_read_file", 'forbidden_function'],
    ['SELECT (778::bigint).pg_advisory_lock', 'forbidden_function'],
    ['SELECT (t).pg_advisory_lock FROM (SELECT 779::bigint AS t) x', 'forbidden_function'],
    ["SELECT ('s'::regclass).nextval", 'forbidden_function'],
    ["SELECT ('/etc/passwd'::text).pg_stat_file.size", 'forbidden_function'],
    ["SELECT (x).a[1].pg_read_file FROM (SELECT ARRAY['/etc/passwd'] AS a) x", 'forbidden_function'],
    ["SELECT * FROM t WHERE (('/etc/passwd'::text).pg_read_file) IS NOT NULL", 'forbidden_function'],
    // SQL given as text, run by the function.
    ["SELECT * FROM ts_stat('SELECT to_tsvector(pg_read_file(''/etc/passwd''))')", 'forbidden_function'],
    ["SELECT * FROM ts_stat('SELECT v FROM docs', 'ab')", 'forbidden_function'],
    ["SELECT ts_rewrite('a'::tsquery, 'SELECT t, s FROM aliases')", 'forbidden_function'],
    ["SELECT ('SELECT to_tsvector(x) FROM y'::text).ts_stat", 'forbidden_function'],
    ["SELECT * FROM crosstab('SELECT a, b, c FROM t') AS ct(a text, b text)", 'forbidden_function'],
    ["SELECT * FROM connectby('t', 'id', 'parent', '1', 0) AS c(id int, parent int, level int)", 'forbidden_function'],
    ["SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '')", 'forbidden_function'],
    ['', 'empty'],
    ['-- nothing', 'empty'],
    ['SELEC 1', 'syntax_error'],
  ])('refuses %s', async (sql, code) => {
    expect((await refusal(sql)).code).toBe(code);
  });

  it('reports the position of a syntax error in PostgreSQL terms (1-based, line and column)', async () => {
    const error = await refusal('SELECT *\nFROM t WHERE');
    expect(error.code).toBe('syntax_error');
    expect(error.position).toBe(22);
    expect(error.message).toMatch(/line 2, column 13/);
  });

  it('points at the expression a function is applied to in attribute notation', async () => {
    const error = await refusal("SELECT 1, ('/etc/passwd'::text).pg_read_file");
    expect(error.position).toBe(12);
    expect(error.message).toMatch(/pg_read_file \(called in attribute notation on an expression\) at character 12/);
  });

  it('counts characters, not bytes, for positions after non-ASCII text', async () => {
    const error = await refusal("SELECT 'äöü' FROM WHERE");
    expect(error.position).toBe(19);
    // Tree locations are byte offsets in the parser: converted too.
    const refused = await refusal("SELECT 'äöü', pg_read_file('x')");
    expect(refused.position).toBe(15);
  });
});

describe('checkStatement: writes and explain', () => {
  it('allows data and schema changes in write mode, including sequences', async () => {
    for (const sql of ['INSERT INTO t VALUES (1)', 'UPDATE t SET a = 1', 'CREATE TABLE x (a int)', "SELECT nextval('s')", 'CALL p()']) {
      await expect(checkStatement(sql, 'write')).resolves.toBeTruthy();
    }
  });

  it('refuses ALTER DATABASE (persistent settings for every session) in write mode', async () => {
    expect((await refusal('ALTER DATABASE mydb SET default_transaction_read_only = off', 'write')).code).toBe('forbidden_statement');
    expect((await refusal('ALTER DATABASE mydb RESET ALL', 'write')).code).toBe('forbidden_statement');
    expect((await refusal('ALTER DATABASE mydb WITH CONNECTION LIMIT 1', 'write')).code).toBe('forbidden_statement');
  });

  it('refuses temporary objects in write mode: they would stay on a pooled connection', async () => {
    for (const sql of ['CREATE TEMP TABLE orders AS SELECT 1 AS id', 'CREATE TEMPORARY TABLE x (a int)', 'CREATE TEMP VIEW v AS SELECT 1', 'CREATE TEMP SEQUENCE s', 'CREATE TABLE pg_temp.x (a int)']) {
      const error = await refusal(sql, 'write');
      expect(error.code).toBe('forbidden_statement');
      expect(error.message).toMatch(/pooled connection/);
    }
    await expect(checkStatement('CREATE UNLOGGED TABLE u (a int)', 'write')).resolves.toBeTruthy();
    // Other objects in pg_temp too (types, domains, functions, operators): a temp type named like a real one
    // would be found first on that connection.
    for (const sql of [
      'CREATE DOMAIN pg_temp.email AS text',
      "CREATE TYPE pg_temp.mood AS ENUM ('ok')",
      'CREATE TYPE pg_temp.span AS RANGE (subtype = int4)',
      "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
      'CREATE OPERATOR pg_temp.=== (leftarg = int, rightarg = int, function = int4eq)',
      'CREATE AGGREGATE pg_temp.mysum (int) (sfunc = int4pl, stype = int)',
      'CREATE TYPE pg_temp_3.pair AS (a int, b int)',
    ]) {
      const error = await refusal(sql, 'write');
      expect(error.code, sql).toBe('forbidden_statement');
      expect(error.message).toMatch(/pooled connection/);
    }
    await expect(checkStatement("CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')", 'write')).resolves.toBeTruthy();
  });

  it('still refuses escapes in write mode', async () => {
    for (const sql of ['COMMIT', 'SET search_path = x', 'COPY t FROM PROGRAM \'id\'', "SELECT pg_read_file('/etc/passwd')", 'ALTER SYSTEM SET work_mem = 1', 'CREATE ROLE x SUPERUSER', 'INSERT INTO t VALUES (1); COMMIT']) {
      await refusal(sql, 'write');
    }
    expect((await refusal("CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS 'return 1'", 'write')).message).toMatch(/untrusted language/);
  });

  it('explain mode takes plain DML but not utility statements', async () => {
    await expect(checkStatement('DELETE FROM t', 'explain')).resolves.toBeTruthy();
    expect((await refusal('CREATE TABLE x (a int)', 'explain')).code).toBe('forbidden_statement');
  });
});

describe('checkStatement: schema allow-list', () => {
  it('refuses relations and functions qualified with other schemas, allows the catalogs', async () => {
    expect((await refusal('SELECT * FROM secret.keys', 'read', ['public'])).code).toBe('schema_not_allowed');
    expect((await refusal('SELECT secret.f()', 'read', ['public'])).code).toBe('schema_not_allowed');
    await expect(checkStatement('SELECT * FROM public.orders JOIN pg_catalog.pg_class c ON true', 'read', { schemas: ['public'] })).resolves.toBeTruthy();
    await expect(checkStatement('SELECT * FROM information_schema.tables', 'read', { schemas: ['public'] })).resolves.toBeTruthy();
  });

  it('refuses the *_to_xml functions that read tables named by a value, only with an allow-list', async () => {
    for (const sql of [
      "SELECT table_to_xml('secret.keys'::regclass, true, false, '')",
      "SELECT table_to_xmlschema('secret.keys', true, false, '')",
      "SELECT table_to_xml_and_xmlschema('secret.keys', true, false, '')",
      "SELECT schema_to_xml('secret', true, false, '')",
      "SELECT schema_to_xmlschema('secret', true, false, '')",
      "SELECT schema_to_xml_and_xmlschema('secret', true, false, '')",
      "SELECT database_to_xml(true, false, '')",
      "SELECT database_to_xmlschema(true, false, '')",
      "SELECT pg_catalog.database_to_xml_and_xmlschema(true, false, '')",
    ]) {
      const error = await refusal(sql, 'read', ['public']);
      expect(error.code).toBe('schema_not_allowed');
      expect(error.message).toMatch(/reads tables named by a value/);
      await expect(checkStatement(sql, 'read')).resolves.toBeTruthy();
    }
  });

  it('checks the schema of write targets too (INSERT, UPDATE, DELETE, MERGE, CREATE, ALTER)', async () => {
    for (const sql of [
      'INSERT INTO secret.keys VALUES (2, 2)',
      "UPDATE secret.keys SET value = 'x'",
      'DELETE FROM secret.keys',
      'MERGE INTO secret.keys k USING public.orders o ON k.id = o.id WHEN MATCHED THEN DELETE',
      'CREATE TABLE secret.more (a int)',
      'CREATE VIEW secret.v AS SELECT 1',
      'CREATE INDEX ON secret.keys (id)',
      'ALTER TABLE secret.keys ADD COLUMN b int',
    ]) {
      expect((await refusal(sql, 'write', ['public'])).code).toBe('schema_not_allowed');
    }
    expect((await refusal('DELETE FROM secret.keys', 'explain', ['public'])).code).toBe('schema_not_allowed');
    await expect(checkStatement("UPDATE public.orders SET status = 'x'", 'write', { schemas: ['public'] })).resolves.toBeTruthy();
  });
});

describe('checkStatement: schema allow-list, what a write reaches', () => {
  const app = { schemas: ['app'] };

  it.each([
    // Objects named by DROP / COMMENT / RENAME / OWNER TO / SET SCHEMA / GRANT (not RangeVars).
    'DROP TABLE secret.keys',
    'DROP TABLE app.t, secret.keys',
    'DROP VIEW secret.v',
    'DROP INDEX secret.i',
    'DROP FUNCTION secret.f(int)',
    'DROP TYPE secret.ty',
    'DROP TRIGGER trg ON secret.keys',
    'DROP POLICY p ON secret.keys',
    'DROP SCHEMA secret',
    'ALTER FUNCTION secret.f(int) RENAME TO g',
    'ALTER FUNCTION secret.f(int) SECURITY DEFINER',
    'ALTER ROUTINE secret.f() COST 1',
    'ALTER FUNCTION secret.f(int) OWNER TO bob',
    'ALTER FUNCTION secret.f(int) SET SCHEMA app',
    'ALTER TABLE app.t SET SCHEMA secret',
    'ALTER TYPE secret.ty OWNER TO bob',
    'ALTER TYPE secret.e ADD VALUE \'x\'',
    'ALTER DOMAIN secret.d SET DEFAULT 1',
    'ALTER SCHEMA secret RENAME TO x',
    'ALTER SCHEMA app RENAME TO x',
    'ALTER SCHEMA secret OWNER TO bob',
    "COMMENT ON TABLE secret.keys IS 'x'",
    "COMMENT ON COLUMN secret.keys.value IS 'x'",
    "COMMENT ON CONSTRAINT c ON secret.keys IS 'x'",
    "COMMENT ON CONSTRAINT c ON DOMAIN secret.d IS 'x'",
    'ALTER DOMAIN secret.d RENAME CONSTRAINT c TO c2',
    'ALTER DOMAIN secret.d RENAME TO e',
    "COMMENT ON OPERATOR CLASS secret.oc USING btree IS 'x'",
    "COMMENT ON AGGREGATE secret.a(int) IS 'x'",
    "COMMENT ON SCHEMA secret IS 'x'",
    "SECURITY LABEL ON TABLE secret.keys IS 'x'",
    'GRANT SELECT ON ALL TABLES IN SCHEMA secret TO bob',
    'GRANT USAGE ON SCHEMA secret TO bob',
    'GRANT EXECUTE ON FUNCTION secret.f(int) TO bob',
    'GRANT USAGE ON TYPE secret.ty TO bob',
    'ALTER DEFAULT PRIVILEGES IN SCHEMA secret GRANT SELECT ON TABLES TO bob',
    'CREATE SCHEMA elsewhere',
    'CREATE SCHEMA AUTHORIZATION bob',
    'REINDEX SCHEMA secret',
    // Names in options and definitions.
    'CREATE TABLE app.t (id int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME secret.s))',
    'CREATE SEQUENCE app.s OWNED BY secret.keys.id',
    'CREATE TABLE app.t OF secret.ty',
    'CREATE TABLE app.t (c secret.ty)',
    'CREATE COLLATION app.c FROM secret.c',
    'CREATE AGGREGATE app.agg (sfunc = secret.f, stype = int, basetype = int)',
    'CREATE TRIGGER trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION secret.f()',
    'EXPLAIN ANALYZE CREATE TABLE pg_catalog.x AS SELECT 1',
    'SELECT 1 INTO pg_catalog.x',
    // The catalogs can be read, never changed.
    'UPDATE pg_catalog.pg_class SET relname = relname WHERE false',
    "COMMENT ON FUNCTION pg_catalog.lower(text) IS 'x'",
    'CREATE FUNCTION pg_catalog.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    // Relations named by a value.
    "SELECT nextval('secret.seq')",
    "SELECT setval('secret.seq', 1)",
    "SELECT setval('sec' || 'ret.seq', 1)",
    "SELECT nextval('16385')",
    'SELECT nextval(16385)',
    "SELECT nextval(pg_get_serial_sequence('secret.keys', 'id'))",
    "SELECT brin_summarize_new_values('secret.i')",
    "SELECT gin_clean_pending_list('secret.i'::regclass)",
    "SELECT pg_restore_relation_stats('schemaname', 'secret', 'relname', 'keys', 'relpages', 1)",
    "SELECT pg_set_relation_stats('secret.keys', relpages => 1)",
    "ALTER TABLE app.t ALTER COLUMN id SET DEFAULT nextval('secret.seq')",
    // CASCADE reaches dependents anywhere.
    'DROP TABLE app.t CASCADE',
    'TRUNCATE app.t CASCADE',
    'ALTER TABLE app.t DROP COLUMN c CASCADE',
    'ALTER TYPE app.ty RENAME ATTRIBUTE a TO b CASCADE',
    'ALTER DOMAIN app.d DROP CONSTRAINT c CASCADE',
    // Function bodies run later: LANGUAGE sql bodies are checked, other languages refused.
    'CREATE FUNCTION app.f() RETURNS SETOF text LANGUAGE sql AS $$ SELECT value FROM secret.keys $$',
    "CREATE FUNCTION app.f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT nextval('secret.seq'); END",
    "CREATE FUNCTION app.f() RETURNS bigint LANGUAGE sql AS $$ SELECT setval('secret.seq', 1) $$",
    "CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DELETE FROM secret.keys'; END $$",
    'CREATE PROCEDURE app.p() LANGUAGE plpgsql AS $$ BEGIN NULL; END $$',
    // Statements that act on the whole database, or whose names are not checked: default deny.
    'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO bob',
    'GRANT SET ON PARAMETER work_mem TO bob',
    'GRANT CONNECT ON DATABASE d TO bob',
    "COMMENT ON EXTENSION plpgsql IS 'x'",
    "COMMENT ON DATABASE d IS 'x'",
    'DROP OWNED BY bob',
    'REASSIGN OWNED BY bob TO alice',
    'CREATE PUBLICATION p FOR ALL TABLES',
    'ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE pg_default',
    'ALTER EXTENSION plpgsql ADD TABLE app.t',
    'CREATE CAST (int AS app.ty) WITH INOUT',
    'CREATE FOREIGN TABLE app.ft (a int) SERVER s',
    "ALTER FOREIGN TABLE app.ft OPTIONS (SET table_name 'keys')",
    'CREATE OPERATOR CLASS app.oc FOR TYPE int USING btree AS OPERATOR 1 <',
    'CLUSTER',
    'REINDEX DATABASE d',
  ])('refuses %s with --schema app', async (sql) => {
    const error = await refusal(sql, 'write', ['app']);
    expect(error.code).toBe('schema_not_allowed');
    expect(error.message).toMatch(/^(in the body of [\w.]+: )?refused/);
    expect(error.hint).toBeTruthy();
    // Without an allow-list these are ordinary writes (or not checked for schemas at all).
    await expect(checkStatement(sql, 'write')).resolves.toBeTruthy();
  });

  it('accepts the same on the allowed schema, and lists unqualified targets of changes to check in the database', async () => {
    const cases: [string, { catalog: string; name: string }[]][] = [
      ['DROP TABLE app.t', []],
      ['DROP TABLE t', [{ catalog: 'relation', name: 't' }]],
      ["COMMENT ON FUNCTION lower(text) IS 'x'", [{ catalog: 'function', name: 'lower' }]],
      ["COMMENT ON COLUMN t.c IS 'x'", [{ catalog: 'relation', name: 't' }]],
      ['UPDATE pg_class SET relname = relname', [{ catalog: 'relation', name: 'pg_class' }]],
      ['WITH d AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM d', [{ catalog: 'relation', name: 'b' }, { catalog: 'relation', name: 'a' }]],
      ['ALTER TYPE mood ADD VALUE \'x\'', [{ catalog: 'type', name: 'mood' }]],
      ['ALTER FUNCTION f(int) STABLE', [{ catalog: 'function', name: 'f' }]],
      ['ALTER FUNCTION app.f(int) STABLE', []],
      ['GRANT SELECT ON t TO bob', [{ catalog: 'relation', name: 't' }]],
      ['CREATE TABLE t (a int)', []],
      ['CREATE INDEX ON app.t (a)', []],
      ['ALTER TABLE app.t RENAME TO u', []],
      ["COMMENT ON TABLE app.t IS 'x'", []],
      ['GRANT SELECT ON ALL TABLES IN SCHEMA app TO bob', []],
      ['ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO bob', []],
      ['TRUNCATE app.t RESTART IDENTITY', []],
      ["SELECT nextval('app.s'), nextval('s'), setval('app.s'::regclass, 1)", []],
      ["SELECT setval(pg_get_serial_sequence('app.t', 'id'), 1)", []],
      ['CREATE FUNCTION app.f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM app.t $$', []],
      ['CREATE FUNCTION app.f() RETURNS void LANGUAGE sql AS $$ UPDATE t SET a = 1 $$', [{ catalog: 'relation', name: 't' }]],
      ['REVOKE SELECT ON app.t FROM bob CASCADE', []],
      ['CREATE SCHEMA IF NOT EXISTS app', []],
      ['CREATE TABLE app.t (id int REFERENCES app.u, c text COLLATE pg_catalog."C", LIKE app.v)', []],
      ['CREATE VIEW app.v AS SELECT * FROM pg_catalog.pg_class', []],
    ];
    for (const [sql, lookups] of cases) {
      const checked = await checkStatement(sql, 'write', app);
      expect(checked.lookups, sql).toEqual(lookups);
    }
  });

  it('refuses writing pg_settings, a SET in disguise, with or without an allow-list', async () => {
    for (const options of [{}, app]) {
      const error = await refusal("UPDATE pg_settings SET setting = 'x' WHERE name = 'work_mem'", 'write', (options as { schemas?: string[] }).schemas);
      expect(error.code).toBe('forbidden_statement');
      expect(error.message).toMatch(/pg_settings .*session setting/);
    }
    await expect(checkStatement('SELECT name, setting FROM pg_settings', 'write')).resolves.toBeTruthy();
  });
});

describe('checkStatement: schema allow-list, names given as values in reads', () => {
  it.each([
    "SELECT 'secret.keys'::regclass",
    "SELECT 'secret.keys'::regclass::oid",
    "SELECT CAST('secret.keys' AS pg_catalog.regclass)",
    "SELECT regclass 'secret.keys'",
    "SELECT regclass('secret.keys')",
    "SELECT 'SECRET.KEYS'::regclass",
    "SELECT '\"secret\".keys'::regclass",
    "SELECT to_regclass('secret.keys')",
    "SELECT 'secret'::regnamespace",
    "SELECT to_regnamespace('secret')",
    "SELECT 'secret.f'::regproc, 'secret.f(int)'::regprocedure",
    "SELECT 'secret.ty'::regtype",
    "SELECT 'secret.+'::regoper",
    "SELECT currval('secret.seq')",
    "SELECT 'U&\"sec\\0072et\".keys'::regclass",
    'SELECT NULL::secret.ty',
    'SELECT 1 OPERATOR(secret.+) 1',
    "SELECT 'a' COLLATE secret.c",
    'SELECT * FROM app.t TABLESAMPLE secret.m (10)',
    "SELECT most_common_vals FROM pg_stats WHERE schemaname = 'secret'",
    'SELECT * FROM pg_catalog.pg_statistic',
    'SELECT * FROM pg_stats_ext_exprs',
    "SELECT * FROM heap_page_items(get_raw_page('secret.keys', 0))",
    "SELECT bt_page_items('secret.keys_pkey', 1)",
  ])('refuses %s with --schema app', async (sql) => {
    const error = await refusal(sql, 'read', ['app']);
    expect(error.code).toBe('schema_not_allowed');
    await expect(checkStatement(sql, 'read')).resolves.toBeTruthy();
  });

  it('compares a quoted schema exactly: "Sales" is not sales', async () => {
    expect((await refusal('SELECT "Sales".f()', 'read', ['sales'])).code).toBe('schema_not_allowed');
    await expect(checkStatement('SELECT "Sales".f()', 'read', { schemas: ['Sales'] })).resolves.toBeTruthy();
  });

  it('accepts reg* values of the allowed schema and the catalogs (not those of another), and metadata functions given plain text', async () => {
    expect((await refusal("SELECT 'secret.t'::regclass", 'read', ['app'])).code).toBe('schema_not_allowed');
    for (const sql of [
      "SELECT 'app.t'::regclass, 't'::regclass, to_regclass('app.t'), 'pg_catalog.pg_class'::regclass",
      "SELECT 'app'::regnamespace, 'pg_catalog'::regnamespace, 'int4'::regtype, 'double precision'::regtype, 'lower(text)'::regprocedure",
      "SELECT '16385'::regclass",
      "SELECT pg_relation_size('app.t'), pg_relation_size('secret.keys')",
      'SELECT count(*) FROM pg_class JOIN pg_namespace ON true',
      'SELECT 1 OPERATOR(pg_catalog.+) 1',
      'SELECT \'a\' COLLATE "C"',
    ]) {
      await expect(checkStatement(sql, 'read', { schemas: ['app'] }), sql).resolves.toBeTruthy();
    }
  });

  it('reads a name given as text the way PostgreSQL splits it', () => {
    expect(nameParts('secret.keys')).toEqual(['secret', 'keys']);
    expect(nameParts(' Secret . "Keys" ')).toEqual(['secret', 'Keys']);
    expect(nameParts('"a.b".c')).toEqual(['a.b', 'c']);
    expect(nameParts('"we""ird".t')).toEqual(['we"ird', 't']);
    expect(nameParts('app.f(secret.ty, int)')).toEqual(['app', 'f']);
    expect(nameParts('app.t[]')).toEqual(['app', 't']);
    expect(nameParts('secret.+')).toEqual(['secret', '+']);
    expect(nameParts('double precision')).toEqual(['double']);
    expect(nameParts('db.secret.keys')).toEqual(['db', 'secret', 'keys']);
    expect(nameParts('U&"sec\\0072et".keys')).toBeUndefined();
    expect(nameParts('"unterminated.keys')).toBeUndefined();
  });
});
