/**
 * One user statement in its own transaction, pipelined over the extended protocol so that a small read costs
 * one round trip before its rows arrive (the way PgJDBC sends BEGIN with the first statement):
 *
 *   write 1: Parse/Bind/Execute of each setup statement (BEGIN READ ONLY, SET LOCAL ...), then Parse/Bind/
 *            Describe/Execute(n rows) of the statement, then Flush. No Sync: until one is sent, an error in any
 *            message makes the server skip every later one, so the statement never runs unless BEGIN and every
 *            SET LOCAL succeeded. Each Execute that completes ends its statement timeout and the next message
 *            starts a fresh one, so the statement runs under the statement_timeout just set.
 *   more:    Execute(n)/Flush per further batch, on the same suspended portal (the cursor of before).
 *   close:   Parse/Bind/Execute of ROLLBACK, then Sync: one write, answered by ReadyForQuery.
 *
 * Rows are only ever requested in batches of a positive size, so the caller's caps bound what arrives.
 * This is a pg "submittable": the client hands it every message until ReadyForQuery (or an error) ends it.
 */
import pg from 'pg';
import { resultTypes } from './values.js';

/** What a read of one batch returns. */
export interface RowBatch {
  rows: unknown[][];
  /** Result columns (known once the statement was described). */
  fields: readonly { name: string; dataTypeID: number }[] | undefined;
  /** True when the statement has no more rows. */
  done: boolean;
  /** Command tag and row count, known when done. */
  command: string | null;
  rowCount: number | null;
}

/** Something that hands out the rows of one statement in batches (a pg-cursor, or a PipelinedRead). */
export interface RowSource {
  read(rows: number): Promise<RowBatch>;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

type Field = { name: string; dataTypeID: number; format?: string };
type Connection = pg.Connection;

const COMMAND_TAG = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;

export class PipelinedRead implements pg.Submittable, RowSource {
  /** True once the server confirmed the first setup statement (BEGIN): the transaction exists. */
  begun = false;
  /** True once the server confirmed the ROLLBACK sent by close(). */
  rolledBack = false;

  private connection: Connection | undefined;
  /** Writes asked for before the client submitted this read (only when the connection was busy). */
  private readonly queued: ((connection: Connection) => void)[] = [];
  private setupLeft: number;
  private fields: Field[] | undefined;
  private parsers: ((value: string) => unknown)[] = [];
  private rows: unknown[][] = [];
  private statementDone = false;
  /** Executes of the statement sent and not yet answered (by PortalSuspended or its CommandComplete). */
  private executing = 0;
  private command: string | null = null;
  private rowCount: number | null = null;
  private reading: Waiter<RowBatch> | undefined;
  private closing: Promise<void> | undefined;
  private closed: Waiter<void> | undefined;
  private syncSent = false;
  private finished = false;
  private failure: Error | undefined;

  constructor(
    private readonly setup: readonly string[],
    private readonly sql: string,
  ) {
    this.setupLeft = setup.length;
  }

  submit(connection: Connection): void {
    this.connection = connection;
    const stream = connection.stream as unknown as { cork(): void; uncork(): void };
    // Everything written in this tick (the first batch request follows synchronously) leaves in one write.
    stream.cork();
    process.nextTick(() => stream.uncork());
    for (const text of this.setup) {
      connection.parse({ name: '', text, types: [] }, true);
      connection.bind({}, true);
      connection.execute({}, true);
    }
    connection.parse({ name: '', text: this.sql, types: [] }, true);
    connection.bind({}, true);
    connection.describe({ type: 'P' }, true);
    for (const write of this.queued.splice(0)) write(connection);
  }

  /** The next batch of at most `rows` rows (at least 1: an Execute for 0 rows would mean all of them). */
  read(rows: number): Promise<RowBatch> {
    if (!Number.isInteger(rows) || rows < 1) return Promise.reject(new RangeError(`a batch must be a positive number of rows, not ${rows}`));
    if (this.failure) return Promise.reject(this.failure);
    if (this.statementDone || this.closing) return Promise.resolve(this.batch(true));
    if (this.reading) return Promise.reject(new Error('one batch at a time'));
    const promise = new Promise<RowBatch>((resolve, reject) => (this.reading = { resolve, reject }));
    this.executing += 1;
    this.write((connection) => {
      connection.execute({ portal: '', rows: rows as unknown as string }, true);
      connection.flush();
    });
    return promise;
  }

  /**
   * Rolls the transaction back (which also drops the portal, suspended or not) and ends the exchange. Resolves
   * once the server confirmed; rejects only if the connection failed. After a server error the exchange is
   * already over (the error handler sent Sync) and this resolves at once: the caller still owes a ROLLBACK.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.failure) {
      this.closing = isServerError(this.failure) ? Promise.resolve() : Promise.reject(this.failure);
      return this.closing;
    }
    this.closing = new Promise<void>((resolve, reject) => (this.closed = { resolve, reject }));
    this.write((connection) => {
      connection.parse({ name: '', text: 'ROLLBACK', types: [] }, true);
      connection.bind({}, true);
      connection.execute({}, true);
      connection.sync();
    });
    this.syncSent = true;
    return this.closing;
  }

  handleRowDescription(message: { fields: Field[] }): void {
    this.fields = message.fields;
    this.parsers = message.fields.map((field) => resultTypes.getTypeParser(field.dataTypeID, field.format === 'binary' ? 'binary' : 'text') as (value: string) => unknown);
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    const raw = message.fields;
    const row = new Array<unknown>(raw.length);
    for (let i = 0; i < raw.length; i += 1) {
      const value = raw[i];
      row[i] = value === null || value === undefined ? null : (this.parsers[i] ?? String)(value);
    }
    this.rows.push(row);
  }

  handlePortalSuspended(): void {
    this.executing -= 1;
    this.deliver(false);
  }

  handleCommandComplete(message: { text?: string; command?: string }): void {
    if (this.setupLeft > 0) {
      this.setupLeft -= 1;
      this.begun = true;
      return;
    }
    if (this.executing > 0) {
      this.executing -= 1;
      const match = COMMAND_TAG.exec(message.text ?? message.command ?? '');
      this.command = match?.[1] ?? null;
      const count = match?.[3] ?? match?.[2];
      this.rowCount = count === undefined ? null : Number.parseInt(count, 10);
      this.statementDone = true;
      this.deliver(true);
      return;
    }
    // The ROLLBACK sent by close().
    this.rolledBack = true;
  }

  handleEmptyQuery(): void {
    this.executing -= 1;
    this.statementDone = true;
    this.deliver(true);
  }

  handleReadyForQuery(): void {
    this.finished = true;
    const closed = this.closed;
    this.closed = undefined;
    closed?.resolve();
    // ReadyForQuery only answers our Sync; a batch still waiting would never be answered.
    this.reading?.reject(new Error('the statement ended before its rows were read'));
    this.reading = undefined;
  }

  handleError(error: Error, connection: Connection): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    // After a server error the server skips everything up to a Sync; send it (unless close() already did) so
    // the connection gets back to ReadyForQuery for the caller's ROLLBACK. On a dead socket nothing is written.
    if (isServerError(error) && !this.syncSent) {
      this.syncSent = true;
      (connection ?? this.connection)?.sync();
    }
    const reading = this.reading;
    this.reading = undefined;
    reading?.reject(error);
    const closed = this.closed;
    this.closed = undefined;
    if (closed) {
      if (isServerError(error)) closed.resolve();
      else closed.reject(error);
    }
  }

  handleCopyInResponse(connection: Connection): void {
    // Never for statements the guard lets through; refuse rather than hang.
    (connection as unknown as { sendCopyFail(message: string): void }).sendCopyFail('COPY is not supported here');
  }

  handleCopyData(): void {}

  private deliver(done: boolean): void {
    const reading = this.reading;
    if (!reading) return;
    this.reading = undefined;
    reading.resolve(this.batch(done));
  }

  private batch(done: boolean): RowBatch {
    const rows = this.rows;
    this.rows = [];
    return { rows, fields: this.fields, done, command: done ? this.command : null, rowCount: done ? this.rowCount : null };
  }

  private write(write: (connection: Connection) => void): void {
    const connection = this.connection;
    if (!connection) {
      this.queued.push(write);
      return;
    }
    const stream = connection.stream as unknown as { cork(): void; uncork(): void };
    stream.cork();
    try {
      write(connection);
    } finally {
      stream.uncork();
    }
  }
}

/** An ErrorResponse from the server (the connection itself is fine), as opposed to a socket failure. */
function isServerError(error: Error): boolean {
  return error instanceof pg.DatabaseError;
}
