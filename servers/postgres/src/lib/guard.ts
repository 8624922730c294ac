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
 * - with a schema allow-list: names qualified with any other schema (relations, functions, types, operators,
 *   collations, reg* constants such as 'other.t'::regclass, sequence names given to nextval/setval), functions
 *   that read or change tables named by a value (*_to_xml, pageinspect, statistics import), the pg_stats family
 *   (sample values of every table's columns); in write mode the default-deny checks of schema-scope.ts
 *   (DROP, COMMENT, GRANT, RENAME, SET SCHEMA, OWNER TO, CASCADE, function bodies, catalog targets),
 * - in write mode, UPDATE/INSERT/DELETE of pg_settings (a SET in disguise that would stay on a pooled connection).
 * What it cannot see (the body of a user-defined function or view) is why the README asks for a
 * least-privilege role: the role's privileges are the last word.
 */
import { parse } from 'libpg-query';
import { atLocation, charPosition, describePosition, GuardError } from './guard-error.js';
import { ALWAYS_ALLOWED_SCHEMAS, checkScopedStatement, strings, type ScopeContext, type TargetLookup, type TargetRole } from './schema-scope.js';

export { describePosition, GuardError } from './guard-error.js';
export { checkTargetLookups, type TargetLookup } from './schema-scope.js';

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
  /**
   * With a schema allow-list in write mode: unqualified names of existing objects the statement changes. They
   * resolve through the search path, which PostgreSQL starts with pg_catalog: checkTargetLookups checks them in
   * the database, in the statement's own transaction, before it runs.
   */
  lookups: TargetLookup[];
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
 * With a schema allow-list only: functions that read or change tables named by a value (a regclass, a name as
 * text, a schema name, or every schema of the database), which the check of qualified names in the tree cannot
 * see. Without an allow-list they reach only what the role may anyway. The reason is part of the refusal.
 */
const XML_HINT = 'select from the tables directly (query_to_xml is refused too; build XML with xmlelement/xmlforest if needed).';
const SCHEMA_BYPASS_FUNCTIONS = new Map<string, readonly [reason: string, hint: string]>([
  ...['table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema', 'schema_to_xml', 'schema_to_xmlschema', 'schema_to_xml_and_xmlschema', 'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema'].map(
    (name) => [name, ['reads tables named by a value', XML_HINT]] as const,
  ),
  // pageinspect: raw pages of any relation, i.e. its rows.
  ...['get_raw_page', 'heap_page_items', 'heap_page_item_attrs', 'tuple_data_split', 'bt_page_items', 'brin_page_items', 'gin_leafpage_items', 'hash_page_items', 'gist_page_items', 'gist_page_items_bytea'].map(
    (name) => [name, ['reads the raw pages (the rows) of a relation named by a value', 'select from the tables directly.']] as const,
  ),
  // PostgreSQL 17/18's statistics import (what pg_dump emits), pg_surgery and pg_visibility: they change a relation named by a value.
  ...['pg_restore_relation_stats', 'pg_restore_attribute_stats', 'pg_clear_relation_stats', 'pg_clear_attribute_stats', 'pg_set_relation_stats', 'pg_set_attribute_stats', 'heap_force_kill', 'heap_force_freeze', 'pg_truncate_visibility_map'].map(
    (name) => [name, ['changes a relation (or its statistics) named by a value', 'ask a database administrator to run it.']] as const,
  ),
]);

/**
 * Functions whose first argument names a relation, usually as a text constant ('app.seq') that becomes a
 * regclass: with a schema allow-list the name is checked like a qualified name in the tree. `true`: it changes
 * the relation, so with --schema the name must be a constant the guard can read.
 */
const RELATION_ARGUMENT_FUNCTIONS = new Map<string, boolean>([
  ['nextval', true], ['setval', true], ['brin_summarize_new_values', true], ['brin_summarize_range', true], ['brin_desummarize_range', true], ['gin_clean_pending_list', true],
  ['currval', false], ['pg_sequence_last_value', false], ['pg_get_sequence_data', false],
  ['to_regclass', false], ['to_regtype', false], ['to_regtypemod', false], ['to_regproc', false], ['to_regprocedure', false], ['to_regoper', false], ['to_regoperator', false], ['to_regcollation', false], ['to_regnamespace', false],
]);

/** The reg* types whose input is an object name: a constant cast to one is checked like a qualified name. */
const REG_TYPES = new Set(['regclass', 'regtype', 'regproc', 'regprocedure', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation', 'regnamespace']);

/**
 * Catalog views and tables holding sample values of every table's columns (most common values, histogram
 * bounds, MCV lists): row data of tables in any schema the role may read.
 */
const STATISTICS_RELATIONS = new Set(['pg_statistic', 'pg_stats', 'pg_stats_ext', 'pg_stats_ext_exprs', 'pg_statistic_ext_data']);

/** Sequence changes are writes; allowed only by execute. */
const WRITE_ONLY_FUNCTIONS = new Set(['nextval', 'setval']);

const FORBIDDEN_FUNCTION_PREFIXES = [
  'pg_read_', 'pg_ls_', 'pg_file_', 'lo_', 'dblink', 'pg_advisory', 'pg_try_advisory', 'pg_create_', 'pg_drop_', 'pg_copy_',
  'pg_replication_', 'pg_logical_', 'pg_stat_reset', 'pg_stat_statements_reset', 'pg_wal_replay_', 'pg_backup_', 'pg_start_backup',
  'pg_stop_backup', 'binary_upgrade_', 'http_', 'table_import_from_s3', 'query_export_to_s3', 'copy_from', 'copy_to',
  // tablefunc's crosstab, crosstab2..4 and crosstab_hash run the SQL text they are given.
  'crosstab',
];

/** Untrusted procedural languages run arbitrary code on the server machine. */
const UNTRUSTED_LANGUAGE = /^(c|internal|plpython\d*u|plperlu|pltclu|plv8u|pljavau)$/i;

/** Nodes whose DROP_CASCADE drops or changes dependent objects (GRANT/REVOKE CASCADE stays on one object). */
const CASCADE_NODES = new Set(['DropStmt', 'TruncateStmt', 'RenameStmt', 'AlterDomainStmt', 'AlterTableCmd']);

/** What the tree walk of one statement knows besides the node at hand. */
interface CheckContext {
  mode: GuardMode;
  options: GuardOptions;
  /** The text the tree's locations refer to (the statement, or a function body). */
  sql: string;
  topKind: string;
  /** Relations the statement changes or creates (their RangeVar nodes, by identity). */
  targets: Map<object, TargetRole>;
  lookups: TargetLookup[];
  /** Write mode with a schema allow-list: the default-deny checks of schema-scope.ts apply. */
  scoped: boolean;
}

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
  const bypass = options.schemas ? SCHEMA_BYPASS_FUNCTIONS.get(name) : undefined;
  if (options.schemas && bypass) {
    throw new GuardError(
      `refused: the function ${shown}${at} ${bypass[0]}, which could be outside the schemas this server may use (${options.schemas.join(', ')}).`,
      'schema_not_allowed',
      `${bypass[1]} Only tables in ${options.schemas.join(', ')} can be used.`,
      location,
    );
  }
}

/** Parses one statement; throws GuardError with a 1-based position on a syntax error. */
export async function parseSingle(sql: string): Promise<Record<string, unknown>> {
  const statements = await parseAll(sql);
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
  const tree = statements[0];
  if (!tree) throw new GuardError('the SQL contains no statement.', 'empty', 'send one SQL statement.');
  return tree;
}

async function parseAll(sql: string): Promise<Record<string, unknown>[]> {
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
  return (result.stmts ?? []).map((s) => s.stmt).filter((stmt): stmt is Record<string, unknown> => !!stmt);
}

/** Checks a statement for the given mode; returns what it is, or throws GuardError saying why not. */
export async function checkStatement(sql: string, mode: GuardMode, options: GuardOptions = {}): Promise<CheckedStatement> {
  const tree = await parseSingle(sql);
  const kind = Object.keys(tree)[0] ?? 'Unknown';
  const command = commandName(kind, tree[kind]);
  checkStatementKind(kind, command, mode);
  const lookups: TargetLookup[] = [];
  await checkTree(kind, tree, mode, options, sql, lookups);
  const seen = new Set<string>();
  return { kind, command, tree, lookups: lookups.filter((l) => !seen.has(`${l.catalog}\0${l.name}`) && seen.add(`${l.catalog}\0${l.name}`)) };
}

function checkStatementKind(kind: string, command: string, mode: GuardMode): void {
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
}

/** The checks of one parsed statement: the schema scope of writes (with --schema), then the tree walk. */
async function checkTree(kind: string, tree: Record<string, unknown>, mode: GuardMode, options: GuardOptions, sql: string, lookups: TargetLookup[]): Promise<void> {
  if (mode === 'write' && kind === 'CreateFunctionStmt') checkFunctionLanguage(tree[kind]);
  const ctx: CheckContext = { mode, options, sql, topKind: kind, targets: new Map(), lookups, scoped: mode === 'write' && !!options.schemas?.length };
  if (ctx.scoped) {
    const scope: ScopeContext = {
      schemas: options.schemas!,
      sql,
      targets: ctx.targets,
      lookups,
      checkBody: (body, what) => checkBody(body, what, options, lookups),
    };
    await checkScopedStatement(kind, (tree[kind] ?? {}) as Record<string, unknown>, scope);
  }
  walk(tree, ctx);
}

/**
 * A LANGUAGE sql function body, which PostgreSQL parses and runs later (with the caller's search path): every
 * statement in it is checked like a statement sent to execute.
 */
async function checkBody(body: string, what: string, options: GuardOptions, lookups: TargetLookup[]): Promise<void> {
  try {
    if (!body.trim()) return;
    for (const tree of await parseAll(body)) {
      const kind = Object.keys(tree)[0] ?? 'Unknown';
      checkStatementKind(kind, commandName(kind, tree[kind]), 'write');
      await checkTree(kind, tree, 'write', options, body, lookups);
    }
  } catch (error) {
    if (error instanceof GuardError && error.code !== 'empty') throw new GuardError(`in ${what}: ${error.message}`, error.code, error.hint);
    if (error instanceof GuardError) return;
    throw error;
  }
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

function walk(node: unknown, ctx: CheckContext): void {
  // An explicit stack rather than recursion: deep trees cannot overflow the JS stack. Bounded by the tree size.
  // A parent is checked before its children (they are pushed after it), so targets it registers are known
  // by the time its RangeVar is checked.
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
        checkNode(key, value as Record<string, unknown>, ctx);
        stack.push(value);
      }
    }
  }
}

function checkNode(key: string, value: Record<string, unknown>, ctx: CheckContext): void {
  const { mode, options, sql } = ctx;
  const { at, position: location } = atLocation(sql, value.location);
  if (key !== ctx.topKind && FORBIDDEN_STATEMENTS[key]) {
    throw new GuardError(`refused: ${FORBIDDEN_STATEMENTS[key]}.`, 'forbidden_statement', 'send a single plain statement.', location);
  }
  if (mode === 'read' && WRITE_NODES.has(key)) {
    throw new GuardError(
      `refused: the statement contains ${commandName(key, value)} (a data-modifying part, e.g. in a WITH clause or under EXPLAIN ANALYZE); reads cannot change data.`,
      'not_read_only',
      'remove the data-modifying part, or use the execute tool if the server was started with --allow-write.',
    );
  }
  if (mode === 'write' && WRITE_NODES.has(key) && value.relation && typeof value.relation === 'object') {
    // The table an INSERT/UPDATE/DELETE/MERGE writes, at any depth (data-modifying CTEs, EXPLAIN ANALYZE).
    ctx.targets.set(value.relation, 'change');
  }
  if (mode === 'write' && (key === 'intoClause' || key === 'into') && value.rel && typeof value.rel === 'object') {
    // SELECT ... INTO and CREATE TABLE AS create a table.
    ctx.targets.set(value.rel, 'create');
  }
  if (key === 'SelectStmt' && mode !== 'write') {
    if (value.intoClause) throw new GuardError('refused: SELECT INTO creates a table; reads cannot.', 'not_read_only', 'drop the INTO clause.');
    if (value.lockingClause) throw new GuardError('refused: FOR UPDATE/SHARE takes row locks; reads do not lock rows.', 'not_read_only', 'drop the FOR UPDATE/FOR SHARE clause.');
  }
  if (key === 'FuncCall') {
    const raw = strings(value.funcname);
    const parts = raw.map((part) => part.toLowerCase());
    const name = parts[parts.length - 1] ?? '';
    checkFunctionName(name, parts.join('.'), mode, options, at, location);
    // The schema as written: `"Sales".f()` is not `sales.f()`.
    if (raw.length > 1) checkSchema(raw[raw.length - 2]!, options, `function ${raw.join('.')}`, location, sql);
    if (options.schemas) checkRelationArgument(name, value.args, ctx, at, location);
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
  if (mode === 'write' && Array.isArray(value)) checkTempSchemaName(value, ctx);
  if (options.schemas) checkNamedObjects(key, value, ctx, location);
  if (ctx.scoped && CASCADE_NODES.has(key) && value.behavior === 'DROP_CASCADE') {
    throw new GuardError(
      `refused: CASCADE also drops or changes every object that depends on this one, and those can be in schemas outside the ones this server may use (${options.schemas!.join(', ')}).`,
      'schema_not_allowed',
      `run it without CASCADE; PostgreSQL then names the dependent objects, which you can drop or change first when they are in ${options.schemas!.join(', ')}.`,
    );
  }
  if (ctx.scoped && key === 'DefElem') checkSequenceOption(value, ctx);
  // A RangeVar appears as {RangeVar: {...}} in FROM lists but bare under other keys (the target of INSERT,
  // UPDATE, DELETE, MERGE, CREATE TABLE/VIEW/INDEX, ALTER TABLE: `relation`, `view`, `rel`, `sequence`).
  const isRangeVar = key === 'RangeVar' || (typeof value.relname === 'string' && 'relpersistence' in value);
  if (isRangeVar) checkRangeVar(value, ctx, at, location);
}

function checkRangeVar(value: Record<string, unknown>, ctx: CheckContext, at: string, location: number | undefined): void {
  const { mode, options, sql } = ctx;
  const relname = String(value.relname);
  const schema = typeof value.schemaname === 'string' ? value.schemaname : undefined;
  const role = ctx.targets.get(value);
  if (mode === 'write' && role === 'change' && relname === 'pg_settings' && (schema === undefined || schema === 'pg_catalog')) {
    // Its update rule calls set_config(name, value, false): a session-level SET that would outlive the call on
    // this pooled connection, past the checks on SET.
    throw new GuardError(
      `refused: writing pg_settings${at} changes a session setting (as SET would), which would stay on one pooled connection after this call.`,
      'forbidden_statement',
      'settings cannot be changed through this server; ask the operator (per-role settings, or the server options).',
      location,
    );
  }
  if (options.schemas && !role && STATISTICS_RELATIONS.has(relname) && (schema === undefined || schema === 'pg_catalog')) {
    throw new GuardError(
      `refused: ${relname}${at} holds sample values (most common values, histogram bounds) of the columns of every table, including tables outside the schemas this server may use (${options.schemas.join(', ')}).`,
      'schema_not_allowed',
      `compute what you need from the tables in ${options.schemas.join(', ')} directly (e.g. SELECT col, count(*) ... GROUP BY col ORDER BY 2 DESC LIMIT 10).`,
      location,
    );
  }
  if (ctx.scoped && role) {
    if (schema !== undefined && !options.schemas!.includes(schema)) {
      throw new GuardError(
        `refused: ${role === 'create' ? 'new relation' : 'relation'} ${schema}.${relname}${at} is outside the schemas this server may use (${options.schemas!.join(', ')}); statements run by this server change only objects in those schemas${ALWAYS_ALLOWED_SCHEMAS.has(schema) ? ` (${schema} can be read, not changed)` : ''}.`,
        'schema_not_allowed',
        `work on tables in ${options.schemas!.join(', ')} (list_tables shows them).`,
        location,
      );
    }
    if (schema === undefined && role === 'change') ctx.lookups.push({ catalog: 'relation', name: relname });
  } else if (schema !== undefined) {
    checkSchema(schema, options, `relation ${schema}.${relname}`, location, sql);
  }
  if (mode === 'write' && (value.relpersistence === 't' || (schema !== undefined && /^pg_temp/i.test(schema)))) {
    // Temporary objects belong to the session, i.e. to one pooled connection: they would outlive the call and
    // shadow real tables of the same name (pg_temp comes first in the search path) in later calls that happen
    // to get that connection.
    throw new GuardError(
      `refused: temporary table, view or sequence ${relname}${at}: it would stay on one pooled connection after this call and hide the real table of that name from later calls.`,
      'forbidden_statement',
      'create a regular table (and drop it when done), or use a WITH clause / subquery within one statement.',
      location,
    );
  }
}

/**
 * A qualified name list (a type, domain, function, operator, aggregate, ... name) in pg_temp: like temporary
 * tables (checkRangeVar), such objects belong to the session, i.e. to one pooled connection, and a temp type
 * or function named like a real one would be found first by later calls on that connection.
 */
function checkTempSchemaName(list: unknown[], ctx: CheckContext): void {
  if (list.length < 2) return;
  const first = (list[0] as { String?: { sval?: unknown } } | undefined)?.String?.sval;
  if (typeof first !== 'string' || !/^pg_temp/i.test(first)) return;
  if (!list.every((item) => typeof (item as { String?: { sval?: unknown } } | undefined)?.String?.sval === 'string')) return;
  const name = list.map((item) => (item as { String: { sval: string } }).String.sval).join('.');
  throw new GuardError(
    `refused: temporary object ${name}: objects in pg_temp would stay on one pooled connection after this call and hide the real object of that name from later calls.`,
    'forbidden_statement',
    'create it in a regular schema (and drop it when done), or keep the logic within one statement.',
    undefined,
  );
}

/**
 * With a schema allow-list: names of other kinds that the tree spells out (type names, operators, collations)
 * and constants cast to reg* types ('other.t'::regclass), in any statement.
 */
function checkNamedObjects(key: string, value: Record<string, unknown>, ctx: CheckContext, location: number | undefined): void {
  const { options, sql } = ctx;
  // A type name: {TypeName: {...}} or bare ({names, typemod}) under typeName, argType, returnType, ...
  if (key === 'TypeName' || (Array.isArray(value.names) && 'typemod' in value)) {
    const names = strings(value.names);
    // %TYPE names a column: [schema.]table.column%TYPE.
    const schemaAt = value.pct_type ? names.length - 3 : names.length - 2;
    if (schemaAt >= 0) checkSchema(names[schemaAt]!, options, `type ${names.join('.')}`, location, sql);
  }
  if (key === 'A_Expr' || key === 'SortBy') {
    // OPERATOR(other.+), ORDER BY x USING other.<
    const names = strings(key === 'A_Expr' ? value.name : value.useOp);
    if (names.length > 1) checkSchema(names[names.length - 2]!, options, `operator ${names.join('.')}`, location, sql);
  }
  if (key === 'RangeTableSample') {
    // TABLESAMPLE other.method(10): the method is a function.
    const names = strings(value.method);
    if (names.length > 1) checkSchema(names[names.length - 2]!, options, `table sample method ${names.join('.')}`, location, sql);
  }
  if (key === 'CollateClause') {
    const names = strings(value.collname);
    if (names.length > 1) checkSchema(names[names.length - 2]!, options, `collation ${names.join('.')}`, location, sql);
  }
  if (key === 'TypeCast') {
    const typeName = (value.typeName ?? {}) as { names?: unknown };
    const names = strings(typeName.names).map((n) => n.toLowerCase());
    const regType = names[names.length - 1];
    const text = constantText(value.arg);
    if (regType && REG_TYPES.has(regType) && (names.length === 1 || names[0] === 'pg_catalog') && text !== undefined) {
      // Point at the constant, not at the `::`.
      const start = firstLocation(value);
      checkNameConstant(text, regType, ctx, `'${text}'::${regType}`, start === undefined ? location : charPosition(sql, start), false);
    }
  }
}

/** nextval('other.seq'), setval(...), to_regclass('other.t'), ...: the relation is named by a value. */
function checkRelationArgument(name: string, args: unknown, ctx: CheckContext, at: string, location: number | undefined): void {
  const first = Array.isArray(args) ? args[0] : undefined;
  if (first === undefined) return;
  if (REG_TYPES.has(name)) {
    // regclass('other.t') is a cast written as a call.
    const text = constantText(first);
    if (text !== undefined) checkNameConstant(text, name, ctx, `${name}('${text}')`, location, false);
    return;
  }
  const writes = RELATION_ARGUMENT_FUNCTIONS.get(name);
  if (writes === undefined) return;
  const text = relationText(first);
  if (text === undefined) {
    if (!writes) return;
    throw new GuardError(
      `refused: ${name}${at} changes the relation its argument names, and with --schema that name must be a constant the server can check (it could be a sequence or index in another schema).`,
      'schema_not_allowed',
      `name it as text, e.g. ${name}('${ctx.options.schemas![0]}.my_sequence'${name === 'setval' ? ', 42' : ''}) or ${name}(pg_get_serial_sequence('${ctx.options.schemas![0]}.my_table', 'id')...).`,
      location,
    );
  }
  const kind = name.startsWith('to_reg') ? name.slice(3) : 'regclass';
  checkNameConstant(text, kind, ctx, `${name}('${text}')`, location, writes);
}

/**
 * A name given as text to a reg* input: [schema.]name, quoted or not, possibly followed by arguments or
 * array brackets. With `writes`, the schema must be an allowed one (not a catalog) and a bare OID is refused.
 */
function checkNameConstant(text: string, regType: string, ctx: CheckContext, what: string, location: number | undefined, writes: boolean): void {
  const { options, sql } = ctx;
  const schemas = options.schemas!;
  const parts = nameParts(text);
  if (!parts) {
    throw new GuardError(
      `refused: ${what}${location ? ` ${describePosition(sql, location)}` : ''} is a name the server cannot read safely; with --schema every name is checked against ${schemas.join(', ')}.`,
      'schema_not_allowed',
      'write it plainly as schema.name, with double quotes only around a name part that needs them.',
      location,
    );
  }
  const at = location ? ` ${describePosition(sql, location)}` : '';
  const schema = regType === 'regnamespace' ? (parts.length === 1 ? parts[0] : undefined) : parts.length >= 2 ? parts[parts.length - 2] : undefined;
  if (schema !== undefined && !schemas.includes(schema) && (writes || !ALWAYS_ALLOWED_SCHEMAS.has(schema))) {
    throw new GuardError(
      `refused: ${what}${at} names ${regType === 'regnamespace' ? 'the schema' : 'an object in schema'} ${schema}, outside the schemas this server may use (${schemas.join(', ')})${writes ? '; statements run by this server change only objects in those schemas' : ''}.`,
      'schema_not_allowed',
      writes ? `use sequences and indexes in ${schemas.join(', ')} (list_tables and describe_table show them).` : `name objects in ${schemas.join(', ')} (or the catalogs); list_tables shows them.`,
      location,
    );
  }
  // A bare number is read as an object id (any relation of any schema): fine for metadata, not for a change.
  if (writes && /^\s*\d+\s*$/.test(text)) {
    throw new GuardError(
      `refused: ${what}${at} is an object id, which could belong to any schema.`,
      'schema_not_allowed',
      `name it instead, e.g. '${schemas[0]}.my_sequence'.`,
      location,
    );
  }
}

/** The text of a string constant, also through casts ('app.seq'::text, 'app.seq'::regclass). */
function constantText(node: unknown): string | undefined {
  const value = node as { A_Const?: { sval?: { sval?: string } }; TypeCast?: { arg?: unknown } } | undefined;
  if (typeof value?.A_Const?.sval?.sval === 'string') return value.A_Const.sval.sval;
  if (value?.TypeCast) return constantText(value.TypeCast.arg);
  return undefined;
}

/**
 * The relation a function argument names, as text: a constant, or pg_get_serial_sequence('schema.table', ...),
 * whose sequence is always in the table's own schema (PostgreSQL requires it of owned and identity sequences).
 */
function relationText(node: unknown): string | undefined {
  const call = (node as { FuncCall?: { funcname?: unknown; args?: unknown[] } } | undefined)?.FuncCall;
  if (call) {
    const parts = strings(call.funcname);
    const fn = parts[parts.length - 1];
    if (fn === 'pg_get_serial_sequence' && (parts.length === 1 || parts[0] === 'pg_catalog')) return constantText(call.args?.[0]);
    return undefined;
  }
  return constantText(node);
}

/**
 * The dotted name at the start of a reg* input ('other.t', '"Other".t', 'app.f(int)', 'app.+'), split as
 * PostgreSQL splits it: unquoted parts folded to lower case, quoted ones kept. Undefined when a dot is left
 * that was not read as a separator (U&"..." escapes, stray quotes): the caller refuses rather than guess.
 */
export function nameParts(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
  };
  skipSpace();
  for (;;) {
    if (text[i] === '"') {
      let part = '';
      i += 1;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        part += text[i];
        i += 1;
      }
      parts.push(part);
    } else {
      const unquoted = /^[^\s."()[\],]+/.exec(text.slice(i))?.[0];
      if (!unquoted) break;
      parts.push(unquoted.replace(/[A-Z]+/g, (c) => c.toLowerCase()));
      i += unquoted.length;
    }
    skipSpace();
    if (text[i] !== '.') break;
    i += 1;
    skipSpace();
  }
  const rest = text.slice(i);
  const argsAt = rest.indexOf('(');
  if ((argsAt < 0 ? rest : rest.slice(0, argsAt)).includes('.')) return undefined;
  return parts;
}

/** CREATE SEQUENCE ... OWNED BY, and identity columns' SEQUENCE NAME: relations named in options. */
function checkSequenceOption(value: Record<string, unknown>, ctx: CheckContext): void {
  const names = strings(value.arg);
  const schemas = ctx.options.schemas!;
  let schema: string | undefined;
  if (value.defname === 'sequence_name' && names.length >= 2) schema = names[names.length - 2];
  if (value.defname === 'owned_by' && names.length >= 3) schema = names[names.length - 3];
  if (schema !== undefined && !schemas.includes(schema)) {
    throw new GuardError(
      `refused: ${value.defname === 'owned_by' ? 'OWNED BY' : 'SEQUENCE NAME'} ${names.join('.')} is outside the schemas this server may use (${schemas.join(', ')}).`,
      'schema_not_allowed',
      `use tables and sequences in ${schemas.join(', ')}.`,
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
