/**
 * The pipelined read path (Database.readStatement and PipelinedRead) on a real PostgreSQL: the transaction
 * settings, rollback, caps, errors mid-stream and calls abandoned between batches.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, makeDeps, type DepsHandle, type Fixture } from '../test-support/fixtures.js';
import { parseConnectionUrl } from './connection.js';
import { Database } from './database.js';
import { DbError } from './errors.js';
import { PipelinedRead } from './pipelined-read.js';

let fixture: Fixture;
/** One connection only: a connection left in a bad state would fail (or hang) the next call. */
let handle: DepsHandle;

beforeAll(async () => {
  fixture = await createFixture('database');
  handle = await makeDeps(fixture.readOnlyUrl, { 'pool-size': '1', 'statement-timeout': '1234', schema: ['sales', 'public'] });
});

afterAll(async () => {
  await handle?.close();
  await fixture?.close();
});

const read = (sql: string, options: { maxRows?: number; maxBytes?: number; offset?: number; signal?: AbortSignal } = {}) =>
  handle.deps.db.readStatement(sql, { maxRows: options.maxRows ?? 1000, maxBytes: options.maxBytes ?? 1_000_000, offset: options.offset ?? 0, ...(options.signal ? { signal: options.signal } : {}) });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the read to fail');
}

describe('readStatement', () => {
  it('runs the statement in a read-only transaction with the SET LOCAL settings, which end with it', async () => {
    const result = await read(
      `SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st,
              current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it,
              current_setting('search_path') AS sp`,
    );
    expect(result.rows).toEqual([{ ro: 'on', st: '1234ms', lt: '1234ms', it: '15s', sp: 'sales, public' }]);
    expect(result).toMatchObject({ truncated: false, command: 'SELECT', rowCount: 1 });
    // Same (only) connection, outside any transaction: the settings were local to the transaction.
    const client = await handle.deps.db.pool.connect();
    try {
      const shown = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(shown.rows[0]!.statement_timeout).toBe('0');
    } finally {
      client.release();
    }
  });

  it('is read-only by its own BEGIN READ ONLY, not only by the connection default', async () => {
    // --allow-write: the connection itself defaults to read-write.
    const writable = await makeDeps(fixture.url, { 'allow-write': true, 'pool-size': '1' });
    try {
      const shown = await writable.deps.db.readStatement("SELECT current_setting('transaction_read_only') AS ro", { maxRows: 10, maxBytes: 10_000 });
      expect(shown.rows).toEqual([{ ro: 'on' }]);
      const error = await failure(writable.deps.db.readStatement("SELECT nextval('public.invoice_seq')", { maxRows: 10, maxBytes: 10_000 }));
      expect((error as DbError).code).toBe('read_only');
    } finally {
      await writable.close();
    }
  });

  it('cuts a statement by the SET LOCAL timeout even when the connection default is longer', async () => {
    const url = new URL(fixture.readOnlyUrl);
    url.searchParams.set('options', '-c statement_timeout=600000');
    const slow = await makeDeps(url.toString(), { 'statement-timeout': '300', 'pool-size': '1' });
    try {
      const error = await failure(slow.deps.db.readStatement('SELECT pg_sleep(20)', { maxRows: 10, maxBytes: 10_000 }));
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).code).toBe('timeout');
      const ok = await slow.deps.db.readStatement("SELECT current_setting('statement_timeout') AS st", { maxRows: 10, maxBytes: 10_000 });
      expect(ok.rows).toEqual([{ st: '300ms' }]);
    } finally {
      await slow.close();
    }
  });

  it('returns a huge result capped by rows, then by bytes, and continues at an offset', async () => {
    // In the select list the set-returning function streams (in FROM it would first build all 50 million rows).
    const byRows = await read('SELECT generate_series(1, 50000000) AS g', { maxRows: 10 });
    expect(byRows.rows).toHaveLength(10);
    expect(byRows).toMatchObject({ truncated: true, truncatedBy: 'rows', command: null });
    const byBytes = await read("SELECT g, repeat('x', 100) AS pad FROM (SELECT generate_series(1, 50000000) AS g) s", { maxBytes: 5_000 });
    expect(byBytes.truncatedBy).toBe('bytes');
    expect(byBytes.rows.length).toBeGreaterThan(10);
    expect(byBytes.rows.length).toBeLessThan(60);
    const later = await read('SELECT generate_series(1, 50000000) AS g', { maxRows: 3, offset: 12_345 });
    expect(later.rows).toEqual([{ g: 12_346 }, { g: 12_347 }, { g: 12_348 }]);
    const past = await read('SELECT g FROM generate_series(1, 300) g', { offset: 5_000 });
    expect(past).toMatchObject({ rows: [], truncated: false, command: 'SELECT' });
    const empty = await read('SELECT g FROM generate_series(1, 0) g');
    expect(empty).toMatchObject({ rows: [], columns: [{ name: 'g', type: 'int4' }], truncated: false, command: 'SELECT', rowCount: 0 });
  });

  it('reports an error raised by the server before or between batches, and the connection stays usable', async () => {
    const unknown = await failure(read('SELECT * FROM public.nope'));
    expect((unknown as DbError).code).toBe('undefined_object');
    // Row 500 divides by zero: the first batches arrived, a later one fails.
    const midway = await failure(read('SELECT 1 / (g - 500) AS x FROM generate_series(1, 1000) g'));
    expect((midway as DbError).code).toBe('data_error');
    expect((await read('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
  });

  it('rolls back and frees the connection when the call is abandoned between batches', async () => {
    let checks = 0;
    // Aborted by the time the second batch would be asked for.
    const signal = {
      aborted: false,
      addEventListener() {},
      removeEventListener() {},
      throwIfAborted() {
        checks += 1;
        if (checks > 1) throw new DOMException('This operation was aborted', 'AbortError');
      },
    } as unknown as AbortSignal;
    const error = await failure(read('SELECT generate_series(1, 50000000) AS g', { signal }));
    expect((error as Error).name).toBe('AbortError');
    expect(checks).toBe(2);
    // The only connection is back in the pool, outside any transaction (a portal left open would make this wait
    // forever; an aborted transaction would refuse it).
    expect((await read("SELECT current_setting('statement_timeout') AS st, 3 AS ok")).rows).toEqual([{ st: '1234ms', ok: 3 }]);
  });
});

describe('values', () => {
  it('keeps float NaN and infinities apart from NULL, also inside arrays', async () => {
    const result = await read(
      "SELECT 'NaN'::float8 AS a, NULL::float8 AS b, 'Infinity'::float4 AS c, '-Infinity'::float8 AS d, 1.5::float8 AS e, ARRAY['NaN'::float8, 1, '-Infinity', NULL] AS f, ARRAY['Infinity'::float4] AS g",
    );
    expect(result.rows).toEqual([{ a: 'NaN', b: null, c: 'Infinity', d: '-Infinity', e: 1.5, f: ['NaN', 1, '-Infinity', null], g: ['Infinity'] }]);
  });

  it('returns json/jsonb holding numbers beyond a double as their text, other json as JSON values', async () => {
    const result = await read(
      `SELECT '{"a": 12345678901234567890}'::jsonb AS big, '[9007199254740993]'::json AS big_json, '{"a": 1, "s": "12345678901234567890"}'::jsonb AS normal,
              ARRAY['{"n": 9007199254740993}'::jsonb, '{"n": 2}'::jsonb] AS arr`,
    );
    expect(result.rows).toEqual([{ big: '{"a": 12345678901234567890}', big_json: '[9007199254740993]', normal: { a: 1, s: '12345678901234567890' }, arr: ['{"n": 9007199254740993}', { n: 2 }] }]);
  });

  it('keeps a single row with a huge json or array value within the byte budget, marked as cut', async () => {
    const budget = 200_000;
    const jsonAgg = await read("SELECT json_agg(t) AS j FROM (SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 5000) g) t", { maxBytes: budget });
    expect(jsonAgg.rows).toHaveLength(1);
    expect(Buffer.byteLength(JSON.stringify(jsonAgg.rows))).toBeLessThanOrEqual(budget + 100);
    expect(jsonAgg.cellsCut).toBe(1);
    expect(jsonAgg.rows[0]!.j as string).toMatch(/^\[\{"id":1,"pad":"x+"\},\{"id":2,/);
    expect(jsonAgg.rows[0]!.j as string).toMatch(/… \[cut: JSON text of \d+ characters in total\]$/);
    const arrayAgg = await read("SELECT 1 AS n, array_agg(repeat('z', 9000)) AS a FROM generate_series(1, 2000)", { maxBytes: budget });
    expect(Buffer.byteLength(JSON.stringify(arrayAgg.rows))).toBeLessThanOrEqual(budget + 100);
    expect(arrayAgg.rows[0]!.n).toBe(1);
    expect(arrayAgg.rows[0]!.a as string).toMatch(/^\["z+","z+",/);
    // Many long text cells in one row are all cut, to fit together.
    const wide = await read(`SELECT ${Array.from({ length: 40 }, (_, i) => `repeat('w', 9000) AS c${i}`).join(', ')}`, { maxBytes: budget });
    expect(Buffer.byteLength(JSON.stringify(wide.rows))).toBeLessThanOrEqual(budget + 100);
    expect(wide.cellsCut).toBe(40);
    // A later row that does not fit is left for the next page, where it comes first and is cut.
    const paged = await read("SELECT g, CASE WHEN g = 2 THEN repeat('q', 9000) END AS t, CASE WHEN g = 2 THEN json_build_array(repeat('p', 300000)) END AS j FROM generate_series(1, 3) g", { maxBytes: budget });
    expect(paged).toMatchObject({ rows: [{ g: 1, t: null, j: null }], truncatedBy: 'bytes' });
    const next = await read("SELECT g, CASE WHEN g = 2 THEN repeat('q', 9000) END AS t, CASE WHEN g = 2 THEN json_build_array(repeat('p', 300000)) END AS j FROM generate_series(1, 3) g", { maxBytes: budget, offset: 1 });
    expect(next.rows[0]!.t).toBe('q'.repeat(9000));
    expect(Buffer.byteLength(JSON.stringify(next.rows))).toBeLessThanOrEqual(budget + 100);
  });

  it('cuts a long value before a surrogate pair rather than through it', async () => {
    const result = await read("SELECT repeat('y', 9999) || '😀' AS s, '😀' || repeat('y', 9999) AS t");
    const { s, t } = result.rows[0] as { s: string; t: string };
    expect(s).toBe(`${'y'.repeat(9999)}… [cut: 10001 characters in total]`);
    expect(t.startsWith('😀')).toBe(true);
    expect(t).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('a busy pool', () => {
  it('says that every connection is busy, not that the database is unreachable', async () => {
    const db = new Database({ connectionString: fixture.readOnlyUrl, target: parseConnectionUrl(fixture.readOnlyUrl).target, poolSize: 1, statementTimeoutMs: 5_000, connectTimeoutMs: 300 });
    const held = await db.pool.connect();
    try {
      const error = await failure(db.readStatement('SELECT 1', { maxRows: 10, maxBytes: 10_000 }));
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).code).toBe('pool_busy');
      expect((error as DbError).message).toMatch(/^the one connection of this server to PostgreSQL at 127\.0\.0\.1:\d+\/\S+ as ro_\w+ is busy with other calls; none came free within 300 ms\.$/);
      expect((error as DbError).hint).toMatch(/call again in a moment.*--pool-size \(now 1\)/);
      const viaTransaction = await failure(db.read((session) => session.query('SELECT 1')));
      expect((viaTransaction as DbError).code).toBe('pool_busy');
    } finally {
      held.release();
    }
    expect((await db.readStatement('SELECT 1 AS ok', { maxRows: 10, maxBytes: 10_000 })).rows).toEqual([{ ok: 1 }]);
    await db.close();
  });
});

describe('PipelinedRead', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: fixture.readOnlyUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
  });

  it('confirms BEGIN, hands out rows in batches of the size asked for, and ends with a confirmed ROLLBACK', async () => {
    const pipeline = new PipelinedRead(['BEGIN READ ONLY', 'SET LOCAL statement_timeout = 5000'], 'SELECT g FROM generate_series(1, 10) g');
    client.query(pipeline);
    const first = await pipeline.read(4);
    expect(pipeline.begun).toBe(true);
    expect(first).toMatchObject({ rows: [[1], [2], [3], [4]], done: false, command: null });
    expect(first.fields?.map((f) => f.name)).toEqual(['g']);
    const second = await pipeline.read(4);
    expect(second.rows).toEqual([[5], [6], [7], [8]]);
    const last = await pipeline.read(4);
    expect(last).toMatchObject({ rows: [[9], [10]], done: true, command: 'SELECT' });
    await pipeline.close();
    expect(pipeline.rolledBack).toBe(true);
    expect((await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout).toBe('0');
  });

  it('never asks for an unbounded batch', async () => {
    const pipeline = new PipelinedRead(['BEGIN READ ONLY'], 'SELECT 1');
    client.query(pipeline);
    await expect(pipeline.read(0)).rejects.toThrow(RangeError);
    await expect(pipeline.read(1.5)).rejects.toThrow(RangeError);
    expect((await pipeline.read(1)).rows).toEqual([[1]]);
    await pipeline.close();
    expect(pipeline.rolledBack).toBe(true);
  });

  it('runs nothing after a setup statement fails', async () => {
    // A superuser connection, read-write, and a statement with an effect no rollback undoes (nextval): if the
    // server ran it after the failed setup statement, the sequence would have moved.
    const su = new pg.Client({ connectionString: fixture.url });
    await su.connect();
    try {
      const before = (await su.query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM public.invoice_seq')).rows[0];
      const pipeline = new PipelinedRead(['BEGIN', 'SET LOCAL no_such_setting_at_all = 1'], "SELECT nextval('public.invoice_seq') AS n");
      su.query(pipeline);
      const error = await failure(pipeline.read(10));
      expect((error as { code?: string }).code).toBe('42704');
      await pipeline.close();
      expect(pipeline.rolledBack).toBe(false);
      await su.query('ROLLBACK');
      const after = (await su.query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM public.invoice_seq')).rows[0];
      expect(after).toEqual(before);
      // Same statement with a setup that succeeds: now it does run (so the check above can tell).
      const ok = new PipelinedRead(['BEGIN'], "SELECT nextval('public.invoice_seq') AS n");
      su.query(ok);
      expect((await ok.read(10)).rows).toHaveLength(1);
      await ok.close();
      const moved = (await su.query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM public.invoice_seq')).rows[0];
      expect(moved).not.toEqual(before);
    } finally {
      await su.end();
    }
  });
});
