/**
 * What each tool does to the database, as synchronous functions over better-sqlite3 connections. They run
 * inside the query runner process (query-worker.ts), never on the server's main thread, so a slow
 * statement only ever blocks a process that can be killed. No MCP imports.
 */
import { closeSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  checkExplainStatement,
  checkReadStatement,
  checkWriteStatement,
  GuardError,
  quoteIdentifier,
  splitStatements,
  tempObjectRefusal,
  type StatementInfo,
} from './sql-guard.js';
import type {
  ColumnInfo,
  ExportResult,
  ForeignKeyInfo,
  IndexInfo,
  PlanStep,
  ResultLimits,
  RowsResult,
  RunnerFailure,
  RunnerRequest,
  RunnerResultMap,
  RunnerSettings,
  ScriptResult,
  SqlParams,
  TableDescription,
  TableEntry,
  WriteResult,
} from './messages.js';
import { bindArguments, ParamsMismatch } from './binding.js';
import { collectRows, rowObject, toCell, uniqueColumnNames } from './values.js';

type Db = Database.Database;
type Stmt = Database.Statement<unknown[]>;

/** A failure with a chosen kind (not found, exists, ...) rather than a raw SQLite error. */
export class OperationFailure extends Error {
  constructor(readonly failure: RunnerFailure) {
    super(failure.message);
    this.name = 'OperationFailure';
  }
}

/**
 * The runner's two connections. The read-only one is opened with SQLITE_OPEN_READONLY and `query_only`;
 * the read-write one is opened only when a writer first needs it, and never when the server is read-only.
 */
export class Connections {
  readonly ro: Db;
  private rwDb: Db | undefined;

  constructor(private readonly settings: RunnerSettings) {
    // A runner killed mid-write leaves a hot journal that only a read-write connection may roll back;
    // do that first, so reads never see SQLITE_READONLY_ROLLBACK after a stopped write.
    if (!settings.readOnly) this.recover();
    this.ro = new Database(settings.dbPath, { readonly: true, fileMustExist: true, timeout: settings.busyTimeoutMs });
    this.ro.pragma('query_only = ON');
  }

  /** Rolls back a hot journal left by an interrupted write (any read on a read-write connection does). */
  recover(): boolean {
    if (this.settings.readOnly) return false;
    this.rw().pragma('schema_version');
    return true;
  }

  rw(): Db {
    if (this.settings.readOnly) {
      throw new OperationFailure({ kind: 'refused', message: 'the server runs with --read-only: nothing may be changed.' });
    }
    if (!this.rwDb) {
      this.rwDb = new Database(this.settings.dbPath, { fileMustExist: true, timeout: this.settings.busyTimeoutMs });
    }
    return this.rwDb;
  }

  close(): void {
    this.ro.close();
    this.rwDb?.close();
  }
}

export function runOperation<R extends RunnerRequest>(conns: Connections, request: R): RunnerResultMap[R['op']] {
  try {
    return dispatch(conns, request);
  } catch (error) {
    // Another runner was stopped mid-write after this one opened: recover the journal, then retry once.
    if (error instanceof Database.SqliteError && error.code === 'SQLITE_READONLY_ROLLBACK' && conns.recover()) return dispatch(conns, request);
    throw error;
  }
}

function dispatch<R extends RunnerRequest>(conns: Connections, request: R): RunnerResultMap[R['op']] {
  switch (request.op) {
    case 'read':
      return readQuery(conns.ro, request.sql, request.params, request.offset, request.limits) as RunnerResultMap[R['op']];
    case 'write':
      return (request.dryRun ? dryRunWrite(conns, request.sql, request.params, request.tool, request.limits) : writeQuery(conns, request.sql, request.params, request.tool, request.limits)) as RunnerResultMap[R['op']];
    case 'list':
      return listTables(conns.ro) as RunnerResultMap[R['op']];
    case 'describe':
      return describeTable(conns.ro, request.table) as RunnerResultMap[R['op']];
    case 'explain':
      return explainQuery(conns.ro, request.sql, request.params) as RunnerResultMap[R['op']];
    case 'script':
      return executeScript(conns, request.sql, request.dryRun, request.limits, request.maxStatements) as RunnerResultMap[R['op']];
    case 'export':
      return exportQuery(conns.ro, request) as RunnerResultMap[R['op']];
  }
}

function prepare(db: Db, sql: string): Stmt {
  return db.prepare(sql) as Stmt;
}

/** The read path's last check: SQLite itself must say the statement only reads. Returns it with its arguments. */
function prepareRead(db: Db, sql: string, params: SqlParams, tool: string): { stmt: Stmt; args: unknown[] } {
  const args = bindArguments(checkReadStatement(sql, tool), params, tool);
  const stmt = prepare(db, sql);
  if (!stmt.readonly || !stmt.reader) {
    throw new GuardError(`${tool} refused the statement: SQLite reports that it is not a read-only query.`, 'use write_query for statements that change the database.');
  }
  return { stmt, args };
}

function iterateRaw(stmt: Stmt, args: unknown[]): { columns: string[]; rows: Iterable<unknown[]> } {
  stmt.raw(true);
  stmt.safeIntegers(true);
  const columns = stmt.columns().map((c) => c.name);
  return { columns, rows: stmt.iterate(...args) as Iterable<unknown[]> };
}

export function readQuery(ro: Db, sql: string, params: SqlParams, offset: number, limits: ResultLimits): RowsResult {
  const { stmt, args } = prepareRead(ro, sql, params, 'read_query');
  const { columns, rows } = iterateRaw(stmt, args);
  return collectRows(columns, rows, offset, limits);
}

function totalChangesOf(db: Db): number {
  return Number((db.prepare('SELECT total_changes() AS n').get() as { n: number }).n);
}

/** changes() is stale after a statement that changed nothing; total_changes() tells whether it is. */
function changesSince(db: Db, totalBefore: number): number {
  return totalChangesOf(db) === totalBefore ? 0 : lastChange(db).changes;
}

function lastChange(db: Db): { changes: number; lastInsertRowid: number | string | null } {
  const row = db.prepare('SELECT changes() AS changes, last_insert_rowid() AS rowid').safeIntegers(true).get() as { changes: bigint; rowid: bigint };
  return { changes: Number(row.changes), lastInsertRowid: toCell(row.rowid) as number | string };
}

/**
 * Refuses a statement that left anything in the temp schema (see tempObjectRefusal for why). SQLite's own
 * catalogue is the test, so every spelling counts: CREATE TEMP ..., CREATE TABLE temp.x, a virtual table
 * created in temp. Nothing ever stays there, so any entry comes from the statement that just ran; the caller
 * is inside a transaction and rolls it back.
 */
function refuseTempObjects(db: Db, tool: string, where = ''): void {
  if (db.prepare('SELECT 1 FROM sqlite_temp_master LIMIT 1').get() === undefined) return;
  const refusal = tempObjectRefusal(tool);
  throw where ? new GuardError(`${where}: ${refusal.message} Nothing was changed: the whole script was rolled back.`, refusal.hint) : refusal;
}

export function writeQuery(conns: Connections, sql: string, params: SqlParams, tool: 'write_query' | 'create_table', limits: ResultLimits): WriteResult {
  const info = checkWriteStatement(sql, tool);
  const args = bindArguments(info, params, tool);
  const db = conns.rw();
  const stmt = prepare(db, sql);
  refuseReadInWriter(stmt, info, tool);
  // VACUUM and PRAGMA journal_mode cannot run inside a transaction, and no accepted pragma creates objects.
  const checkTemp = info.keyword !== 'VACUUM' && info.keyword !== 'PRAGMA';
  // A transaction of its own, so that a statement that created a temp object can be undone; a dry run
  // (dryRunWrite) is already inside BEGIN ... ROLLBACK.
  const ownTransaction = checkTemp && !db.inTransaction;
  if (ownTransaction) db.prepare('BEGIN IMMEDIATE').run();
  try {
    const result = runWrite(db, stmt, args, limits);
    if (checkTemp) refuseTempObjects(db, tool);
    if (ownTransaction) db.prepare('COMMIT').run();
    return result;
  } finally {
    if (ownTransaction && db.inTransaction) db.prepare('ROLLBACK').run();
  }
}

function runWrite(db: Db, stmt: Stmt, args: unknown[], limits: ResultLimits): WriteResult {
  if (stmt.reader) {
    // INSERT/UPDATE/DELETE ... RETURNING: SQLite applies every change on the first step, so returning
    // only the first rows (the cap) never leaves the statement half done.
    const before = totalChangesOf(db);
    const { columns, rows } = iterateRaw(stmt, args);
    const returning = collectRows(columns, rows, 0, limits);
    return { changes: changesSince(db, before), lastInsertRowid: lastChange(db).lastInsertRowid, returning };
  }
  stmt.safeIntegers(true);
  const result = stmt.run(...args);
  return { changes: result.changes, lastInsertRowid: toCell(result.lastInsertRowid) as number | string };
}

/**
 * Runs a write inside BEGIN IMMEDIATE ... ROLLBACK to learn how many rows it would change (for the confirmation
 * the user sees), keeping nothing: not the change, not RETURNING rows. Safe with the runner design: if the
 * runner is killed mid-way (timeout, cancel), the uncommitted transaction is discarded by SQLite's journal, as
 * for any stopped write. Callers never send VACUUM (it cannot run in a transaction) or PRAGMAs here.
 */
export function dryRunWrite(conns: Connections, sql: string, params: SqlParams, tool: 'write_query' | 'create_table', limits: ResultLimits): WriteResult {
  checkWriteStatement(sql, tool);
  const db = conns.rw();
  db.prepare('BEGIN IMMEDIATE').run();
  try {
    const { changes } = writeQuery(conns, sql, params, tool, { ...limits, maxRows: Math.min(limits.maxRows, 1) });
    return { changes, lastInsertRowid: null };
  } finally {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
  }
}

function refuseReadInWriter(stmt: Stmt, info: StatementInfo, tool: string): void {
  if (stmt.readonly && ['SELECT', 'WITH', 'VALUES'].includes(info.keyword)) {
    throw new GuardError(`${tool} does not run queries that only read (SELECT).`, 'use read_query for SELECT statements.');
  }
}

export function listTables(ro: Db): TableEntry[] {
  return ro
    .prepare("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name")
    .all() as TableEntry[];
}

/** Table names are bound as parameters (pragma table-valued functions) and quoted only after an exact catalogue match. */
export function describeTable(ro: Db, requested: string): TableDescription {
  const found =
    (ro.prepare("SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table','view') AND name = ?").get(requested) as
      | { name: string; type: 'table' | 'view'; sql: string | null }
      | undefined) ??
    (ro.prepare("SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table','view') AND name = ? COLLATE NOCASE").get(requested) as
      | { name: string; type: 'table' | 'view'; sql: string | null }
      | undefined);
  if (!found) {
    throw new OperationFailure({ kind: 'not_found', message: `no table or view named "${requested}" exists in the database.`, hint: 'call list_tables to see the table and view names.' });
  }
  const name = found.name;
  const columns = (
    ro.prepare('SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)').all(name) as (Omit<ColumnInfo, 'notnull'> & { notnull: number })[]
  ).map((c) => ({ ...c, notnull: c.notnull === 1 }));
  const indexes: IndexInfo[] = (
    ro.prepare('SELECT name, "unique" AS uniq, origin, partial FROM pragma_index_list(?) ORDER BY name').all(name) as { name: string; uniq: number; origin: string; partial: number }[]
  ).map((ix) => ({
    name: ix.name,
    unique: ix.uniq === 1,
    origin: ix.origin,
    partial: ix.partial === 1,
    columns: (ro.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(ix.name) as { name: string | null }[]).map((c) => c.name),
  }));
  const foreignKeys = ro
    .prepare('SELECT id, seq, "table", "from", "to", on_update, on_delete, "match" FROM pragma_foreign_key_list(?) ORDER BY id, seq')
    .all(name) as ForeignKeyInfo[];
  let rowCount: number | null = null;
  if (found.type === 'table') {
    try {
      const row = ro.prepare(`SELECT count(*) AS n FROM main.${quoteIdentifier(name)}`).get() as { n: number };
      rowCount = row.n;
    } catch {
      // Virtual tables whose module is not loaded cannot be counted; the rest of the description stands.
      rowCount = null;
    }
  }
  return { name, type: found.type, sql: found.sql, columns, indexes, foreignKeys, rowCount };
}

export function explainQuery(ro: Db, sql: string, params: SqlParams): PlanStep[] {
  const args = bindArguments(checkExplainStatement(sql), params, 'explain_query');
  // Prepared alone first so that better-sqlite3 refuses stacked statements before anything is prefixed.
  prepare(ro, sql);
  const rows = prepare(ro, `EXPLAIN QUERY PLAN ${sql}`).all(...args) as { id: number; parent: number; detail: string }[];
  return rows.map(({ id, parent, detail }) => ({ id, parent, detail }));
}

/** Excerpt of a statement for messages and results. */
function excerpt(sql: string, max = 120): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Runs a script in one IMMEDIATE transaction: every statement is checked by the guard before any runs;
 * the first failure rolls everything back; a dry run always rolls back.
 */
export function executeScript(conns: Connections, script: string, dryRun: boolean, limits: ResultLimits, maxStatements: number): ScriptResult {
  const pieces = splitStatements(script);
  if (pieces.length === 0) throw new GuardError('the script holds no statements.', 'pass one or more SQL statements separated by semicolons.');
  if (pieces.length > maxStatements) {
    throw new GuardError(`the script holds ${pieces.length} statements; at most ${maxStatements} are accepted in one call.`, 'split it into several calls.');
  }
  pieces.forEach((piece, i) => {
    try {
      checkWriteStatement(piece, 'execute_script');
    } catch (error) {
      if (error instanceof GuardError) throw new GuardError(`statement ${i + 1} (${excerpt(piece)}): ${error.message}`, error.hint);
      throw error;
    }
  });
  const db = conns.rw();
  db.prepare('BEGIN IMMEDIATE').run();
  const results: ScriptResult['statements'] = [];
  let totalChanges = 0;
  try {
    pieces.forEach((piece, i) => {
      try {
        const stmt = prepare(db, piece);
        const before = totalChangesOf(db);
        if (stmt.reader) {
          const { columns, rows } = iterateRaw(stmt, []);
          const returning = collectRows(columns, rows, 0, limits);
          const changes = stmt.readonly ? 0 : changesSince(db, before);
          totalChanges += changes;
          results.push({ index: i + 1, sql: excerpt(piece), changes, returning });
        } else {
          // better-sqlite3 reports 0 changes for statements that changed no rows (DDL), not a stale count.
          const { changes } = stmt.run();
          totalChanges += changes;
          results.push({ index: i + 1, sql: excerpt(piece), changes });
        }
        refuseTempObjects(db, 'execute_script', `statement ${i + 1} (${excerpt(piece)})`);
      } catch (error) {
        throw annotateStatementError(error, i + 1, piece);
      }
    });
  } catch (error) {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    throw error;
  }
  if (dryRun) db.prepare('ROLLBACK').run();
  else db.prepare('COMMIT').run();
  return { statements: results, committed: !dryRun, dryRun, totalChanges };
}

function annotateStatementError(error: unknown, index: number, piece: string): unknown {
  const where = `statement ${index} (${excerpt(piece)})`;
  if (error instanceof Database.SqliteError) {
    const annotated = new Database.SqliteError(`${where} failed: ${error.message}. Nothing was changed: the whole script was rolled back.`, error.code);
    return annotated;
  }
  if (isBindingError(error)) return new RangeError(`${where}: ${error.message}. Nothing was changed: the whole script was rolled back.`);
  return error;
}

const CSV_NEEDS_QUOTES = /[",\r\n]/;

function csvField(value: unknown): string {
  const cell = toCell(value);
  if (cell === null) return '';
  const text = typeof cell === 'object' ? cell.blob_base64 : String(cell);
  return CSV_NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Streams a read query's rows into `tempPath` (created exclusively), then links it to `finalPath`, which
 * fails if that name exists: an export never overwrites a file and never leaves a half-written file under
 * the final name. The temporary file is removed in every case.
 */
export function exportQuery(ro: Db, request: Extract<RunnerRequest, { op: 'export' }>): ExportResult {
  const { stmt, args } = prepareRead(ro, request.sql, request.params, 'export_query');
  const { columns: rawColumns, rows } = iterateRaw(stmt, args);
  const columns = uniqueColumnNames(rawColumns);
  let fd: number | undefined;
  try {
    fd = openSync(request.tempPath, 'wx', 0o644);
    let bytes = 0;
    let count = 0;
    let truncated = false;
    let buffer = '';
    const flush = (force: boolean) => {
      if (buffer.length === 0 || (!force && buffer.length < 64 * 1024)) return;
      bytes += writeSync(fd!, buffer);
      buffer = '';
    };
    if (request.format === 'csv') buffer += `${columns.map(csvField).join(',')}\r\n`;
    else buffer += '[';
    const iterator = rows[Symbol.iterator]();
    try {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (count >= request.maxRows || bytes + buffer.length >= request.maxBytes) {
          truncated = true;
          break;
        }
        if (request.format === 'csv') buffer += `${next.value.map(csvField).join(',')}\r\n`;
        else buffer += `${count === 0 ? '\n' : ',\n'}${JSON.stringify(rowObject(columns, next.value))}`;
        count++;
        flush(false);
      }
    } finally {
      iterator.return?.();
    }
    if (request.format === 'json') buffer += count === 0 ? ']\n' : '\n]\n';
    flush(true);
    closeSync(fd);
    fd = undefined;
    try {
      linkSync(request.tempPath, request.finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new OperationFailure({ kind: 'exists', message: 'a file with that name already exists in the export directory; exports never overwrite files.', hint: 'choose another filename.' });
      }
      throw error;
    }
    return { rows: count, bytes, truncated };
  } finally {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(request.tempPath);
    } catch {
      // Already gone (open failed); nothing to clean.
    }
  }
}

/** Any error from an operation as it crosses to the main process. */
export function toFailure(error: unknown): RunnerFailure {
  if (error instanceof GuardError) return { kind: 'refused', message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof OperationFailure) return error.failure;
  if (error instanceof ParamsMismatch) return { kind: 'input', message: error.message, hint: error.hint };
  if (error instanceof Database.SqliteError) return { kind: 'sqlite', message: error.message, code: error.code };
  // bindArguments has matched params to the placeholders already; what is left is better-sqlite3's own word
  // (e.g. a value count the tokenizer could not see).
  if (isBindingError(error)) return { kind: 'input', message: error.message };
  return { kind: 'internal', message: (error as Error)?.stack ?? String(error) };
}

/**
 * better-sqlite3 reports binding mistakes as RangeError (too few/many values, stacked statements) or, for named
 * parameters ($1, :x, @x) given without an object of values, as TypeError ("Missing named parameters",
 * "Named parameters can only be passed within plain objects"). Found by the robustness fuzzer.
 */
function isBindingError(error: unknown): error is Error {
  return error instanceof RangeError || (error instanceof TypeError && /named parameters/i.test(error.message));
}
