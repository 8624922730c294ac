/** The runner pool with real runner processes on real files: time limits, cancellation, crashes, queueing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { ENDLESS_QUERY, isAlive, makeDatabase, sha256, waitFor } from '../test-support/index.js';
import { QueryCancelledError, QueryTimeoutError, RunnerCrashedError, RunnerFailureError, RunnerPool } from './runner-pool.js';

const LIMITS = { maxRows: 100, maxBytes: 100_000 };
let dir: TempDir;
let dbPath: string;
let pool: RunnerPool | undefined;

const read = (sql: string) => ({ op: 'read' as const, sql, params: [], offset: 0, limits: LIMITS });

beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-pool-');
  dbPath = makeDatabase(join(dir.path, 'p.db'), 'CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);');
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await dir.cleanup();
});

function openPool(timeoutMs: number, maxRunners = 2, readOnly = false): RunnerPool {
  pool = new RunnerPool({ settings: { dbPath, readOnly, busyTimeoutMs: 100 }, timeoutMs, maxRunners });
  return pool;
}

describe('RunnerPool', () => {
  it('runs requests in a separate process', async () => {
    const p = openPool(10_000);
    const r = await p.run(read('SELECT sum(x) AS s FROM t'));
    expect(r.rows).toEqual([{ s: 6 }]);
    expect(p.pids()).toHaveLength(1);
    expect(p.pids()[0]).not.toBe(process.pid);
  });

  it('stops a query at its time limit by killing its runner, then serves the next request', async () => {
    const p = openPool(700);
    p.warm();
    await p.run(read('SELECT 1'));
    const [pid] = p.pids();
    await expect(p.run(read(ENDLESS_QUERY))).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(await waitFor(() => !isAlive(pid!))).toBe(true);
    expect((await p.run(read('SELECT count(*) AS n FROM t'))).rows).toEqual([{ n: 3 }]);
    expect(p.pids()).not.toContain(pid);
  });

  it('answers other requests while one query runs', async () => {
    const p = openPool(2000);
    const order: string[] = [];
    const slow = p.run(read(ENDLESS_QUERY)).then(
      () => order.push('slow ok'),
      (e: unknown) => order.push(e instanceof QueryTimeoutError ? 'slow stopped' : 'slow other'),
    );
    const quick = await p.run(read('SELECT 42 AS answer'));
    order.push('quick');
    await slow;
    expect(quick.rows).toEqual([{ answer: 42 }]);
    expect(order).toEqual(['quick', 'slow stopped']);
  });

  it('cancellation kills the running query', async () => {
    const p = openPool(30_000);
    p.warm();
    await p.run(read('SELECT 1'));
    const [pid] = p.pids();
    const controller = new AbortController();
    const running = p.run(read(ENDLESS_QUERY), { signal: controller.signal });
    // Cancel once the request is surely in the runner: a second runner answers in the meantime.
    await p.run(read('SELECT 1'));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError);
    expect(await waitFor(() => !isAlive(pid!))).toBe(true);
  });

  it('queues requests when every runner is busy, and the queue wait counts toward the limit', async () => {
    const p = openPool(1000, 1);
    const slow = p.run(read(ENDLESS_QUERY));
    const queued = p.run(read('SELECT 1'));
    // Both watched at once: they fail at about the same moment. The queued request waited the whole limit too.
    await Promise.all([expect(slow).rejects.toBeInstanceOf(QueryTimeoutError), expect(queued).rejects.toBeInstanceOf(QueryTimeoutError)]);
    const a = p.run(read('SELECT 1 AS a'));
    const b = p.run(read('SELECT 2 AS b'));
    expect([(await a).rows, (await b).rows]).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect(p.size).toBe(1);
  });

  it('a write stopped at its limit changes nothing: the journal rolls it back', async () => {
    const p = openPool(800);
    const before = sha256(dbPath);
    await expect(
      p.run({ op: 'write', tool: 'write_query', sql: 'INSERT INTO t SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)', params: [], limits: LIMITS }),
    ).rejects.toBeInstanceOf(QueryTimeoutError);
    // Whichever runner serves next recovers a hot journal first.
    expect((await p.run(read('SELECT count(*) AS n FROM t'))).rows).toEqual([{ n: 3 }]);
    expect(sha256(dbPath)).toBe(before);
    // A read-only connection can read too: no hot journal is left behind (SQLite may keep a stale,
    // non-hot journal file, as after any crash; the next write reuses and removes it).
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    await p.run({ op: 'write', tool: 'write_query', sql: 'INSERT INTO t VALUES (4)', params: [], limits: LIMITS });
    expect(existsSync(`${dbPath}-journal`)).toBe(false);
    expect((await p.run(read('SELECT count(*) AS n FROM t'))).rows).toEqual([{ n: 4 }]);
  });

  it('reports a runner that died on its own, and replaces it', async () => {
    const p = openPool(30_000);
    p.warm();
    await p.run(read('SELECT 1'));
    const [pid] = p.pids();
    const running = p.run(read(ENDLESS_QUERY));
    await p.run(read('SELECT 1'));
    process.kill(pid!, 'SIGKILL');
    await expect(running).rejects.toBeInstanceOf(RunnerCrashedError);
    expect((await p.run(read('SELECT 7 AS n'))).rows).toEqual([{ n: 7 }]);
  });

  it('reports refusals and SQLite errors as failures, keeping the runner', async () => {
    const p = openPool(10_000, 1);
    await expect(p.run(read('DELETE FROM t'))).rejects.toMatchObject({ failure: { kind: 'refused' } });
    await expect(p.run(read('SELECT * FROM missing'))).rejects.toMatchObject({ failure: { kind: 'sqlite', code: 'SQLITE_ERROR' } });
    await expect(p.run(read('SELECT * FROM missing'))).rejects.toBeInstanceOf(RunnerFailureError);
    expect(p.size).toBe(1);
  });

  it('close() ends every runner process', async () => {
    const p = openPool(30_000);
    const running = p.run(read(ENDLESS_QUERY));
    // Watched from now on: the request fails while close() runs, before close() returns.
    const failed = expect(running).rejects.toBeInstanceOf(Error);
    await p.run(read('SELECT 1'));
    const pids = p.pids();
    expect(pids).toHaveLength(2);
    await p.close();
    await failed;
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
