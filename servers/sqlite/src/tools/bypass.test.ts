/**
 * The bypass corpus: statements that try to write through read_query, reach other files, load code, corrupt
 * the schema or smuggle a second statement. Each must fail as an isError result, with the database file
 * byte-for-byte unchanged and no file created or removed anywhere under the test folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { textOf } from '@portico/protocol/testing';
import { listTree, makeDatabase, openHarness, sha256, type Harness } from '../test-support/index.js';

let dir: TempDir;
let dbPath: string;
let h: Harness;
/** A path inside the test folder, quoted for SQL ('<dir>' in test names, collected before the folder exists). */
const target = (name: string) => join(dir?.path ?? '<dir>', name).replaceAll("'", "''");

beforeAll(async () => {
  dir = await makeTempDir('portico-sqlite-bypass-');
  dbPath = makeDatabase(
    join(dir.path, 'victim.db'),
    `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, secret TEXT);
     INSERT INTO users (name, secret) VALUES ('ada', 's1'), ('lin', 's2');
     CREATE TABLE audit (msg TEXT);`,
  );
  mkdirSync(join(dir.path, 'exports'));
  h = await openHarness(dbPath, { exportDir: join(dir.path, 'exports') });
});

afterAll(async () => {
  await h.close();
  await dir.cleanup();
});

type Case = [tool: string, args: () => Record<string, unknown>, expected: RegExp];

const q = (query: string) => () => ({ query });

const corpus: Case[] = [
  // Reaching other files.
  ['read_query', () => ({ query: `ATTACH DATABASE '${target('evil.db')}' AS evil` }), /refused ATTACH/],
  ['read_query', () => ({ query: `  /* hi */ attach '${target('evil2.db')}' as e` }), /refused ATTACH/],
  ['read_query', q('DETACH DATABASE main'), /refused DETACH/],
  ['read_query', () => ({ query: `VACUUM INTO '${target('copy.db')}'` }), /VACUUM INTO/],
  ['read_query', () => ({ query: `vacuum main into '${target('copy2.db')}'` }), /VACUUM INTO/],
  ['write_query', () => ({ query: `ATTACH '${target('w.db')}' AS w` }), /refused ATTACH/],
  ['write_query', () => ({ query: `VACUUM INTO '${target('w2.db')}'` }), /VACUUM INTO/],
  ['execute_script', () => ({ script: `INSERT INTO audit VALUES ('x'); ATTACH '${target('s.db')}' AS s; INSERT INTO s.t VALUES (1)` }), /statement 2 .*ATTACH/],
  ['read_query', () => ({ query: `SELECT writefile('${target('w.txt')}', 'x')` }), /no such function: writefile/],
  // Loading native code.
  ['read_query', q("SELECT load_extension('/tmp/evil.so')"), /extensions is disabled/],
  ['read_query', q('SELECT "load_extension"(\'/tmp/evil.so\')'), /extensions is disabled/],
  ['read_query', q("SELECT [LOAD_EXTENSION]('/tmp/evil.so', 'entry')"), /extensions is disabled/],
  ['read_query', q("SELECT 1 UNION SELECT load_extension('x')"), /extensions is disabled/],
  ['write_query', q("SELECT load_extension('x')"), /extensions is disabled/],
  ['read_query', q("SELECT fts3_tokenizer('simple')"), /fts3_tokenizer/],
  // Schema corruption and unsafe settings.
  ['read_query', q('PRAGMA writable_schema = ON'), /writable_schema/],
  ['write_query', q('PRAGMA writable_schema=1'), /writable_schema/],
  ['write_query', q("UPDATE sqlite_master SET sql = 'CREATE TABLE users (x)' WHERE name = 'users'"), /may not be modified|not authorized|readonly|read-only/i],
  ['write_query', q('PRAGMA schema_version = 1'), /refused PRAGMA schema_version/],
  ['write_query', q('PRAGMA journal_mode = OFF'), /journal_mode = OFF/],
  ['write_query', q('PRAGMA synchronous = OFF'), /refused PRAGMA synchronous/],
  ['write_query', q('PRAGMA foreign_keys = OFF'), /refused PRAGMA foreign_keys/],
  ['read_query', q('PRAGMA user_version = 42'), /refused PRAGMA/],
  ['read_query', q('PRAGMA query_only = 0'), /refused PRAGMA/],
  ['read_query', q('SELECT * FROM sqlite_dbpage'), /sqlite_dbpage/],
  // Writes disguised as reads.
  ['read_query', q("INSERT INTO users (name) VALUES ('x') RETURNING id"), /only runs SELECT/],
  ['read_query', q('WITH x AS (SELECT 1) DELETE FROM users'), /not a read-only query/],
  ['read_query', q("WITH x AS (SELECT 1) INSERT INTO users (name) SELECT 'y' FROM x RETURNING *"), /not a read-only query/],
  ['read_query', q("WITH x AS (SELECT 1) UPDATE users SET secret = 'pwned' RETURNING secret"), /not a read-only query/],
  ['read_query', q('DELETE FROM users'), /only runs SELECT/],
  ['read_query', q("UPDATE users SET name = 'x'"), /only runs SELECT/],
  ['read_query', q("REPLACE INTO users VALUES (1, 'x', 'y')"), /only runs SELECT/],
  ['read_query', q('CREATE TEMP TABLE t AS SELECT 1'), /only runs SELECT/],
  ['read_query', q('CREATE TABLE z (a)'), /only runs SELECT/],
  ['read_query', q('DROP TABLE users'), /only runs SELECT/],
  ['read_query', q('ANALYZE'), /only runs SELECT/],
  ['read_query', q('EXPLAIN DELETE FROM users'), /refused EXPLAIN/],
  ['read_query', q('-- SELECT\nDELETE FROM users'), /only runs SELECT/],
  // Stacked statements.
  ['read_query', q('SELECT 1; DROP TABLE users'), /more than one statement/],
  ['read_query', q("SELECT 1; ATTACH 'x' AS y"), /more than one statement/],
  ['read_query', q('SELECT 1 /* ; */ ; DELETE FROM users'), /more than one statement/],
  ['read_query', q('VALUES (1); DELETE FROM users'), /more than one statement/],
  ['read_query', q("SELECT ';'; UPDATE users SET secret = NULL"), /more than one statement/],
  ['write_query', q('DELETE FROM audit; DROP TABLE users'), /more than one statement/],
  ['explain_query', q('SELECT 1; DELETE FROM users'), /more than one statement/],
  // Transaction control that would hold locks or split a statement's effects.
  ['read_query', q('BEGIN IMMEDIATE'), /refused BEGIN/],
  ['write_query', q('SAVEPOINT s'), /refused SAVEPOINT/],
  ['execute_script', () => ({ script: "INSERT INTO audit VALUES ('a'); COMMIT; DELETE FROM users" }), /statement 2 .*COMMIT/],
  ['execute_script', () => ({ script: 'VACUUM' }), /cannot run inside a transaction/],
  // Identifier injection.
  ['describe_table', () => ({ table_name: 'users; DROP TABLE users' }), /no table or view named/],
  ['describe_table', () => ({ table_name: 'users") ; DROP TABLE users; --' }), /no table or view named/],
  ['describe_table', () => ({ table_name: "x' OR 1=1 --" }), /no table or view named/],
  ['describe_table', () => ({ table_name: 'users)' }), /no table or view named/],
  ['describe_table', () => ({ table_name: 'sqlite_master' }), /no table or view named/],
  // Exports that try to leave the export folder or overwrite.
  ['export_query', () => ({ query: 'SELECT * FROM users', filename: '../victim.db.csv' }), /not a plain file name/],
  ['export_query', () => ({ query: 'SELECT * FROM users', filename: `${dir?.path ?? '<dir>'}/abs.csv` }), /not a plain file name/],
  ['export_query', () => ({ query: 'DELETE FROM users', filename: 'gone.csv' }), /only runs SELECT/],
];

describe('bypass corpus', () => {
  it('has at least 30 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  const cases = corpus.map(([tool, args, expected], i) => ({ n: i + 1, tool, args, expected, label: String(Object.values(args())[0] ?? '').replace(/\s+/g, ' ').slice(0, 70) }));

  it.each(cases)('#$n $tool refuses: $label', async ({ tool, args, expected }) => {
    const hashBefore = sha256(dbPath);
    const treeBefore = listTree(dir.path);
    const result = await h.client.callTool(tool, args());
    expect(result.isError, textOf(result)).toBe(true);
    expect(textOf(result)).toMatch(expected);
    expect(sha256(dbPath)).toBe(hashBefore);
    expect(listTree(dir.path)).toEqual(treeBefore);
  });

  it('harmless look-alikes still work and change nothing', async () => {
    const hashBefore = sha256(dbPath);
    const treeBefore = listTree(dir.path);
    const lookalikes = [
      { query: "SELECT 'ATTACH DATABASE x; DROP TABLE users' AS text" },
      { query: 'SELECT name FROM users WHERE name = ?', params: ["ada'; DROP TABLE users; --"] },
      { query: 'SELECT name FROM users -- ; DELETE FROM users' },
      { query: "SELECT * FROM pragma_table_info('users')" },
    ];
    for (const args of lookalikes) {
      const r = await h.client.callTool('read_query', args);
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    expect(sha256(dbPath)).toBe(hashBefore);
    expect(listTree(dir.path)).toEqual(treeBefore);
    const users = await h.client.callTool('read_query', { query: 'SELECT name, secret FROM users ORDER BY id' });
    expect(users.structuredContent).toMatchObject({ rows: [{ name: 'ada', secret: 's1' }, { name: 'lin', secret: 's2' }] });
  });
});
