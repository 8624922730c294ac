/**
 * The statement guard: every SQL text a tool sends is parsed with PostgreSQL's own parser (libpg-query, the
 * real grammar compiled to WASM) and checked as a tree, never with regular expressions.
 *
 * The database does the heavy lifting: reads run in BEGIN READ ONLY on connections that start with
 * default_transaction_read_only=on, one statement over the extended protocol, with server-side timeouts.
 * This guard refuses what a read-only transaction does NOT stop, and gives clear messages early:
 * - more than one statement (no stacked COMMIT; ... / END; ...),
 * - transaction control, SET/RESET/DISCARD of session state, DO, COPY (TO PROGRAM above all), LOCK, LISTEN/NOTIFY,
 *   PREPARE/EXECUTE, cursors, ALTER SYSTEM, LOAD, role management,
 * - in read mode anything but SELECT / VALUES / TABLE / SHOW / EXPLAIN of those, data-modifying CTEs,
 *   SELECT INTO, FOR UPDATE/SHARE,
 * - calls anywhere in the tree to functions that touch files, the network, other sessions, server state or
 *   session settings (pg_read_file, lo_import, dblink, pg_terminate_backend, set_config, advisory locks, ...),
 *   including attribute notation (`t.pg_read_file`, `('/etc/passwd'::text).pg_read_file`) and runners of SQL
 *   given as text (query_to_xml, ts_stat, ts_rewrite, crosstab),
 * - in write mode temporary tables (they would outlive the call on a pooled connection) and ALTER DATABASE,
 * - with a schema allow-list, relations qualified with any other schema (read from or written to) and the
 *   *_to_xml functions that read tables named by a value.
 * What it cannot see (the body of a user-defined function or view) is why the README asks for a
 * least-privilege role: the role's privileges are the last word.
 */
import { parse } from 'libpg-query';

export type GuardMode = 'read' | 'write' | 'explain';

export interface GuardOptions {
  /** Schema allow-list; when set, qualified references to other schemas are refused. */
  schemas?: readonly string[] | undefined;
}

export interface CheckedStatement {
  /** The top-level node type, e.g. SelectStmt, InsertStmt. */
  kind: string;
  /** A friendly verb for messages: SELECT, INSERT, SHOW, EXPLAIN, ... */
  command: string;
  /** The parse tree of the one statement. */
  tree: Record<string, unknown>;
}

/** Why a statement was refused; `position` is 1-based like PostgreSQL's own error positions. */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  constructor(
    message: string,
    readonly code: 'syntax_error' | 'empty' | 'multiple_statements' | 'not_read_only' | 'forbidden_statement' | 'forbidden_function' | 'schema_not_allowed',
    readonly hint: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

/** Statements a read may be. Everything else is refused in read mode. */
const READ_STATEMENTS: Record<string, string> = {
  SelectStmt: 'SELECT',
  VariableShowStmt: 'SHOW',
  ExplainStmt: 'EXPLAIN',
};

/** Statements that write; refused anywhere in a read (data-modifying CTEs, EXPLAIN ANALYZE of a write). */
const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/**
 * Never allowed, even with --allow-write: they escape the transaction, persist on a pooled connection, reach
 * the server's file system or network, or change the cluster rather than the data.
 */
const FORBIDDEN_STATEMENTS: Record<string, string> = {
  TransactionStmt: 'transaction control (BEGIN/COMMIT/ROLLBACK/END/SAVEPOINT/SET TRANSACTION) is managed by the server',
  VariableSetStmt: 'SET/RESET of session settings (including SET ROLE and SET SESSION AUTHORIZATION) is not allowed',
  DiscardStmt: 'DISCARD is not allowed',
  DoStmt: 'DO blocks run code the server cannot check',
  CopyStmt: 'COPY is not allowed (COPY TO/FROM PROGRAM or a file reaches the server machine)',
  LockStmt: 'LOCK is not allowed',
  NotifyStmt: 'NOTIFY is not allowed',
  ListenStmt: 'LISTEN is not allowed',
  UnlistenStmt: 'UNLISTEN is not allowed',
  LoadStmt: 'LOAD is not allowed',
  AlterSystemStmt: 'ALTER SYSTEM is not allowed',
  CheckPointStmt: 'CHECKPOINT is not allowed',
  VacuumStmt: 'VACUUM/ANALYZE cannot run inside the transaction every statement runs in',
  CreatedbStmt: 'CREATE DATABASE is not allowed',
  DropdbStmt: 'DROP DATABASE is not allowed',
  CreateRoleStmt: 'role management is not allowed',
  AlterRoleStmt: 'role management is not allowed',
  AlterRoleSetStmt: 'role management is not allowed',
  DropRoleStmt: 'role management is not allowed',
  GrantRoleStmt: 'role management is not allowed',
  CreateTableSpaceStmt: 'tablespaces are not allowed',
  DropTableSpaceStmt: 'tablespaces are not allowed',
  AlterTableSpaceOptionsStmt: 'tablespaces are not allowed',
  PrepareStmt: 'PREPARE is not allowed (prepared statements outlive the call)',
  ExecuteStmt: 'EXECUTE is not allowed',
  DeallocateStmt: 'DEALLOCATE is not allowed',
  DeclareCursorStmt: 'cursors are managed by the server',
  FetchStmt: 'cursors are managed by the server',
  ClosePortalStmt: 'cursors are managed by the server',
  CreateSubscriptionStmt: 'subscriptions reach the network',
  AlterSubscriptionStmt: 'subscriptions reach the network',
  CreateForeignServerStmt: 'foreign servers reach the network',
  AlterForeignServerStmt: 'foreign servers reach the network',
  CreateUserMappingStmt: 'user mappings hold credentials for other servers',
  AlterUserMappingStmt: 'user mappings hold credentials for other servers',
  ImportForeignSchemaStmt: 'foreign schemas reach the network',
  CreateExtensionStmt: 'CREATE EXTENSION loads server code',
  AlterExtensionStmt: 'ALTER EXTENSION loads server code',
  // Like ALTER ROLE ... SET: settings stored for every future session of the database (this server's own
  // default_transaction_read_only included), and database-wide options.
  AlterDatabaseSetStmt: 'ALTER DATABASE ... SET/RESET is not allowed (it changes the settings of every future session)',
  AlterDatabaseStmt: 'ALTER DATABASE is not allowed',
  CreateEventTrigStmt: 'event triggers are not allowed',
  AlterEventTrigStmt: 'event triggers are not allowed',
};

/**
 * Functions refused anywhere in the tree: exact names (lower case, any schema) and name prefixes.
 * They read or write server files, reach the network, act on other sessions or the server, keep locks or
 * state beyond the transaction, or run SQL given as a string (which this guard could not check).
 */
const FORBIDDEN_FUNCTIONS = new Set([
  'pg_read_file', 'pg_read_binary_file', 'pg_stat_file', 'pg_ls_dir', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync',
  'loread', 'lowrite',
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_signal_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_log_backend_memory_contexts',
  'pg_promote', 'pg_switch_wal', 'pg_create_restore_point', 'pg_log_standby_snapshot', 'pg_sync_replication_slots', 'pg_replication_slot_advance',
  'pg_notify', 'set_config', 'txid_current', 'pg_current_xact_id', 'pg_import_system_collations', 'pg_prewarm',
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'cursor_to_xml', 'cursor_to_xmlschema',
  // Also SQL in a string: ts_stat(sqlquery text [, weights]) and ts_rewrite(query, select text) run the query
  // text they are given (the three-tsquery ts_rewrite does not, but the name is refused whole: simpler and
  // safe); connectby (tablefunc) builds and runs a query from the table and column names it is given.
  'ts_stat', 'ts_rewrite', 'connectby',
  'http',
]);

/**
 * With a schema allow-list only: functions that read tables named by a value (a regclass, a schema name, or
 * every schema of the database), which the check of qualified names in the tree cannot see. Without an
 * allow-list they read only what the role may SELECT anyway.
 */
const SCHEMA_BYPASS_FUNCTIONS = new Set([
  'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema',
  'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema',
  'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
]);

/** Sequence changes are writes; allowed only by execute. */
const WRITE_ONLY_FUNCTIONS = new Set(['nextval', 'setval']);

const FORBIDDEN_FUNCTION_PREFIXES = [
  'pg_read_', 'pg_ls_', 'pg_file_', 'lo_', 'dblink', 'pg_advisory', 'pg_try_advisory', 'pg_create_', 'pg_drop_', 'pg_copy_',
  'pg_replication_', 'pg_logical_', 'pg_stat_reset', 'pg_stat_statements_reset', 'pg_wal_replay_', 'pg_backup_', 'pg_start_backup',
  'pg_stop_backup', 'binary_upgrade_', 'http_', 'table_import_from_s3', 'query_export_to_s3', 'copy_from', 'copy_to',
  // tablefunc's crosstab, crosstab2..4 and crosstab_hash run the SQL text they are given.
  'crosstab',
];

/** Schemas every query may name: the catalogs describe the database and are needed for metadata reads. */
const ALWAYS_ALLOWED_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/** Untrusted procedural languages run arbitrary code on the server machine. */
const UNTRUSTED_LANGUAGE = /^(c|internal|plpython\d*u|plperlu|pltclu|plv8u|pljavau)$/i;

function isForbiddenFunction(name: string, mode: GuardMode): boolean {
  if (FORBIDDEN_FUNCTIONS.has(name)) return true;
  if (mode !== 'write' && WRITE_ONLY_FUNCTIONS.has(name)) return true;
  return FORBIDDEN_FUNCTION_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Refuses a call of `name` (written as `shown`) that could reach beyond this query or the schema allow-list. */
function checkFunctionName(name: string, shown: string, mode: GuardMode, options: GuardOptions, at: string, location: number | undefined): void {
  if (isForbiddenFunction(name, mode)) {
    throw new GuardError(
      `refused: the function ${shown}${at} can read or change things outside this query (files, the network, other sessions, sequences, server settings, or SQL given as text).`,
      'forbidden_function',
      'remove that function call.',
      location,
    );
  }
  if (options.schemas && SCHEMA_BYPASS_FUNCTIONS.has(name)) {
    throw new GuardError(
      `refused: the function ${shown}${at} reads tables named by a value, which could be outside the schemas this server may use (${options.schemas.join(', ')}).`,
      'schema_not_allowed',
      `select from tables in ${options.schemas.join(', ')} directly (query_to_xml is refused too; build XML with xmlelement/xmlforest if needed).`,
      location,
    );
  }
}

/** Parses one statement; throws GuardError with a 1-based position on a syntax error. */
export async function parseSingle(sql: string): Promise<Record<string, unknown>> {
  let result: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    result = (await parse(sql)) as typeof result;
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const message = (error as Error).message || 'syntax error';
    if (/cannot be empty/i.test(message)) throw new GuardError('the SQL is empty.', 'empty', 'send one SQL statement, e.g. SELECT * FROM my_table LIMIT 10.');
    const position = typeof details?.cursorPosition === 'number' && details.cursorPosition >= 0 ? details.cursorPosition + 1 : undefined;
    throw new GuardError(`${message}${position ? ` ${describePosition(sql, position)}` : ''}.`, 'syntax_error', 'fix the SQL syntax and call again.', position);
  }
  const statements = result.stmts ?? [];
  if (statements.length === 0) {
    throw new GuardError('the SQL contains no statement (only comments or whitespace).', 'empty', 'send one SQL statement.');
  }
  if (statements.length > 1) {
    throw new GuardError(
      `the SQL contains ${statements.length} statements; exactly one is allowed per call.`,
      'multiple_statements',
      'send one statement per call, without a second statement after a semicolon.',
    );
  }
  const tree = statements[0]?.stmt;
  if (!tree) throw new GuardError('the SQL contains no statement.', 'empty', 'send one SQL statement.');
  return tree;
}

/** Checks a statement for the given mode; returns what it is, or throws GuardError saying why not. */
export async function checkStatement(sql: string, mode: GuardMode, options: GuardOptions = {}): Promise<CheckedStatement> {
  const tree = await parseSingle(sql);
  const kind = Object.keys(tree)[0] ?? 'Unknown';
  const command = commandName(kind, tree[kind]);
  const forbidden = FORBIDDEN_STATEMENTS[kind];
  if (forbidden) {
    throw new GuardError(`refused: ${forbidden}.`, 'forbidden_statement', mode === 'read' ? 'send a single SELECT (or SHOW/EXPLAIN) statement.' : 'send a single data or schema statement; the server wraps it in a transaction.');
  }
  if (mode === 'read' && !(kind in READ_STATEMENTS)) {
    throw new GuardError(
      `refused: ${command} is not a read; this tool runs only SELECT, VALUES, TABLE, SHOW and EXPLAIN.`,
      'not_read_only',
      'rewrite it as a SELECT, or use the execute tool if the server was started with --allow-write.',
    );
  }
  if (mode === 'explain' && !['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'].includes(kind)) {
    throw new GuardError(`refused: ${command} cannot be explained; explain_query takes a SELECT, INSERT, UPDATE, DELETE or MERGE.`, 'forbidden_statement', 'pass the statement without an EXPLAIN prefix.');
  }
  if (mode === 'write' && kind === 'CreateFunctionStmt') checkFunctionLanguage(tree[kind]);
  walk(tree, mode, options, sql, kind);
  return { kind, command, tree };
}

function checkFunctionLanguage(node: unknown): void {
  const options = ((node as { options?: unknown[] }).options ?? []) as { DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }[];
  for (const option of options) {
    const language = option.DefElem?.defname === 'language' ? option.DefElem.arg?.String?.sval : undefined;
    if (language && UNTRUSTED_LANGUAGE.test(language)) {
      throw new GuardError(`refused: functions in the untrusted language ${language} run code on the database server.`, 'forbidden_statement', 'use LANGUAGE sql or plpgsql.');
    }
  }
}

function walk(node: unknown, mode: GuardMode, options: GuardOptions, sql: string, topKind: string): void {
  // An explicit stack rather than recursion: deep trees cannot overflow the JS stack. Bounded by the tree size.
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    for (const [key, value] of Object.entries(current as Record<string, unknown>)) {
      if (value && typeof value === 'object') {
        checkNode(key, value as Record<string, unknown>, mode, options, sql, topKind);
        stack.push(value);
      }
    }
  }
}

function checkNode(key: string, value: Record<string, unknown>, mode: GuardMode, options: GuardOptions, sql: string, topKind: string): void {
  const location = typeof value.location === 'number' && value.location >= 0 ? charPosition(sql, value.location) : undefined;
  const at = location ? ` ${describePosition(sql, location)}` : '';
  if (key !== topKind && FORBIDDEN_STATEMENTS[key]) {
    throw new GuardError(`refused: ${FORBIDDEN_STATEMENTS[key]}.`, 'forbidden_statement', 'send a single plain statement.', location);
  }
  if (mode === 'read' && WRITE_NODES.has(key)) {
    throw new GuardError(
      `refused: the statement contains ${commandName(key, value)} (a data-modifying part, e.g. in a WITH clause or under EXPLAIN ANALYZE); reads cannot change data.`,
      'not_read_only',
      'remove the data-modifying part, or use the execute tool if the server was started with --allow-write.',
    );
  }
  if (key === 'SelectStmt' && mode !== 'write') {
    if (value.intoClause) throw new GuardError('refused: SELECT INTO creates a table; reads cannot.', 'not_read_only', 'drop the INTO clause.');
    if (value.lockingClause) throw new GuardError('refused: FOR UPDATE/SHARE takes row locks; reads do not lock rows.', 'not_read_only', 'drop the FOR UPDATE/FOR SHARE clause.');
  }
  if (key === 'FuncCall') {
    const parts = stringList(value.funcname);
    const name = parts[parts.length - 1] ?? '';
    checkFunctionName(name, parts.join('.'), mode, options, at, location);
    if (parts.length > 1) checkSchema(parts[parts.length - 2]!, options, `function ${parts.join('.')}`, location, sql);
  }
  if (key === 'ColumnRef') {
    // Attribute notation calls a function too: `t.pg_read_file` is pg_read_file(t).
    const parts = stringList(value.fields);
    const last = parts[parts.length - 1];
    if (parts.length > 1 && last) checkFunctionName(last, `${last} (called in attribute notation as ${parts.join('.')})`, mode, options, at, location);
  }
  if (key === 'A_Indirection') {
    // So does a field selection on any expression: `('/etc/passwd'::text).pg_read_file` is pg_read_file('/etc/passwd'),
    // and `(x).a.pg_read_file` applies it to a field. Every name step of the indirection can be a function call.
    // A_Indirection has no location of its own: point at the start of the expression it applies to.
    const argLocation = firstLocation(value.arg);
    const where = argLocation === undefined ? undefined : charPosition(sql, argLocation);
    for (const name of stringList((value.indirection as unknown[] | undefined)?.filter((step) => (step as { String?: unknown }).String))) {
      checkFunctionName(name, `${name} (called in attribute notation on an expression)`, mode, options, where ? ` ${describePosition(sql, where)}` : '', where);
    }
  }
  // A RangeVar appears as {RangeVar: {...}} in FROM lists but bare under other keys (the target of INSERT,
  // UPDATE, DELETE, MERGE, CREATE TABLE/VIEW/INDEX, ALTER TABLE: `relation`, `view`, `rel`, `sequence`).
  const isRangeVar = key === 'RangeVar' || (typeof value.relname === 'string' && 'relpersistence' in value);
  if (isRangeVar && typeof value.schemaname === 'string') {
    checkSchema(value.schemaname, options, `relation ${value.schemaname}.${String(value.relname)}`, location, sql);
  }
  if (isRangeVar && mode === 'write' && (value.relpersistence === 't' || (typeof value.schemaname === 'string' && /^pg_temp/i.test(value.schemaname)))) {
    // Temporary objects belong to the session, i.e. to one pooled connection: they would outlive the call and
    // shadow real tables of the same name (pg_temp comes first in the search path) in later calls that happen
    // to get that connection.
    throw new GuardError(
      `refused: temporary table, view or sequence ${String(value.relname)}${at}: it would stay on one pooled connection after this call and hide the real table of that name from later calls.`,
      'forbidden_statement',
      'create a regular table (and drop it when done), or use a WITH clause / subquery within one statement.',
      location,
    );
  }
}

function checkSchema(schema: string, options: GuardOptions, what: string, location: number | undefined, sql: string): void {
  if (!options.schemas || ALWAYS_ALLOWED_SCHEMAS.has(schema) || options.schemas.includes(schema)) return;
  throw new GuardError(
    `refused: ${what}${location ? ` ${describePosition(sql, location)}` : ''} is outside the schemas this server may use (${options.schemas.join(', ')}).`,
    'schema_not_allowed',
    `use tables in ${options.schemas.join(', ')} (list_tables shows them).`,
    location,
  );
}

/** The smallest parser location in a subtree (where an expression starts), if any. Bounded by the tree size. */
function firstLocation(node: unknown): number | undefined {
  let first: number | undefined;
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current || typeof current !== 'object') continue;
    for (const [key, value] of Object.entries(current as Record<string, unknown>)) {
      if (key === 'location' && typeof value === 'number' && value >= 0 && (first === undefined || value < first)) first = value;
      else if (value && typeof value === 'object') stack.push(value);
    }
  }
  return first;
}

function stringList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => ((item as { String?: { sval?: string } }).String?.sval ?? '').toLowerCase());
}

function commandName(kind: string, node: unknown): string {
  if (READ_STATEMENTS[kind]) return READ_STATEMENTS[kind]!;
  if (kind === 'TransactionStmt') return String((node as { kind?: string }).kind ?? 'TRANSACTION').replace(/^TRANS_STMT_/, '');
  return kind
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** Tree locations are 0-based byte offsets (error positions are characters already); messages use 1-based characters. */
function charPosition(sql: string, byteOffset: number): number {
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length + 1;
}

/** "at character 12 (line 1, column 12)": PostgreSQL counts characters from 1. */
export function describePosition(sql: string, position: number): string {
  const before = sql.slice(0, Math.max(0, position - 1));
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1);
  return `at character ${position} (line ${line}, column ${column})`;
}
