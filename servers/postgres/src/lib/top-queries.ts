/**
 * The most expensive statements of this database, from pg_stat_statements when it is installed.
 * Query texts are cut, and texts that mention a password (utility statements keep their literals) are hidden.
 */
import type { Session } from './database.js';
import { DbError } from './errors.js';
import { quoteIdentifier } from './database.js';

export type TopQueriesOrder = 'total_time' | 'mean_time' | 'calls' | 'rows';

export interface TopQuery {
  queryId: string | null;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of buffer reads served from shared buffers, 0..1; null when no buffers were touched. */
  cacheHitRatio: number | null;
}

const ORDER_COLUMN: Record<TopQueriesOrder, string> = {
  total_time: 'total_exec_time',
  mean_time: 'mean_exec_time',
  calls: 'calls',
  rows: 'rows',
};

const MAX_QUERY_CHARS = 2_000;

export async function topQueries(session: Session, options: { orderBy: TopQueriesOrder; limit: number }): Promise<TopQuery[]> {
  const ext = await session.query<{ schema: string }>(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  const schema = ext.rows[0]?.schema;
  if (!schema) {
    throw new DbError(
      'pg_stat_statements is not installed in this database, so there are no query statistics to show.',
      'undefined_object',
      "ask the operator to add pg_stat_statements to shared_preload_libraries, restart PostgreSQL and run CREATE EXTENSION pg_stat_statements; meanwhile analyze_db_health and explain_query work without it.",
    );
  }
  const view = `${quoteIdentifier(schema.replace(/^"|"$/g, ''))}.pg_stat_statements`;
  const order = ORDER_COLUMN[options.orderBy];
  try {
    const { rows } = await session.query<TopQuery>(
      `SELECT s.queryid::text AS "queryId", s.query, s.calls::float8 AS calls, s.total_exec_time::float8 AS "totalMs",
              s.mean_exec_time::float8 AS "meanMs", s.rows::float8 AS rows,
              CASE WHEN s.shared_blks_hit + s.shared_blks_read > 0
                   THEN (s.shared_blks_hit::float8 / (s.shared_blks_hit + s.shared_blks_read)) END AS "cacheHitRatio"
         FROM ${view} s
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY s.${order} DESC NULLS LAST
        LIMIT $1`,
      [options.limit],
    );
    return rows.map((row) => ({ ...row, query: presentableQuery(row.query) }));
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/shared_preload_libraries/i.test(message)) {
      throw new DbError(
        'pg_stat_statements is installed but not loaded by the server.',
        'undefined_object',
        'ask the operator to add pg_stat_statements to shared_preload_libraries and restart PostgreSQL.',
      );
    }
    throw error;
  }
}

/** Cuts long texts and hides any that may carry a password literal. */
export function presentableQuery(query: string | null): string {
  if (query === null) return '<not visible to this role>';
  if (/password|passwd|secret/i.test(query)) return '<hidden: the statement text mentions a password or secret>';
  return query.length > MAX_QUERY_CHARS ? `${query.slice(0, MAX_QUERY_CHARS)}… [cut]` : query;
}
