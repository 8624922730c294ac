/**
 * Database failures as plain errors with a message a model can act on: what failed (with the position of a
 * syntax error), and what to try. Connection failures name host, port and database, never the URL.
 * Tools map DbError to ToolError; anything else stays an internal fault.
 */
import { describePosition } from './guard.js';

export type DbErrorCode =
  | 'syntax_error'
  | 'undefined_object'
  | 'permission_denied'
  | 'timeout'
  | 'lock_timeout'
  | 'read_only'
  | 'connection'
  | 'connection_lost'
  | 'pool_busy'
  | 'auth'
  | 'cancelled'
  | 'data_error'
  | 'database_error';

export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    message: string,
    readonly code: DbErrorCode,
    readonly hint: string,
    /** PostgreSQL SQLSTATE when the server sent one. */
    readonly sqlState?: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

interface PgErrorFields {
  code?: string;
  message?: string;
  position?: string;
  hint?: string;
  detail?: string;
  errno?: number;
}

/** Errors on the socket or the protocol: the connection must be thrown away. */
export function isConnectionError(error: unknown): boolean {
  const e = error as PgErrorFields & { code?: string };
  if (!e || typeof e !== 'object') return false;
  // Only string codes are SQLSTATEs or socket errors (an AbortError's DOMException code is the number 20).
  const code = typeof e.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'].includes(code)) return true;
  // 57P01 admin shutdown (pg_terminate_backend), 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
  if (code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('08')) return true;
  const message = e.message ?? '';
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed|terminating connection/i.test(message);
}

/** Maps whatever pg threw to a DbError. `sql` (when given) lets syntax errors say where they are. */
export function toDbError(
  error: unknown,
  context: { where: string; sql?: string; statementTimeoutMs?: number; pool?: { size: number; waitMs: number } },
): DbError {
  if (error instanceof DbError) return error;
  const e = (error ?? {}) as PgErrorFields;
  const code = typeof e.code === 'string' ? e.code : '';
  const raw = (e.message ?? String(error)).trim();
  const detail = e.detail ? ` (${e.detail})` : '';
  const serverHint = e.hint ? ` ${e.hint}` : '';
  const position = e.position ? Number(e.position) : undefined;
  const at = position && context.sql ? ` ${describePosition(context.sql, position)}` : '';

  if (code === '57014') {
    if (/statement timeout/i.test(raw)) {
      return new DbError(
        `the statement was cancelled by the server-side statement_timeout${context.statementTimeoutMs ? ` (${context.statementTimeoutMs} ms)` : ''}.`,
        'timeout',
        'make the query cheaper (add WHERE conditions or a LIMIT, use an index; explain_query shows the plan), or ask the operator for a larger --statement-timeout.',
        code,
      );
    }
    return new DbError('the statement was cancelled.', 'cancelled', 'call again if you still need the result.', code);
  }
  if (code === '55P03') return new DbError(`could not get a lock in time: ${raw}.`, 'lock_timeout', 'another session holds a conflicting lock; try again later.', code);
  if (code === '25006') {
    return new DbError(`refused by the database: ${raw}.`, 'read_only', 'this connection is read-only; use the execute tool (needs --allow-write) for changes.', code);
  }
  if (code === '42601' || code === '42P02') {
    return new DbError(`syntax error: ${raw}${at}.${serverHint}`, 'syntax_error', 'fix the SQL and call again.', code, position);
  }
  if (code === '42P01' || code === '42703' || code === '42883' || code === '3F000' || code === '42704') {
    return new DbError(`${raw}${at}.${serverHint}`, 'undefined_object', 'check the names with list_tables or describe_table; names are case-sensitive when quoted.', code, position);
  }
  if (code === '42501') return new DbError(`permission denied: ${raw}.`, 'permission_denied', 'the database role this server uses lacks that privilege; ask the operator, or query something you can read.', code);
  if (code === '28P01' || code === '28000') {
    return new DbError(`the database refused the login for ${context.where}: ${raw}.`, 'auth', 'the operator must fix the user or password in the database URL.', code);
  }
  if (code === '3D000') return new DbError(`${raw} at ${context.where}.`, 'connection', 'the operator must fix the database name in the URL.', code);
  if (/timeout exceeded when trying to connect/i.test(raw)) {
    // pg-pool says this only when every connection was checked out (or still opening) and none came free in
    // time: the database is reachable, this server is busy.
    const busy =
      context.pool?.size === 1
        ? `the one connection of this server to PostgreSQL at ${context.where} is`
        : `all ${context.pool ? `${context.pool.size} ` : ''}connections of this server to PostgreSQL at ${context.where} are`;
    return new DbError(
      `${busy} busy with other calls; none came free within ${context.pool ? `${context.pool.waitMs} ms` : 'the wait limit'}.`,
      'pool_busy',
      `call again in a moment, or make fewer calls at once${context.statementTimeoutMs ? ` (a running statement ends within the ${context.statementTimeoutMs} ms statement timeout)` : ''}; if it keeps happening, the operator can start the server with a larger --pool-size${context.pool ? ` (now ${context.pool.size})` : ''}.`,
    );
  }
  if (isConnectionError(error)) {
    const during = code === '57P01' || /terminat/i.test(raw);
    if (during) {
      return new DbError(
        `the connection to PostgreSQL at ${context.where} was closed while the statement ran (${raw}).`,
        'connection_lost',
        'call again: the server opens a new connection. If it keeps happening, an administrator or a proxy is ending sessions.',
        code || undefined,
      );
    }
    return new DbError(
      `cannot reach PostgreSQL at ${context.where} (${code || raw}).`,
      'connection',
      'check that the database server is running and reachable; calls will work again as soon as it is, without restarting this server.',
      code || undefined,
    );
  }
  if (code.startsWith('22') || code.startsWith('23')) return new DbError(`${raw}${detail}.`, 'data_error', 'check the values in the statement.', code);
  if (code.length === 5) return new DbError(`${raw}${at}${detail}.${serverHint}`, 'database_error', 'fix the statement and call again.', code, position);
  // Not from PostgreSQL: a bug or an unexpected library failure. Keep it an internal fault.
  throw error;
}
