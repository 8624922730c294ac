/**
 * The connection pool and the one way statements reach PostgreSQL: a transaction per call.
 *
 * Reads: BEGIN READ ONLY; SET LOCAL statement_timeout, lock_timeout, idle_in_transaction_session_timeout
 * (and search_path with a schema allow-list); the statement over the extended protocol through a cursor
 * (the protocol itself refuses a second statement, and rows arrive in batches so a huge result never sits
 * in memory); then ROLLBACK. Writes: the same with BEGIN READ WRITE and COMMIT, or ROLLBACK for a dry run.
 * The query tool's single statement takes `readStatement`: the same transaction, pipelined (pipelined-read.ts)
 * so that BEGIN, the SET LOCALs and the first batch share one round trip, and the ROLLBACK is not waited for.
 *
 * A connection that failed at the socket level is destroyed rather than returned to the pool, so a dropped
 * connection costs one failed call at most; a call that finds a dead idle connection before its statement was
 * sent retries once on a fresh one.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { DbError, isConnectionError, toDbError } from './errors.js';
import { GuardError } from './guard-error.js';
import { capCell, fitRow, resultTypes, typeName, uniqueColumnKeys, type ColumnInfo } from './values.js';
import { describeTarget, type ConnectionTarget } from './connection.js';
import { PipelinedRead, type RowSource } from './pipelined-read.js';

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
  /**
   * Command tag (SELECT, INSERT, ...) and rows affected, known when the statement ran to completion. For a
   * statement that returns rows it is the number of rows it returned (all of them, fetched over every batch).
   */
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
  /** How long a call waits for a connection: to open a new one, or for a busy pool to free one. */
  private readonly connectTimeoutMs: number;

  constructor(private readonly options: DatabaseOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.target = options.target;
    this.statementTimeoutMs = options.statementTimeoutMs;
    this.schemas = options.schemas;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: this.connectTimeoutMs,
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
        // A refusal by a check run inside the transaction (checkTargetLookups) is rolled back above and kept as it is.
        if (error instanceof DbError || error instanceof GuardError) throw error;
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

  /**
   * One user statement read through a cursor in its own read-only transaction: what `read` with
   * `session.cursor` does, with the same settings and caps, but pipelined (see pipelined-read.ts): BEGIN, the
   * SET LOCALs and the first batch leave in one write, and the ROLLBACK is sent right after the last batch
   * without waiting for its answer; the connection goes back to the pool once the answer is in (or is thrown
   * away if it never comes).
   */
  async readStatement(sql: string, options: CursorReadOptions): Promise<CursorResult> {
    if (this.closed) throw new DbError('the server is shutting down.', 'connection', 'call again after it restarts.');
    const { signal } = options;
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.connect(signal);
      const pipeline = new PipelinedRead(this.beginStatements('read'), sql);
      let broken: Error | undefined;
      let releasedLater = false;
      const cancel = () => void this.cancelBackend(client);
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        client.query(pipeline);
        const result = await collectRows(pipeline, options);
        releasedLater = true;
        // A ROLLBACK that is not confirmed in time (or a connection that fails) costs the connection, not the call.
        withTimeout(pipeline.close(), CURSOR_CLOSE_TIMEOUT_MS).then(
          () => client.release(),
          (error: Error) => client.release(error),
        );
        return result;
      } catch (error) {
        if (isConnectionError(error)) {
          broken = error as Error;
          // A connection that died while idle in the pool fails before BEGIN is confirmed: retry once. (Even if
          // the statement did reach the server, it ran in a read-only transaction that the disconnect rolled back.)
          if (!pipeline.begun && attempt === 0 && !signal?.aborted) continue;
        } else {
          // Ends the exchange (rolling back) when the failure was on this side, e.g. a cancelled call between
          // batches; after a server error the transaction is aborted and still needs its ROLLBACK.
          await withTimeout(pipeline.close(), CURSOR_CLOSE_TIMEOUT_MS).catch((closeError: Error) => (broken = closeError));
          if (!broken && !pipeline.rolledBack) await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        }
        if (error instanceof DbError) throw error;
        throw toDbError(error, { where: this.where, sql, statementTimeoutMs: this.statementTimeoutMs });
      } finally {
        signal?.removeEventListener('abort', cancel);
        if (!releasedLater) client.release(broken ?? false);
      }
    }
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
      throw toDbError(error, { where: this.where, statementTimeoutMs: this.statementTimeoutMs, pool: { size: this.options.poolSize, waitMs: this.connectTimeoutMs } });
    }
  }

  private beginSql(mode: TransactionMode): string {
    // Our own text only (numbers and quoted identifiers), sent as one simple-protocol round trip.
    return this.beginStatements(mode).join('; ');
  }

  /** BEGIN and the SET LOCALs every transaction starts with. */
  private beginStatements(mode: TransactionMode): string[] {
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
    return parts;
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
  const source: RowSource = {
    read: (n) =>
      new Promise((resolve, reject) => {
        cursor.read(n, (error, batch, result) => {
          if (error) return reject(error);
          const rows = batch as unknown as unknown[][];
          const done = rows.length < n;
          const r = result as pg.QueryResult | undefined;
          resolve({
            rows,
            fields: r?.fields,
            done,
            command: done ? (r?.command ?? null) : null,
            rowCount: done && typeof r?.rowCount === 'number' ? r.rowCount : null,
          });
        });
      }),
  };
  let failure: unknown;
  try {
    return await collectRows(source, options);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // Closing the portal stops the query on the server; remaining rows are never sent. On a dead socket there
    // is nothing to close (and no reply would ever come): the transaction layer discards the connection.
    if (!isConnectionError(failure)) await withTimeout(cursor.close(), CURSOR_CLOSE_TIMEOUT_MS).catch(() => {});
  }
}

/** Reads a statement's rows batch by batch within the caps; never asks for more than one row past the cap. */
async function collectRows(source: RowSource, options: CursorReadOptions): Promise<CursorResult> {
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
  /** Every row the statement produced so far: skipped, kept, dropped past the caps, or drained. */
  let fetched = 0;
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
  const keyAt = (i: number) => keys?.[i] ?? `column_${i + 1}`;
  const readBatch = async (n: number) => {
    const batch = await source.read(n);
    fetched += batch.rows.length;
    if (!keys && batch.fields) {
      keys = uniqueColumnKeys(batch.fields.map((f) => f.name));
      columns = batch.fields.map((f, i) => ({ name: keys![i]!, type: typeName(f.dataTypeID) }));
    }
    if (batch.done) {
      finished = true;
      command = batch.command;
      rowCount = batch.rowCount;
    }
    return batch.rows;
  };

  // Skipped rows are fetched in batches and dropped at once: bounded memory, bounded by the statement timeout.
  while (toSkip > 0 && !finished) {
    options.signal?.throwIfAborted();
    const batch = await readBatch(Math.min(nextBatch(), toSkip));
    seenBytes += Buffer.byteLength(JSON.stringify(batch));
    seenRows += batch.length;
    toSkip -= batch.length;
  }
  while (!finished && truncatedBy === null) {
    options.signal?.throwIfAborted();
    // One row beyond the cap tells us whether there are more, without fetching them all.
    const batch = await readBatch(Math.min(nextBatch(), options.maxRows + 1 - rows.length));
    for (const values of batch) {
      if (rows.length >= options.maxRows) {
        truncatedBy = 'rows';
        break;
      }
      let row: Record<string, unknown> = {};
      let rowCut = 0;
      values.forEach((value, i) => {
        const capped = capCell(value, maxCellChars);
        if (capped.cut) rowCut += 1;
        row[keyAt(i)] = capped.value;
      });
      let size = Buffer.byteLength(JSON.stringify(row));
      // Batch sizing goes by what the rows cost to fetch, before any cutting.
      seenBytes += size;
      if (size > options.maxBytes) {
        if (rows.length > 0) {
          truncatedBy = 'bytes';
          break;
        }
        // The first row is always returned, so a result is never empty for size alone; when it is over the
        // budget by itself, its long strings and big json/array values are cut until it fits.
        const fitted = fitRow(values.map((_, i) => keyAt(i)), values, options.maxBytes, maxCellChars);
        row = fitted.row;
        rowCut = fitted.cellsCut;
        size = Buffer.byteLength(JSON.stringify(row));
      } else if (rows.length > 0 && bytes + size > options.maxBytes) {
        truncatedBy = 'bytes';
        break;
      }
      cellsCut += rowCut;
      bytes += size;
      seenRows += 1;
      rows.push(row);
    }
  }
  while (options.drain && !finished) {
    options.signal?.throwIfAborted();
    await readBatch(nextBatch());
  }
  // A portal fetched in several batches ends with a command tag that counts only the last batch (PostgreSQL
  // reports the rows of the last Execute: a DELETE ... RETURNING of 3,000 rows said 1,999). The rows fetched
  // are the exact count; a tag larger than them (nothing returned, or a single batch) stays as it is.
  if (finished && rowCount !== null && fetched > rowCount) rowCount = fetched;
  return { columns, rows, truncated: truncatedBy !== null, truncatedBy, command, rowCount, cellsCut };
}
