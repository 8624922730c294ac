import { describe, expect, it } from 'vitest';
import { checkStatement, GuardError } from './guard.js';

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
