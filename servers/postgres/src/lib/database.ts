/**
 * The connection pool and the one way statements reach PostgreSQL: a transaction per call.
 *
 * Reads: BEGIN READ ONLY; SET LOCAL statement_timeout, lock_timeout, idle_in_transaction_session_timeout
 * (and search_path with a schema allow-list); the statement over the extended protocol through a cursor
 * (the protocol itself refuses a second statement, and rows arrive in batches so a huge result never sits
 * in memory); then ROLLBACK. Writes: the same with BEGIN READ WRITE and COMMIT, or ROLLBACK for a dry run.
 *
 * A connection that failed at the socket level is destroyed rather than returned to the pool, so a dropped
 * connection costs one failed call at most; a call that finds a dead idle connection before its statement was
 * sent retries once on a fresh one.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { DbError, isConnectionError, toDbError } from './errors.js';
import { capCell, resultTypes, typeName, uniqueColumnKeys, type ColumnInfo } from './values.js';
import { describeTarget, type ConnectionTarget } from './connection.js';

export interface DatabaseOptions {
  connectionString: string;
  target: ConnectionTarget;
  poolSize: number;
  statementTimeoutMs: number;
  /** Schema allow-list; becomes the search_path of every transaction. */
  schemas?: readonly string[] | undefined;
  connectTimeoutMs?: number;
  /** Called for errors on idle pooled connections (a restart, a terminated backend). */
  onIdleError?(error: Error): void;
}

export type TransactionMode = 'read' | 'write';

export interface CursorReadOptions {
  maxRows: number;
  maxBytes: number;
  /** Rows to skip before collecting (read and discarded in batches on the server side of the cursor). */
  offset?: number;
  /** Longest string cell kept whole. */
  maxCellChars?: number;
  signal?: AbortSignal;
  /** Keep reading (and dropping) rows past the caps so the command's row count is exact (writes with RETURNING). */
  drain?: boolean;
}

export interface CursorResult {
  columns: ColumnInfo[];
  rows: Record<string, unknown>[];
  /** True when more rows existed than were returned (row cap or byte budget). */
  truncated: boolean;
  truncatedBy: 'rows' | 'bytes' | null;
  /** Command tag (SELECT, INSERT, ...) and rows affected, known when the statement ran to completion. */
  command: string | null;
  rowCount: number | null;
  /** Number of string cells cut to maxCellChars. */
  cellsCut: number;
}

export interface Session {
  /** Trusted SQL written by this server (catalog queries), with parameters. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** User SQL through a cursor: bounded rows and bytes. */
  cursor(sql: string, options: CursorReadOptions): Promise<CursorResult>;
  /** The backend's process id (for cancellation). */
  pid: number | undefined;
}

/** Rows per fetch adapt to the row size: about this many bytes per batch, between the two row bounds. */
const BATCH_BYTES = 2_000_000;
const MIN_BATCH_ROWS = 50;
const MAX_BATCH_ROWS = 5_000;
const FIRST_BATCH_ROWS = 200;
const DEFAULT_CELL_CHARS = 10_000;
/** A lock wait is cut well before the statement timeout, so blocked calls fail fast with a clear reason. */
const MAX_LOCK_TIMEOUT_MS = 5_000;

export class Database {
  readonly pool: pg.Pool;
  readonly target: ConnectionTarget;
  readonly statementTimeoutMs: number;
  readonly schemas: readonly string[] | undefined;
  private closed = false;

  constructor(private readonly options: DatabaseOptions) {
    this.target = options.target;
    this.statementTimeoutMs = options.statementTimeoutMs;
    this.schemas = options.schemas;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      types: resultTypes,
    });
    // Without a listener an error on an idle client (server restart, pg_terminate_backend) would crash the
    // process. The pool has already removed that client; the next call connects afresh.
    this.pool.on('error', (error) => options.onIdleError?.(error));
  }

  /** Where we connect, without credentials. */
  get where(): string {
    return describeTarget(this.target);
  }

  /** Runs `work` inside one transaction; reads and dry runs always roll back. */
  async transaction<T>(mode: TransactionMode, work: (session: Session) => Promise<T>, options: { signal?: AbortSignal; commit?: boolean; sql?: string } = {}): Promise<T> {
    if (this.closed) throw new DbError('the server is shutting down.', 'connection', 'call again after it restarts.');
    const commit = mode === 'write' && options.commit === true;
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.connect(options.signal);
      let begun = false;
      let broken: Error | undefined;
      const cancel = () => void this.cancelBackend(client);
      options.signal?.addEventListener('abort', cancel, { once: true });
      try {
        await client.query(this.beginSql(mode));
        begun = true;
        const session: Session = {
          query: (sql, params) => client.query({ text: sql, values: params ?? [], queryMode: 'extended' } as pg.QueryConfig),
          cursor: (sql, cursorOptions) => readCursor(client, sql, cursorOptions),
          pid: (client as unknown as { processID?: number }).processID,
        };
        const result = await work(session);
        await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        return result;
      } catch (error) {
        if (isConnectionError(error)) {
          broken = error as Error;
          // A connection that died while idle in the pool fails at BEGIN: nothing was sent, so retry once.
          if (!begun && attempt === 0 && !options.signal?.aborted) continue;
        } else {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        }
        if (error instanceof DbError) throw error;
        throw toDbError(error, { where: this.where, ...(options.sql ? { sql: options.sql } : {}), statementTimeoutMs: this.statementTimeoutMs });
      } finally {
        options.signal?.removeEventListener('abort', cancel);
        client.release(broken ?? false);
      }
    }
  }

  /** Shorthand for a read-only transaction. */
  read<T>(work: (session: Session) => Promise<T>, options: { signal?: AbortSignal; sql?: string } = {}): Promise<T> {
    return this.transaction('read', work, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(signal: AbortSignal | undefined): Promise<pg.PoolClient> {
    if (signal?.aborted) throw new DbError('the call was cancelled.', 'cancelled', 'call again if you still need the result.');
    try {
      const client = await this.pool.connect();
      // A client that errors while checked out must not crash the process; the failing query reports it.
      if (!(client as unknown as { porticoErrorHandler?: boolean }).porticoErrorHandler) {
        client.on('error', () => {});
        (client as unknown as { porticoErrorHandler?: boolean }).porticoErrorHandler = true;
      }
      return client;
    } catch (error) {
      throw toDbError(error, { where: this.where });
    }
  }

  private beginSql(mode: TransactionMode): string {
    const statementTimeout = this.statementTimeoutMs;
    const lockTimeout = Math.min(statementTimeout, MAX_LOCK_TIMEOUT_MS);
    // Idle inside our own transaction only happens between cursor batches; a stuck client is cut loose soon.
    const idleTimeout = Math.max(statementTimeout, 10_000) + 5_000;
    const parts = [
      mode === 'read' ? 'BEGIN READ ONLY' : 'BEGIN READ WRITE',
      `SET LOCAL statement_timeout = ${statementTimeout}`,
      `SET LOCAL lock_timeout = ${lockTimeout}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${idleTimeout}`,
    ];
    if (this.schemas?.length) parts.push(`SET LOCAL search_path = ${this.schemas.map(quoteIdentifier).join(', ')}`);
    // Our own text only (numbers and quoted identifiers), sent as one simple-protocol round trip.
    return parts.join('; ');
  }

  /** Best effort: asks the server to cancel what the given client's backend is running. */
  private async cancelBackend(client: pg.PoolClient): Promise<void> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (!pid) return;
    const canceller = new pg.Client({ connectionString: this.options.connectionString, connectionTimeoutMillis: 5_000 });
    canceller.on('error', () => {});
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // The statement timeout still bounds the statement.
    } finally {
      await canceller.end().catch(() => {});
    }
  }
}

const CURSOR_CLOSE_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function readCursor(client: pg.PoolClient, sql: string, options: CursorReadOptions): Promise<CursorResult> {
  const cursor = client.query(new Cursor(sql, [], { rowMode: 'array', types: resultTypes }));
  const maxCellChars = options.maxCellChars ?? DEFAULT_CELL_CHARS;
  const rows: Record<string, unknown>[] = [];
  let keys: string[] | undefined;
  let columns: ColumnInfo[] = [];
  let bytes = 0;
  let truncatedBy: CursorResult['truncatedBy'] = null;
  let finished = false;
  let command: string | null = null;
  let rowCount: number | null = null;
  let cellsCut = 0;
  let toSkip = options.offset ?? 0;
  // Starts small, then sizes each fetch from the bytes seen so far: few round trips for narrow rows, bounded
  // memory for wide ones.
  let batchRows = FIRST_BATCH_ROWS;
  let seenRows = 0;
  let seenBytes = 0;
  const nextBatch = () => {
    if (seenRows > 0) batchRows = Math.max(MIN_BATCH_ROWS, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_BYTES / Math.max(1, seenBytes / seenRows))));
    return batchRows;
  };

  const readBatch = (n: number) =>
    new Promise<{ batch: unknown[][]; result: pg.QueryResult }>((resolve, reject) => {
      cursor.read(n, (error, batch, result) => (error ? reject(error) : resolve({ batch: batch as unknown as unknown[][], result: result as pg.QueryResult })));
    });

  let failure: unknown;
  try {
    // Skipped rows are fetched in batches and dropped at once: bounded memory, bounded by the statement timeout.
    while (toSkip > 0) {
      options.signal?.throwIfAborted();
      const { batch } = await readBatch(Math.min(nextBatch(), toSkip));
      if (batch.length === 0) break;
      seenBytes += Buffer.byteLength(JSON.stringify(batch));
      seenRows += batch.length;
      toSkip -= batch.length;
    }
    while (!finished && truncatedBy === null) {
      options.signal?.throwIfAborted();
      // One row beyond the cap tells us whether there are more, without fetching them all.
      const want = Math.min(nextBatch(), options.maxRows + 1 - rows.length);
      const { batch, result } = await readBatch(want);
      if (!keys && result?.fields) {
        keys = uniqueColumnKeys(result.fields.map((f) => f.name));
        columns = result.fields.map((f, i) => ({ name: keys![i]!, type: typeName(f.dataTypeID) }));
      }
      if (batch.length < want) finished = true;
      for (const values of batch) {
        if (rows.length >= options.maxRows) {
          truncatedBy = 'rows';
          break;
        }
        const row: Record<string, unknown> = {};
        values.forEach((value, i) => {
          const capped = capCell(value, maxCellChars);
          if (capped.cut) cellsCut += 1;
          row[keys?.[i] ?? `column_${i + 1}`] = capped.value;
        });
        const size = Buffer.byteLength(JSON.stringify(row));
        // The first row is always returned (its long cells are cut), so a result is never empty for size alone.
        if (rows.length > 0 && bytes + size > options.maxBytes) {
          truncatedBy = 'bytes';
          break;
        }
        bytes += size;
        seenBytes += size;
        seenRows += 1;
        rows.push(row);
      }
      if (finished && result) {
        command = result.command ?? null;
        rowCount = typeof result.rowCount === 'number' ? result.rowCount : null;
      }
    }
    while (options.drain && !finished) {
      options.signal?.throwIfAborted();
      const want = nextBatch();
      const { batch, result } = await readBatch(want);
      if (batch.length < want) {
        finished = true;
        command = result?.command ?? null;
        rowCount = typeof result?.rowCount === 'number' ? result.rowCount : null;
      }
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // Closing the portal stops the query on the server; remaining rows are never sent. On a dead socket there
    // is nothing to close (and no reply would ever come): the transaction layer discards the connection.
    if (!isConnectionError(failure)) await withTimeout(cursor.close(), CURSOR_CLOSE_TIMEOUT_MS).catch(() => {});
  }
  return { columns, rows, truncated: truncatedBy !== null, truncatedBy, command, rowCount, cellsCut };
}
