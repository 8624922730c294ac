/**
 * A health report built from the statistics views: connections, cache hit ratio, long-running queries,
 * blocking locks, unused, duplicate and invalid indexes, and tables that need a vacuum. Each check stands
 * alone: one the role may not read becomes "unavailable" instead of failing the whole report.
 */
import type { Session } from './database.js';
import { presentableQuery } from './top-queries.js';
import { SYSTEM_SCHEMA_FILTER } from './catalog.js';

export type HealthCheckName = 'connections' | 'cache' | 'long_running' | 'blocking' | 'indexes' | 'vacuum';
export const HEALTH_CHECKS: HealthCheckName[] = ['connections', 'cache', 'long_running', 'blocking', 'indexes', 'vacuum'];

export interface HealthCheck {
  check: HealthCheckName;
  status: 'ok' | 'warning' | 'critical' | 'unavailable';
  summary: string;
  details: Record<string, unknown>[];
}

export interface HealthOptions {
  checks: HealthCheckName[];
  longRunningSeconds: number;
  schemas?: readonly string[] | undefined;
}

const MAX_DETAILS = 25;

export async function analyzeHealth(session: Session, options: HealthOptions): Promise<HealthCheck[]> {
  const results: HealthCheck[] = [];
  for (const check of options.checks) {
    // A savepoint per check: a check this role may not run must not abort the ones after it.
    await session.query('SAVEPOINT health_check');
    try {
      results.push(await RUNNERS[check](session, options));
      await session.query('RELEASE SAVEPOINT health_check');
    } catch (error) {
      await session.query('ROLLBACK TO SAVEPOINT health_check');
      results.push({ check, status: 'unavailable', summary: `could not run: ${(error as Error).message}`, details: [] });
    }
  }
  return results;
}

const schemaParam = (options: HealthOptions) => options.schemas ?? null;

const RUNNERS: Record<HealthCheckName, (session: Session, options: HealthOptions) => Promise<HealthCheck>> = {
  async connections(session) {
    const { rows } = await session.query<{ total: number; active: number; idle: number; idleInTransaction: number; max: number; reserved: number }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE state = 'idle')::int AS idle,
              count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS "idleInTransaction",
              current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS reserved
         FROM pg_stat_activity WHERE backend_type = 'client backend'`,
    );
    const r = rows[0]!;
    const usable = Math.max(1, r.max - r.reserved);
    const used = r.total / usable;
    const status = used >= 0.9 ? 'critical' : used >= 0.75 || r.idleInTransaction > 5 ? 'warning' : 'ok';
    return {
      check: 'connections',
      status,
      summary: `${r.total} of ${usable} usable connections in use (${Math.round(used * 100)}%); ${r.active} active, ${r.idleInTransaction} idle in transaction.`,
      details: [r],
    };
  },

  async cache(session, options) {
    const db = await session.query<{ hit: number; read: number }>(
      `SELECT blks_hit::float8 AS hit, blks_read::float8 AS read FROM pg_stat_database WHERE datname = current_database()`,
    );
    const tables = await session.query<{ schema: string; table: string; ratio: number; reads: number }>(
      `SELECT s.schemaname AS schema, s.relname AS table,
              s.heap_blks_hit::float8 / NULLIF(s.heap_blks_hit + s.heap_blks_read, 0) AS ratio, s.heap_blks_read::float8 AS reads
         FROM pg_statio_user_tables s JOIN pg_namespace n ON n.nspname = s.schemaname
        WHERE s.heap_blks_hit + s.heap_blks_read > 100 AND ($1::text[] IS NULL OR s.schemaname = ANY($1::text[])) AND ${SYSTEM_SCHEMA_FILTER}
        ORDER BY ratio ASC NULLS LAST LIMIT ${MAX_DETAILS}`,
      [schemaParam(options)],
    );
    const { hit, read } = db.rows[0] ?? { hit: 0, read: 0 };
    const ratio = hit + read > 0 ? hit / (hit + read) : null;
    const status = ratio === null ? 'ok' : ratio < 0.9 ? 'critical' : ratio < 0.99 ? 'warning' : 'ok';
    return {
      check: 'cache',
      status,
      summary: ratio === null ? 'no block reads recorded yet.' : `buffer cache hit ratio ${(ratio * 100).toFixed(2)}% (aim for 99% or more on a warm database).`,
      details: [{ database: true, ratio, hits: hit, reads: read }, ...tables.rows.filter((t) => t.ratio !== null && t.ratio < 0.99)],
    };
  },

  async long_running(session, options) {
    const { rows } = await session.query<{ pid: number; user: string | null; state: string | null; seconds: number; waitEvent: string | null; query: string | null }>(
      `SELECT pid, usename AS user, state, extract(epoch FROM now() - query_start)::float8 AS seconds,
              wait_event_type || ':' || wait_event AS "waitEvent", query
         FROM pg_stat_activity
        WHERE state IS DISTINCT FROM 'idle' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND query_start < now() - make_interval(secs => $1)
        ORDER BY query_start LIMIT ${MAX_DETAILS}`,
      [options.longRunningSeconds],
    );
    const details = rows.map((r) => ({ ...r, query: presentableQuery(r.query) }));
    return {
      check: 'long_running',
      status: rows.length === 0 ? 'ok' : rows.some((r) => r.seconds > 3600) ? 'critical' : 'warning',
      summary: rows.length === 0 ? `no statement has run longer than ${options.longRunningSeconds} s.` : `${rows.length} statement(s) running longer than ${options.longRunningSeconds} s.`,
      details,
    };
  },

  async blocking(session) {
    const { rows } = await session.query<{ pid: number; blockedBy: number[]; seconds: number; query: string | null }>(
      `SELECT pid, pg_blocking_pids(pid) AS "blockedBy", extract(epoch FROM now() - query_start)::float8 AS seconds, query
         FROM pg_stat_activity
        WHERE cardinality(pg_blocking_pids(pid)) > 0
        ORDER BY query_start LIMIT ${MAX_DETAILS}`,
    );
    return {
      check: 'blocking',
      status: rows.length === 0 ? 'ok' : 'warning',
      summary: rows.length === 0 ? 'no session is waiting for a lock held by another.' : `${rows.length} session(s) are blocked by others' locks.`,
      details: rows.map((r) => ({ ...r, query: presentableQuery(r.query) })),
    };
  },

  async indexes(session, options) {
    const unused = await session.query<{ schema: string; table: string; index: string; sizeBytes: number }>(
      `SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS index, pg_relation_size(s.indexrelid)::float8 AS "sizeBytes"
         FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid JOIN pg_namespace n ON n.nspname = s.schemaname
        WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
          AND ($1::text[] IS NULL OR s.schemaname = ANY($1::text[])) AND ${SYSTEM_SCHEMA_FILTER}
        ORDER BY pg_relation_size(s.indexrelid) DESC LIMIT ${MAX_DETAILS}`,
      [schemaParam(options)],
    );
    const duplicates = await session.query<{ schema: string; table: string; indexes: string[]; sizeBytes: number }>(
      `SELECT n.nspname AS schema, c.relname AS table, array_agg(ic.relname::text ORDER BY ic.relname) AS indexes,
              sum(pg_relation_size(i.indexrelid))::float8 AS "sizeBytes"
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE ($1::text[] IS NULL OR n.nspname = ANY($1::text[])) AND ${SYSTEM_SCHEMA_FILTER}
        GROUP BY n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
                 coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
       HAVING count(*) > 1
        ORDER BY 4 DESC LIMIT ${MAX_DETAILS}`,
      [schemaParam(options)],
    );
    const invalid = await session.query<{ schema: string; table: string; index: string }>(
      `SELECT n.nspname AS schema, c.relname AS table, ic.relname AS index
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE NOT i.indisvalid AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[])) AND ${SYSTEM_SCHEMA_FILTER}
        LIMIT ${MAX_DETAILS}`,
      [schemaParam(options)],
    );
    const details = [
      ...duplicates.rows.map((d) => ({ problem: 'duplicate', ...d })),
      ...invalid.rows.map((d) => ({ problem: 'invalid', ...d })),
      ...unused.rows.map((d) => ({ problem: 'unused', ...d })),
    ];
    const parts = [`${duplicates.rows.length} duplicate set(s)`, `${invalid.rows.length} invalid`, `${unused.rows.length} never scanned since statistics were reset`];
    return {
      check: 'indexes',
      status: duplicates.rows.length || invalid.rows.length ? 'warning' : 'ok',
      summary: `indexes: ${parts.join(', ')}.${unused.rows.length ? ' Unused indexes cost writes; check on a replica too before dropping.' : ''}`,
      details,
    };
  },

  async vacuum(session, options) {
    const { rows } = await session.query<{ schema: string; table: string; deadTuples: number; liveTuples: number; deadRatio: number; lastAutovacuum: string | null }>(
      `SELECT s.schemaname AS schema, s.relname AS table, s.n_dead_tup::float8 AS "deadTuples", s.n_live_tup::float8 AS "liveTuples",
              s.n_dead_tup::float8 / NULLIF(s.n_live_tup + s.n_dead_tup, 0) AS "deadRatio", s.last_autovacuum::text AS "lastAutovacuum"
         FROM pg_stat_user_tables s JOIN pg_namespace n ON n.nspname = s.schemaname
        WHERE s.n_dead_tup > 1000 AND s.n_dead_tup::float8 / NULLIF(s.n_live_tup + s.n_dead_tup, 0) > 0.2
          AND ($1::text[] IS NULL OR s.schemaname = ANY($1::text[])) AND ${SYSTEM_SCHEMA_FILTER}
        ORDER BY s.n_dead_tup DESC LIMIT ${MAX_DETAILS}`,
      [schemaParam(options)],
    );
    return {
      check: 'vacuum',
      status: rows.length ? 'warning' : 'ok',
      summary: rows.length ? `${rows.length} table(s) have more than 20% dead rows.` : 'no table has a large share of dead rows.',
      details: rows,
    };
  },
};
