/** The operations on real database files, in process (the runner process runs exactly these functions). */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { makeDatabase } from '../test-support/index.js';
import { Connections, describeTable, executeScript, explainQuery, exportQuery, listTables, OperationFailure, readQuery, runOperation, toFailure, writeQuery } from './operations.js';
import { GuardError } from './sql-guard.js';

const LIMITS = { maxRows: 1000, maxBytes: 100_000 };

/** The failure an operation throws, as it crosses to the main process. */
function failureOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return toFailure(error);
  }
  throw new Error('expected a failure');
}
const SCHEMA = `
  CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, email TEXT);
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    total REAL CHECK (total >= 0),
    note TEXT
  );
  CREATE INDEX orders_by_customer ON orders(customer_id);
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Lin', NULL);
  INSERT INTO orders (customer_id, total) VALUES (1, 50), (1, 150.5), (2, 300);
`;

let dir: TempDir;
let dbPath: string;
let conns: Connections;

beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-ops-');
  dbPath = makeDatabase(join(dir.path, 'shop.db'), SCHEMA);
  conns = new Connections({ dbPath, readOnly: false, busyTimeoutMs: 100 });
});

afterEach(async () => {
  conns.close();
  await dir.cleanup();
});

describe('readQuery', () => {
  it('returns rows as objects with bound parameters', () => {
    const r = readQuery(conns.ro, 'SELECT id, name FROM customers WHERE name = ?', ['Ada'], 0, LIMITS);
    expect(r).toMatchObject({ columns: ['id', 'name'], rows: [{ id: 1, name: 'Ada' }], hasMore: false, nextOffset: null, truncatedBy: null });
  });

  it('keeps both columns when names repeat, big integers exact, blobs as base64, non-finite reals as text', () => {
    const r = readQuery(conns.ro, "SELECT 1 AS id, 2 AS id, 9007199254740993 AS big, x'00ff' AS b, 9e999 AS inf", [], 0, LIMITS);
    expect(r.columns).toEqual(['id', 'id:2', 'big', 'b', 'inf']);
    expect(r.rows[0]).toEqual({ id: 1, 'id:2': 2, big: '9007199254740993', b: { blob_base64: 'AP8=', bytes: 2 }, inf: 'Infinity' });
  });

  it('caps rows and says where to continue; the next page starts there', () => {
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25) SELECT x FROM c';
    const first = readQuery(conns.ro, sql, [], 0, { maxRows: 10, maxBytes: 100_000 });
    expect(first.rows.map((r) => r.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first).toMatchObject({ hasMore: true, truncatedBy: 'rows', nextOffset: 10 });
    const last = readQuery(conns.ro, sql, [], 20, { maxRows: 10, maxBytes: 100_000 });
    expect(last.rows.map((r) => r.x)).toEqual([21, 22, 23, 24, 25]);
    expect(last).toMatchObject({ hasMore: false, nextOffset: null });
  });

  it('stops at the byte budget, and cuts an oversized single row instead of returning nothing', () => {
    const sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x, printf('%.500c', 'a') AS pad FROM c";
    const r = readQuery(conns.ro, sql, [], 0, { maxRows: 1000, maxBytes: 5000 });
    expect(r.truncatedBy).toBe('bytes');
    expect(Buffer.byteLength(JSON.stringify(r.rows))).toBeLessThanOrEqual(5000);
    expect(r.nextOffset).toBe(r.rows.length);
    const huge = readQuery(conns.ro, "SELECT printf('%.20000c', 'b') AS v", [], 0, { maxRows: 10, maxBytes: 2000 });
    expect(huge.cellsCut).toBe(true);
    expect(huge.rows).toHaveLength(1);
    expect(String(huge.rows[0]!.v)).toMatch(/cut: 20000 characters/);
  });

  it('cuts an oversized value between characters, never inside a surrogate pair, and counts characters as SQLite does', () => {
    // 1200 emoji (2400 UTF-16 units); the prefix shifts where the cut falls, so one of the two lands mid-pair.
    for (const prefix of ['', 'y']) {
      const value = `'${prefix}' || replace(hex(zeroblob(600)), '0', '😀')`;
      const r = readQuery(conns.ro, `SELECT ${value} AS s, length(${value}) AS n`, [], 0, { maxRows: 10, maxBytes: 1000 });
      expect(r.cellsCut).toBe(true);
      const [kept, marker] = String(r.rows[0]!.s).split('…');
      // Whole emoji only: a lone high surrogate (\ud83d) at the end would not match.
      expect(kept).toMatch(new RegExp(`^${prefix}(😀)+$`, 'u'));
      expect(marker).toBe(`[cut: ${r.rows[0]!.n} characters in all]`);
    }
  });

  it('refuses statements SQLite reports as writing even when they start like a read', () => {
    expect(() => readQuery(conns.ro, 'WITH x AS (SELECT 1) DELETE FROM orders', [], 0, LIMITS)).toThrow(GuardError);
    expect(() => readQuery(conns.ro, 'SELECT 1; DELETE FROM orders', [], 0, LIMITS)).toThrow(RangeError);
  });

  it('reports a parameter count mismatch as bad input', () => {
    let caught: unknown;
    try {
      readQuery(conns.ro, 'SELECT ?', [], 0, LIMITS);
    } catch (error) {
      caught = error;
    }
    expect(toFailure(caught)).toMatchObject({ kind: 'input' });
  });

  it('a list cannot fill numbered or named placeholders: every tool that binds says which one and what to pass', () => {
    const refused = (placeholder: string) => ({
      kind: 'input',
      message: expect.stringContaining(`cannot fill ${placeholder} from a list`),
      hint: expect.stringContaining('pass params as an object keyed by placeholder name'),
    });
    expect(failureOf(() => readQuery(conns.ro, 'SELECT ?1, ?1', [1], 0, LIMITS))).toMatchObject(refused('?1'));
    for (const placeholder of [':name', '@name', '$name', '?2']) {
      expect(failureOf(() => readQuery(conns.ro, `SELECT * FROM customers WHERE id = ? OR name = ${placeholder}`, [1, 'Ada'], 0, LIMITS))).toMatchObject(refused(placeholder));
    }
    expect(failureOf(() => writeQuery(conns, 'INSERT INTO customers (name) VALUES (:name)', ['Kim'], 'write_query', LIMITS))).toMatchObject(refused(':name'));
    expect(failureOf(() => explainQuery(conns.ro, 'SELECT * FROM orders WHERE id = ?1', [1]))).toMatchObject(refused('?1'));
    const exportPath = join(dir.path, 'e.csv');
    expect(
      failureOf(() => exportQuery(conns.ro, { op: 'export', sql: 'SELECT @x', params: [1], format: 'csv', tempPath: `${exportPath}.tmp`, finalPath: exportPath, maxRows: 10, maxBytes: 1000 })),
    ).toMatchObject(refused('@x'));
    expect(existsSync(exportPath)).toBe(false);
    expect(readQuery(conns.ro, 'SELECT count(*) AS n FROM customers', [], 0, LIMITS).rows[0]).toEqual({ n: 2 });
    // Placeholder-like text inside strings and quoted names is not a placeholder.
    expect(readQuery(conns.ro, `SELECT '?1 :a' AS "@b", ? AS v`, [7], 0, LIMITS).rows[0]).toEqual({ '@b': '?1 :a', v: 7 });
  });

  it('an object fills named and numbered placeholders by name, in every tool that binds', () => {
    expect(readQuery(conns.ro, 'SELECT name FROM customers WHERE name = :who OR email = @who', { who: 'Lin' }, 0, LIMITS).rows).toEqual([{ name: 'Lin' }]);
    expect(readQuery(conns.ro, 'SELECT ?2 AS b, ?1 AS a, ?1 AS again', { 1: 'x', 2: true }, 0, LIMITS).rows).toEqual([{ b: 1, a: 'x', again: 'x' }]);
    // No space needed after a placeholder, as in SQLite: ?AND is ? then AND; ?1a is ?1 then the alias a.
    expect(readQuery(conns.ro, 'SELECT name FROM customers WHERE id=?AND name=?', [1, 'Ada'], 0, LIMITS).rows).toEqual([{ name: 'Ada' }]);
    expect(readQuery(conns.ro, 'SELECT ?1a', { 1: 'v' }, 0, LIMITS).rows).toEqual([{ a: 'v' }]);
    const written = writeQuery(conns, 'INSERT INTO customers (name, email) VALUES ($name, $email)', { name: 'Kim', email: null }, 'write_query', LIMITS);
    expect(written.changes).toBe(1);
    expect(readQuery(conns.ro, 'SELECT name, email FROM customers WHERE name = :n', { n: 'Kim' }, 0, LIMITS).rows).toEqual([{ name: 'Kim', email: null }]);
    expect(explainQuery(conns.ro, 'SELECT * FROM orders WHERE customer_id = :c', { c: 1 }).length).toBeGreaterThan(0);
    const exportPath = join(dir.path, 'named.csv');
    const exported = exportQuery(conns.ro, { op: 'export', sql: 'SELECT id FROM orders WHERE total > :min ORDER BY id', params: { min: 100 }, format: 'csv', tempPath: `${exportPath}.tmp`, finalPath: exportPath, maxRows: 10, maxBytes: 1000 });
    expect(exported.rows).toBe(2);
    expect(readFileSync(exportPath, 'utf8')).toBe('id\r\n2\r\n3\r\n');
  });

  it('an object that does not fit the placeholders is refused before anything runs, naming what is wrong', () => {
    const before = readFileSync(dbPath);
    expect(failureOf(() => writeQuery(conns, 'UPDATE customers SET email = :email WHERE name = :name', { email: 'x@y' }, 'write_query', LIMITS))).toMatchObject({
      kind: 'input',
      message: 'params has no value for :name',
    });
    expect(failureOf(() => writeQuery(conns, 'DELETE FROM customers WHERE name = :name', { name: 'Ada', nmae: 'Lin' }, 'write_query', LIMITS))).toMatchObject({
      kind: 'input',
      message: 'params names "nmae", which the statement has no placeholder for (it has :name)',
    });
    expect(failureOf(() => readQuery(conns.ro, 'SELECT ? AS a', { a: 1 }, 0, LIMITS))).toMatchObject({ kind: 'input', message: expect.stringContaining('cannot fill a plain ? from an object') });
    expect(failureOf(() => readQuery(conns.ro, 'SELECT ?1, :a', { 1: 1, a: 2 }, 0, LIMITS))).toMatchObject({ kind: 'input', message: expect.stringContaining('mixes numbered (?1) and named (:name)') });
    expect(failureOf(() => readQuery(conns.ro, 'SELECT ?2', { 2: 1 }, 0, LIMITS))).toMatchObject({ kind: 'input', message: expect.stringContaining('from ?1 to ?2 without gaps') });
    expect(failureOf(() => readQuery(conns.ro, 'SELECT 1', { stray: 1 }, 0, LIMITS))).toMatchObject({ kind: 'input', message: 'params names "stray", which the statement has no placeholder for' });
    expect(readQuery(conns.ro, 'SELECT 1 AS one', {}, 0, LIMITS).rows).toEqual([{ one: 1 }]);
    conns.close();
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    conns = new Connections({ dbPath, readOnly: false, busyTimeoutMs: 100 });
  });
});

describe('writeQuery', () => {
  it('reports changes and the last rowid, and RETURNING rows', () => {
    const w = writeQuery(conns, 'INSERT INTO customers (name) VALUES (?)', ['Kim'], 'write_query', LIMITS);
    expect(w).toEqual({ changes: 1, lastInsertRowid: 3 });
    const r = writeQuery(conns, 'UPDATE orders SET total = total + 1 RETURNING id, total', [], 'write_query', LIMITS);
    expect(r.changes).toBe(3);
    expect(r.returning?.rows).toEqual([
      { id: 1, total: 51 },
      { id: 2, total: 151.5 },
      { id: 3, total: 301 },
    ]);
  });

  it('counts zero changes for DDL instead of repeating the previous statement', () => {
    writeQuery(conns, 'DELETE FROM orders', [], 'write_query', LIMITS);
    expect(writeQuery(conns, 'CREATE INDEX customers_email ON customers(email)', [], 'write_query', LIMITS).changes).toBe(0);
  });

  it('refuses a SELECT (read_query is for reads)', () => {
    expect(() => writeQuery(conns, 'SELECT * FROM customers', [], 'write_query', LIMITS)).toThrow(/only read \(SELECT\)/);
  });

  it('enforces foreign keys and constraints, leaving the data as it was', () => {
    expect(() => writeQuery(conns, 'INSERT INTO orders (customer_id, total) VALUES (99, 1)', [], 'write_query', LIMITS)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }));
    expect(() => writeQuery(conns, 'UPDATE orders SET total = -1', [], 'write_query', LIMITS)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_CHECK' }));
    expect(readQuery(conns.ro, 'SELECT sum(total) AS s FROM orders', [], 0, LIMITS).rows[0]).toEqual({ s: 500.5 });
  });

  it('refuses TEMP objects in every spelling, leaving the database and the temp schema as they were', () => {
    const before = readFileSync(dbPath);
    const attempts: [string, 'write_query' | 'create_table'][] = [
      ['CREATE TEMP TABLE tmp1 (x)', 'write_query'],
      ['CREATE TEMPORARY VIEW v1 AS SELECT 1', 'write_query'],
      ['CREATE TEMP TRIGGER tr1 AFTER INSERT ON customers BEGIN SELECT 1; END', 'write_query'],
      ['CREATE TEMP TABLE tmp2 (x)', 'create_table'],
      // Forms the guard does not parse: only SQLite's temp schema tells.
      ['CREATE TABLE temp.tmp3 (x)', 'create_table'],
      ['CREATE TABLE "TEMP".tmp4 AS SELECT * FROM customers', 'write_query'],
      ['CREATE VIEW temp.v2 AS SELECT 1', 'write_query'],
      ['CREATE VIRTUAL TABLE temp.ft USING fts5(body)', 'write_query'],
    ];
    for (const [sql, tool] of attempts) {
      expect(() => writeQuery(conns, sql, [], tool, LIMITS), sql).toThrow(/creates a temporary \(TEMP\) table[\s\S]*read_query reads through another connection/);
      expect(() => runOperation(conns, { op: 'write', sql, params: [], tool, limits: LIMITS, dryRun: true }), `dry run: ${sql}`).toThrow(GuardError);
    }
    const rw = conns.rw();
    expect(rw.inTransaction).toBe(false);
    expect(rw.prepare('SELECT count(*) AS n FROM sqlite_temp_master').get()).toEqual({ n: 0 });
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    // Regular objects still commit.
    writeQuery(conns, 'CREATE TABLE scratch AS SELECT * FROM customers', [], 'write_query', LIMITS);
    expect(readQuery(conns.ro, 'SELECT count(*) AS n FROM scratch', [], 0, LIMITS).rows[0]).toEqual({ n: 2 });
  });

  it('never opens a writer in read-only mode', () => {
    const ro = new Connections({ dbPath, readOnly: true, busyTimeoutMs: 100 });
    try {
      expect(() => writeQuery(ro, 'DELETE FROM orders', [], 'write_query', LIMITS)).toThrow(OperationFailure);
    } finally {
      ro.close();
    }
  });
});

describe('listTables and describeTable', () => {
  it('lists tables then views, without sqlite_ internals', () => {
    writeQuery(conns, 'CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT)', [], 'create_table', LIMITS);
    expect(listTables(conns.ro)).toEqual([
      { name: 'customers', type: 'table' },
      { name: 'orders', type: 'table' },
      { name: 'seq', type: 'table' },
      { name: 'big_orders', type: 'view' },
    ]);
  });

  it('describes columns, indexes, foreign keys and the row count', () => {
    const d = describeTable(conns.ro, 'orders');
    expect(d.type).toBe('table');
    expect(d.rowCount).toBe(3);
    expect(d.columns.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['id', 'INTEGER', false, 1],
      ['customer_id', 'INTEGER', true, 0],
      ['total', 'REAL', false, 0],
      ['note', 'TEXT', false, 0],
    ]);
    expect(d.indexes).toEqual([{ name: 'orders_by_customer', unique: false, origin: 'c', partial: false, columns: ['customer_id'] }]);
    expect(d.foreignKeys).toMatchObject([{ table: 'customers', from: 'customer_id', to: 'id', on_delete: 'CASCADE' }]);
    expect(describeTable(conns.ro, 'CUSTOMERS').indexes[0]).toMatchObject({ unique: true, origin: 'u', columns: ['name'] });
    expect(describeTable(conns.ro, 'big_orders')).toMatchObject({ type: 'view', rowCount: null });
  });

  it('describes a table whose name needs quoting, and treats injection attempts as names', () => {
    writeQuery(conns, 'CREATE TABLE "odd ""name"" ; x" (a)', [], 'create_table', LIMITS);
    expect(describeTable(conns.ro, 'odd "name" ; x').rowCount).toBe(0);
    for (const attempt of ['orders; DROP TABLE orders', 'orders") ; DROP TABLE orders; --', "x' OR 1=1 --", 'orders)']) {
      expect(() => describeTable(conns.ro, attempt)).toThrow(OperationFailure);
    }
    expect(describeTable(conns.ro, 'orders').rowCount).toBe(3);
  });
});

describe('explainQuery', () => {
  it('shows index use without running the statement', () => {
    const plan = explainQuery(conns.ro, 'DELETE FROM orders WHERE customer_id = ?', [1]);
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/orders_by_customer/);
    expect(readQuery(conns.ro, 'SELECT count(*) AS n FROM orders', [], 0, LIMITS).rows[0]).toEqual({ n: 3 });
  });
});

describe('executeScript', () => {
  it('commits all statements, with triggers and SELECT results', () => {
    const r = executeScript(
      conns,
      `CREATE TABLE log (msg TEXT);
       CREATE TRIGGER t_log AFTER INSERT ON customers BEGIN INSERT INTO log VALUES ('added ' || new.name); END;
       INSERT INTO customers (name) VALUES ('Zed'), ('Yu');
       SELECT msg FROM log ORDER BY msg;`,
      false,
      LIMITS,
      100,
    );
    expect(r.committed).toBe(true);
    expect(r.statements.map((s) => s.changes)).toEqual([0, 0, 2, 0]);
    expect(r.statements[3]!.returning?.rows).toEqual([{ msg: 'added Yu' }, { msg: 'added Zed' }]);
    expect(listTables(conns.ro).map((t) => t.name)).toContain('log');
  });

  it('dry run reports the changes and rolls everything back', () => {
    const before = readFileSync(dbPath);
    const r = executeScript(conns, "DELETE FROM orders; INSERT INTO customers (name) VALUES ('Q'); SELECT count(*) AS n FROM orders", true, LIMITS, 100);
    expect(r).toMatchObject({ committed: false, dryRun: true, totalChanges: 4 });
    expect(r.statements[2]!.returning?.rows).toEqual([{ n: 0 }]);
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });

  it('rolls back everything when a later statement fails, naming it', () => {
    const before = readFileSync(dbPath);
    expect(() => executeScript(conns, "INSERT INTO customers (name) VALUES ('New'); INSERT INTO customers (name) VALUES ('Ada')", false, LIMITS, 100)).toThrow(
      /statement 2 .*UNIQUE constraint failed.*rolled back/,
    );
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    expect(conns.rw().inTransaction).toBe(false);
  });

  it('refuses a TEMP object anywhere in the script, naming the statement and rolling everything back', () => {
    const before = readFileSync(dbPath);
    expect(() => executeScript(conns, "INSERT INTO customers (name) VALUES ('T'); CREATE TEMP TABLE staging (x)", false, LIMITS, 100)).toThrow(
      /statement 2 \(CREATE TEMP TABLE staging \(x\)\): execute_script refused the statement: it creates a temporary/,
    );
    expect(() => executeScript(conns, "INSERT INTO customers (name) VALUES ('T'); CREATE TABLE temp.staging (x); INSERT INTO temp.staging VALUES (1)", false, LIMITS, 100)).toThrow(
      /statement 2 \(CREATE TABLE temp\.staging \(x\)\): execute_script refused[\s\S]*whole script was rolled back/,
    );
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    expect(conns.rw().inTransaction).toBe(false);
    expect(conns.rw().prepare('SELECT count(*) AS n FROM sqlite_temp_master').get()).toEqual({ n: 0 });
  });

  it('refuses PRAGMA journal_mode = ... (the script\'s transaction would keep the old mode); write_query changes it', () => {
    const before = readFileSync(dbPath);
    for (const pragma of ['PRAGMA journal_mode = WAL', 'PRAGMA journal_mode(truncate)']) {
      expect(() => executeScript(conns, `INSERT INTO customers (name) VALUES ('P'); ${pragma}`, false, LIMITS, 100)).toThrow(
        /statement 2 .*journal_mode.*inside a transaction SQLite fails or silently keeps the journal mode/,
      );
    }
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    expect(conns.rw().pragma('journal_mode', { simple: true })).toBe('delete');
    // Reading the mode changes nothing and stays allowed.
    expect(executeScript(conns, 'PRAGMA journal_mode', false, LIMITS, 100).statements[0]!.returning?.rows).toEqual([{ journal_mode: 'delete' }]);
    writeQuery(conns, 'PRAGMA journal_mode = WAL', [], 'write_query', LIMITS);
    expect(conns.rw().pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('checks every statement before running any', () => {
    const before = readFileSync(dbPath);
    expect(() => executeScript(conns, "DELETE FROM orders; ATTACH 'x.db' AS x", false, LIMITS, 100)).toThrow(/statement 2 .*ATTACH/);
    expect(() => executeScript(conns, 'DELETE FROM orders; COMMIT; DELETE FROM customers', false, LIMITS, 100)).toThrow(/statement 2/);
    expect(() => executeScript(conns, 'DELETE FROM orders; DELETE FROM orders', false, LIMITS, 1)).toThrow(/at most 1/);
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });
});

describe('exportQuery', () => {
  const exportTo = (name: string, format: 'csv' | 'json', sql = 'SELECT * FROM customers ORDER BY id') => {
    const finalPath = join(dir.path, name);
    return { result: exportQuery(conns.ro, { op: 'export', sql, params: [], format, tempPath: join(dir.path, `.${name}.tmp`), finalPath, maxRows: 100, maxBytes: 1_000_000 }), finalPath };
  };

  it('writes CSV with quoting and JSON, leaving no temporary file', () => {
    writeQuery(conns, `INSERT INTO customers (name, email) VALUES ('Comma, "Quote"', 'line
break')`, [], 'write_query', LIMITS);
    const csv = exportTo('c.csv', 'csv');
    expect(csv.result).toMatchObject({ rows: 3, truncated: false });
    expect(readFileSync(csv.finalPath, 'utf8')).toBe('id,name,email\r\n1,Ada,ada@example.com\r\n2,Lin,\r\n3,"Comma, ""Quote""","line\nbreak"\r\n');
    const json = exportTo('c.json', 'json');
    expect(JSON.parse(readFileSync(json.finalPath, 'utf8'))).toEqual([
      { id: 1, name: 'Ada', email: 'ada@example.com' },
      { id: 2, name: 'Lin', email: null },
      { id: 3, name: 'Comma, "Quote"', email: 'line\nbreak' },
    ]);
    expect(readdirSync(dir.path).sort()).toEqual(['c.csv', 'c.json', 'shop.db']);
  });

  it('never overwrites an existing file', () => {
    exportTo('once.csv', 'csv');
    const before = readFileSync(join(dir.path, 'once.csv'));
    expect(() => exportTo('once.csv', 'csv', 'SELECT 1')).toThrow(OperationFailure);
    expect(readFileSync(join(dir.path, 'once.csv')).equals(before)).toBe(true);
    expect(existsSync(join(dir.path, '.once.csv.tmp'))).toBe(false);
  });

  it('stops at the row ceiling and says so', () => {
    const finalPath = join(dir.path, 'many.json');
    const r = exportQuery(conns.ro, {
      op: 'export',
      sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
      params: [],
      format: 'json',
      tempPath: join(dir.path, '.many.tmp'),
      finalPath,
      maxRows: 500,
      maxBytes: 1_000_000,
    });
    expect(r).toMatchObject({ rows: 500, truncated: true });
    expect(JSON.parse(readFileSync(finalPath, 'utf8'))).toHaveLength(500);
  });
});

describe('recovery after an interrupted write', () => {
  it('a runner started after a killed writer rolls the hot journal back before reading', () => {
    // Simulate a writer that died mid-transaction: copy the file and its journal while a transaction is open.
    const writer = new Database(dbPath);
    writer.exec("BEGIN; DELETE FROM orders; INSERT INTO customers (name) VALUES ('ghost');");
    // Force the change to the file so that a hot journal is needed (spill the page cache).
    writer.pragma('cache_spill = 1');
    writer.pragma('cache_size = 1');
    writer.exec("INSERT INTO customers (name) SELECT 'pad' || value FROM json_each((SELECT json_group_array(x) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c)))");
    const copy = join(dir.path, 'crashed.db');
    const files = readdirSync(dir.path);
    expect(files).toContain('shop.db-journal');
    copyFileSync(dbPath, copy);
    copyFileSync(`${dbPath}-journal`, `${copy}-journal`);
    writer.exec('ROLLBACK');
    writer.close();

    const fresh = new Connections({ dbPath: copy, readOnly: false, busyTimeoutMs: 100 });
    try {
      expect(runOperation(fresh, { op: 'read', sql: 'SELECT count(*) AS n FROM orders', params: [], offset: 0, limits: LIMITS }).rows[0]).toEqual({ n: 3 });
      expect(fresh.ro.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      fresh.close();
    }
    expect(existsSync(`${copy}-journal`)).toBe(false);
  });
});
