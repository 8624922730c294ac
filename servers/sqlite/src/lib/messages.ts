/**
 * What the main process and the query runner process say to each other. Plain data only (sent over the
 * child-process IPC channel), shared by both sides so they cannot drift apart.
 */

/** A value bound to a `?` placeholder. Booleans become 1/0. */
export type SqlParam = string | number | boolean | null;

/** A tool's `params`: a list for plain ? placeholders, or values by name for :name, @name, $name and ?N. */
export type SqlParams = SqlParam[] | Record<string, SqlParam>;

/** A JSON-safe SQLite value: big integers beyond 2^53 as strings, blobs as base64. */
export type CellValue = string | number | null | { blob_base64: string; bytes: number };

export interface ResultLimits {
  maxRows: number;
  maxBytes: number;
}

export interface RowsResult {
  columns: string[];
  rows: Record<string, CellValue>[];
  /** Rows skipped before the first returned one. */
  offset: number;
  /** True when more rows follow the ones returned. */
  hasMore: boolean;
  /** What stopped the listing early: the row cap, the byte budget, or nothing. */
  truncatedBy: 'rows' | 'bytes' | null;
  /** Offset to pass to get the next rows, or null at the end. */
  nextOffset: number | null;
  /** True when some long cell values were cut to fit the byte budget. */
  cellsCut: boolean;
}

export interface WriteResult {
  changes: number;
  lastInsertRowid: number | string | null;
  /** Rows from RETURNING, when the statement has a RETURNING clause. */
  returning?: RowsResult;
}

export interface TableEntry {
  name: string;
  type: 'table' | 'view';
}

export interface ColumnInfo {
  cid: number;
  name: string;
  type: string;
  notnull: boolean;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

export interface IndexInfo {
  name: string;
  unique: boolean;
  origin: string;
  partial: boolean;
  columns: (string | null)[];
}

export interface ForeignKeyInfo {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
  match: string;
}

export interface TableDescription {
  name: string;
  type: 'table' | 'view';
  sql: string | null;
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** Null for views (counting a view runs its query). */
  rowCount: number | null;
}

export interface PlanStep {
  id: number;
  parent: number;
  detail: string;
}

export interface ScriptStatementResult {
  index: number;
  sql: string;
  changes: number;
  returning?: RowsResult;
}

export interface ScriptResult {
  statements: ScriptStatementResult[];
  committed: boolean;
  dryRun: boolean;
  totalChanges: number;
}

export interface ExportResult {
  rows: number;
  bytes: number;
  /** True when the export stopped at its row or byte ceiling. */
  truncated: boolean;
}

export type RunnerRequest =
  | { op: 'read'; sql: string; params: SqlParams; offset: number; limits: ResultLimits }
  | { op: 'write'; sql: string; params: SqlParams; tool: 'write_query' | 'create_table'; limits: ResultLimits; dryRun?: boolean }
  | { op: 'list' }
  | { op: 'describe'; table: string }
  | { op: 'explain'; sql: string; params: SqlParams }
  | { op: 'script'; sql: string; dryRun: boolean; limits: ResultLimits; maxStatements: number }
  | { op: 'export'; sql: string; params: SqlParams; format: 'csv' | 'json'; tempPath: string; finalPath: string; maxRows: number; maxBytes: number };

export type RunnerResultMap = {
  read: RowsResult;
  write: WriteResult;
  list: TableEntry[];
  describe: TableDescription;
  explain: PlanStep[];
  script: ScriptResult;
  export: ExportResult;
};

/** A failure as it crosses the process boundary. */
export interface RunnerFailure {
  /** refused: the guard said no. sqlite: SQLite reported an error. input: bad parameters. internal: a bug. */
  kind: 'refused' | 'sqlite' | 'input' | 'not_found' | 'exists' | 'internal';
  message: string;
  hint?: string;
  /** SQLite's extended code, e.g. SQLITE_CONSTRAINT_UNIQUE. */
  code?: string;
}

export interface RunnerSettings {
  dbPath: string;
  /** When true the runner never opens a read-write connection. */
  readOnly: boolean;
  busyTimeoutMs: number;
}

export type ToRunner = { type: 'init'; settings: RunnerSettings } | { type: 'run'; id: number; request: RunnerRequest };

export type FromRunner =
  | { type: 'ready' }
  | { type: 'init-failed'; failure: RunnerFailure }
  | { type: 'done'; id: number; ok: true; json: string }
  | { type: 'done'; id: number; ok: false; failure: RunnerFailure };
