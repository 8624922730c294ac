import { describe, expect, it } from 'vitest';
import { checkExplainStatement, checkReadStatement, checkWriteStatement, GuardError, quoteIdentifier, splitStatements, tokenize } from './sql-guard.js';

describe('tokenize', () => {
  it('skips comments and keeps strings, quoted identifiers and blobs apart from words', () => {
    const tokens = tokenize(`/* ATTACH */ SELECT 'load_extension', "Col""x", [br ack], \`tick\`, x'00ff', 1.5e+3 -- DROP\n FROM t`);
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['word', 'SELECT'],
      ['string', 'load_extension'],
      ['punct', ','],
      ['qident', 'Col"x'],
      ['punct', ','],
      ['qident', 'br ack'],
      ['punct', ','],
      ['qident', 'tick'],
      ['punct', ','],
      ['blob', '00ff'],
      ['punct', ','],
      ['number', '1.5e+3'],
      ['word', 'FROM'],
      ['word', 'T'],
    ]);
  });

  it('runs an unterminated string or comment to the end instead of looping', () => {
    expect(tokenize("SELECT 'abc").map((t) => t.kind)).toEqual(['word', 'string']);
    expect(tokenize('SELECT 1 /* open').map((t) => t.kind)).toEqual(['word', 'number']);
  });
});

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    expect(splitStatements("INSERT INTO t VALUES ('a;b'); -- x;y\nDELETE FROM t /* ; */ WHERE 1;;")).toEqual([
      "INSERT INTO t VALUES ('a;b')",
      '-- x;y\nDELETE FROM t /* ; */ WHERE 1',
    ]);
  });

  it('keeps a trigger body with its semicolons and CASE ... END in one statement', () => {
    const script = `CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN
      UPDATE t SET v = CASE WHEN new.v > 0 THEN 1 ELSE 0 END WHERE id = new.id;
      INSERT INTO log VALUES (new.id);
    END; INSERT INTO t VALUES (1)`;
    const parts = splitStatements(script);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^CREATE TEMP TRIGGER[\s\S]*END$/);
    expect(parts[1]).toBe('INSERT INTO t VALUES (1)');
  });
});

describe('checkReadStatement', () => {
  it.each(['SELECT 1', '  with x as (select 1) select * from x', 'VALUES (1)', '/* hi */ select 2', "SELECT * FROM pragma_table_info('t')"])('accepts %s', (sql) => {
    expect(() => checkReadStatement(sql)).not.toThrow();
  });

  it.each([
    ["ATTACH 'x.db' AS x", /ATTACH/],
    ['detach x', /DETACH/],
    ["VACUUM INTO '/tmp/x.db'", /VACUUM INTO/],
    ['PRAGMA user_version', /PRAGMA/],
    ['PRAGMA writable_schema = 1', /writable_schema/],
    ["SELECT load_extension('x')", /extensions/],
    ['SELECT "LOAD_EXTENSION"(\'x\')', /extensions/],
    ["SELECT [load_extension]('x')", /extensions/],
    ['DELETE FROM t', /only runs SELECT/],
    ['BEGIN', /transaction/],
    ['EXPLAIN SELECT 1', /refused EXPLAIN/],
    ['', /empty/],
    ['-- nothing', /empty/],
    ["SELECT fts3_tokenizer('simple')", /fts3_tokenizer/],
    ['SELECT * FROM sqlite_dbpage', /sqlite_dbpage/],
  ])('refuses %s', (sql, message) => {
    expect(() => checkReadStatement(sql)).toThrow(GuardError);
    expect(() => checkReadStatement(sql)).toThrow(message);
  });

  it('does not mistake a string literal for a forbidden name', () => {
    expect(() => checkReadStatement("SELECT 'load_extension' AS word")).not.toThrow();
  });
});

describe('checkWriteStatement', () => {
  it.each(['INSERT INTO t VALUES (1)', 'UPDATE t SET a = 1', 'WITH x AS (SELECT 1) DELETE FROM t', 'CREATE INDEX i ON t(a)', 'DROP TABLE t', 'ALTER TABLE t ADD b', 'PRAGMA user_version = 3', 'PRAGMA main.application_id = 7', 'PRAGMA journal_mode = WAL', 'VACUUM', 'ANALYZE'])(
    'write_query accepts %s',
    (sql) => {
      expect(() => checkWriteStatement(sql, 'write_query')).not.toThrow();
    },
  );

  it.each(['PRAGMA schema_version = 1', 'PRAGMA journal_mode = OFF', 'PRAGMA synchronous = OFF', 'PRAGMA foreign_keys = OFF', 'PRAGMA writable_schema = ON', "ATTACH 'a' AS b", "VACUUM main INTO 'x'", 'COMMIT', 'SAVEPOINT s', 'RELEASE s'])(
    'write_query refuses %s',
    (sql) => {
      expect(() => checkWriteStatement(sql, 'write_query')).toThrow(GuardError);
    },
  );

  it('create_table accepts only CREATE TABLE', () => {
    expect(() => checkWriteStatement('CREATE TABLE IF NOT EXISTS t(a)', 'create_table')).not.toThrow();
    expect(() => checkWriteStatement('CREATE INDEX i ON t(a)', 'create_table')).toThrow(/only runs CREATE TABLE/);
    expect(() => checkWriteStatement('DROP TABLE t', 'create_table')).toThrow(/only runs CREATE TABLE/);
  });

  it('execute_script refuses VACUUM (it cannot run inside a transaction)', () => {
    expect(() => checkWriteStatement('VACUUM', 'execute_script')).toThrow(/transaction/);
  });

  it('execute_script refuses setting journal_mode (a transaction keeps the old mode) but lets it be read', () => {
    for (const sql of ['PRAGMA journal_mode = WAL', 'PRAGMA main.journal_mode = delete', 'PRAGMA journal_mode(TRUNCATE)']) {
      expect(() => checkWriteStatement(sql, 'execute_script'), sql).toThrow(/inside a transaction SQLite fails or silently keeps the journal mode/);
    }
    expect(() => checkWriteStatement('PRAGMA journal_mode', 'execute_script')).not.toThrow();
    expect(() => checkWriteStatement('PRAGMA user_version = 2', 'execute_script')).not.toThrow();
  });

  it.each(['CREATE TEMP TABLE t (a)', 'CREATE TEMPORARY TABLE t AS SELECT 1', '/* c */ create temp view v as select 1', 'CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END'])(
    'every writer refuses %s, saying what to do instead',
    (sql) => {
      for (const tool of ['write_query', 'execute_script', 'create_table'] as const) {
        let caught: unknown;
        try {
          checkWriteStatement(sql, tool);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(GuardError);
        expect((caught as GuardError).message).toMatch(new RegExp(`^${tool} refused the statement: it creates a temporary`));
        expect((caught as GuardError).hint).toMatch(/regular table.*CTE.*read_query/);
      }
    },
  );
});

describe('checkExplainStatement', () => {
  it('explains reads and data changes, not ATTACH or DDL', () => {
    expect(() => checkExplainStatement('DELETE FROM t WHERE id = 1')).not.toThrow();
    expect(() => checkExplainStatement("ATTACH 'x' AS y")).toThrow(GuardError);
    expect(() => checkExplainStatement('DROP TABLE t')).toThrow(GuardError);
  });
});

describe('quoteIdentifier', () => {
  it('doubles inner quotes and refuses NUL', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(() => quoteIdentifier('a\0b')).toThrow(GuardError);
  });
});
