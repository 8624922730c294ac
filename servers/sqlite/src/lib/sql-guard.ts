/**
 * The SQL guard: a small SQLite tokenizer plus the rules that decide which statements each tool may run.
 *
 * The guard is the first of several layers, never the only one: read_query also runs on a connection
 * opened read-only with `query_only` set, every statement must be one statement (better-sqlite3 refuses
 * more), and read_query accepts only statements SQLite itself reports as read-only. The guard adds what
 * those layers miss: ATTACH/DETACH and transaction control count as "read-only" to SQLite, VACUUM INTO
 * creates a file even on a read-only connection, and some pragmas rewrite the schema or disable safety.
 * No MCP imports here.
 */

export type TokenKind = 'word' | 'qident' | 'string' | 'blob' | 'number' | 'param' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Words upper-cased; quoted identifiers de-quoted (case kept); punctuation as written. */
  value: string;
  start: number;
  end: number;
}

/** A statement the guard refuses; `hint` says what to do instead. */
export class GuardError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GuardError';
  }
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * Splits SQL into tokens, dropping whitespace and comments. Unterminated strings or identifiers run to the
 * end (SQLite would reject them; the guard only needs to not be fooled by them).
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
      continue;
    }
    const start = i;
    if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      const end = scanQuoted(sql, i + 1, "'");
      tokens.push({ kind: 'blob', value: sql.slice(i + 2, end - 1), start, end });
      i = end;
      continue;
    }
    if (c === "'") {
      const end = scanQuoted(sql, i, "'");
      tokens.push({ kind: 'string', value: sql.slice(i + 1, end - 1).replaceAll("''", "'"), start, end });
      i = end;
      continue;
    }
    if (c === '"' || c === '`') {
      const end = scanQuoted(sql, i, c);
      tokens.push({ kind: 'qident', value: sql.slice(i + 1, end - 1).replaceAll(c + c, c), start, end });
      i = end;
      continue;
    }
    if (c === '[') {
      const close = sql.indexOf(']', i + 1);
      const end = close === -1 ? n : close + 1;
      tokens.push({ kind: 'qident', value: sql.slice(i + 1, close === -1 ? n : close), start, end });
      i = end;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(sql[j]!)) j++;
      tokens.push({ kind: 'word', value: sql.slice(i, j).toUpperCase(), start, end: j });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(sql[j]!)) {
        // Exponent signs: 1e+5, 1E-3.
        if ((sql[j] === 'e' || sql[j] === 'E') && (sql[j + 1] === '+' || sql[j + 1] === '-')) j++;
        j++;
      }
      tokens.push({ kind: 'number', value: sql.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    if (c === '?' || c === ':' || c === '@' || c === '$') {
      let j = i + 1;
      // SQLite reads ?NNN with digits only (`?AND` is `?` then AND); the named kinds take a whole word.
      if (c === '?') while (j < n && sql[j]! >= '0' && sql[j]! <= '9') j++;
      else while (j < n && WORD_PART.test(sql[j]!)) j++;
      tokens.push({ kind: 'param', value: sql.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    tokens.push({ kind: 'punct', value: c, start, end: i + 1 });
    i++;
  }
  return tokens;
}

/** Index just past the closing quote, honouring doubled quotes as escapes. */
function scanQuoted(sql: string, open: number, quote: string): number {
  let j = open + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

/** The name a word or quoted identifier stands for, upper-cased, for comparisons. */
function nameOf(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'word') return token.value;
  if (token.kind === 'qident') return token.value.toUpperCase();
  return undefined;
}

/**
 * Splits a script into statements at top-level semicolons. Semicolons inside a CREATE TRIGGER body
 * (BEGIN ... END) belong to the trigger, as in sqlite3_complete(). Each piece is later prepared on its
 * own, and better-sqlite3 refuses a piece that still holds two statements, so a mistake here fails closed.
 */
export function splitStatements(sql: string): string[] {
  const tokens = tokenize(sql);
  const out: string[] = [];
  let pieceStart = 0;
  let stmtTokens: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.value === ';' && depth === 0) {
      const text = sql.slice(pieceStart, token.start).trim();
      if (stmtTokens.length > 0 && text) out.push(text);
      pieceStart = token.end;
      stmtTokens = [];
      continue;
    }
    stmtTokens.push(token);
    if (token.kind !== 'word' || !isTriggerStatement(stmtTokens)) continue;
    if (token.value === 'BEGIN' || token.value === 'CASE') depth++;
    else if (token.value === 'END' && depth > 0) depth--;
  }
  const rest = sql.slice(pieceStart).trim();
  if (stmtTokens.length > 0 && rest) out.push(rest);
  return out;
}

function isTriggerStatement(tokens: Token[]): boolean {
  if (nameOf(tokens[0]) !== 'CREATE') return false;
  const second = nameOf(tokens[1]);
  if (second === 'TRIGGER') return true;
  return (second === 'TEMP' || second === 'TEMPORARY') && nameOf(tokens[2]) === 'TRIGGER';
}

/** Functions and tables that reach outside the database or corrupt it; refused wherever they appear. */
const FORBIDDEN_NAMES = new Map<string, string>([
  ['LOAD_EXTENSION', 'loading SQLite extensions is disabled on this server'],
  ['WRITABLE_SCHEMA', 'writable_schema is refused: it allows direct edits of the schema table that can corrupt the database'],
  ['FTS3_TOKENIZER', 'fts3_tokenizer() is refused: it can register native code pointers'],
  ['SQLITE_DBPAGE', 'sqlite_dbpage is refused: it reads and writes raw database pages'],
]);

const TRANSACTION_WORDS = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

const READ_START = new Set(['SELECT', 'WITH', 'VALUES']);
const DML_START = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE']);
const DDL_START = new Set(['CREATE', 'DROP', 'ALTER', 'ANALYZE', 'REINDEX']);

/**
 * Pragmas write_query and execute_script accept. Everything else is refused: pragmas such as
 * schema_version, journal_mode=OFF or synchronous=OFF can corrupt a database, and connection settings
 * (foreign_keys, query_only) would silently change how later calls behave.
 */
const WRITABLE_PRAGMAS: Record<string, (value: string | undefined) => boolean> = {
  USER_VERSION: () => true,
  APPLICATION_ID: () => true,
  OPTIMIZE: () => true,
  INCREMENTAL_VACUUM: () => true,
  JOURNAL_MODE: (value) => value === undefined || ['WAL', 'DELETE', 'TRUNCATE', 'PERSIST'].includes(value.toUpperCase()),
};

export interface StatementInfo {
  /** First keyword, upper-cased ('SELECT', 'INSERT', ...), or '' for an empty statement. */
  keyword: string;
  tokens: Token[];
}

export function describeStatement(sql: string): StatementInfo {
  const tokens = tokenize(sql);
  return { keyword: nameOf(tokens[0]) ?? '', tokens };
}

/** Refusals shared by every tool: names that must never run, transaction control, ATTACH, VACUUM INTO. */
function commonRefusals(info: StatementInfo, tool: string): void {
  if (info.tokens.length === 0) throw new GuardError('the query is empty.', 'pass one SQL statement.');
  for (const token of info.tokens) {
    const name = nameOf(token);
    const reason = name ? FORBIDDEN_NAMES.get(name) : undefined;
    if (reason) throw new GuardError(`${tool} refused the statement: ${reason}.`);
  }
  const k = info.keyword;
  if (k === 'ATTACH' || k === 'DETACH') {
    throw new GuardError(`${tool} refused ${k}: this server works on one database file only and never opens other files.`);
  }
  if (TRANSACTION_WORDS.has(k)) {
    throw new GuardError(
      `${tool} refused ${k}: each call runs in its own transaction, so transaction control statements are not accepted.`,
      'to run several statements atomically, use execute_script (it wraps them in one transaction).',
    );
  }
  if (k === 'VACUUM' && info.tokens.some((t) => nameOf(t) === 'INTO')) {
    throw new GuardError(`${tool} refused VACUUM INTO: it writes a copy of the database to another file.`);
  }
}

/** read_query, export_query: SELECT, WITH ... SELECT or VALUES only. */
export function checkReadStatement(sql: string, tool = 'read_query'): StatementInfo {
  const info = describeStatement(sql);
  commonRefusals(info, tool);
  if (info.keyword === 'PRAGMA') {
    throw new GuardError(
      `${tool} refused PRAGMA: pragma statements can change settings.`,
      "read pragma values with a SELECT on the pragma's table-valued function, e.g. SELECT * FROM pragma_table_info('t'), or use describe_table.",
    );
  }
  if (info.keyword === 'EXPLAIN') {
    throw new GuardError(`${tool} refused EXPLAIN.`, 'use explain_query to see a query plan.');
  }
  if (!READ_START.has(info.keyword)) {
    throw new GuardError(
      `${tool} only runs SELECT statements (including WITH ... SELECT and VALUES); got ${info.keyword || 'something else'}.`,
      DML_START.has(info.keyword) || DDL_START.has(info.keyword) ? 'use write_query (or create_table) for statements that change the database.' : undefined,
    );
  }
  return info;
}

/** explain_query: reads and data changes may be explained (EXPLAIN never executes them). */
export function checkExplainStatement(sql: string): StatementInfo {
  const info = describeStatement(sql);
  commonRefusals(info, 'explain_query');
  if (!READ_START.has(info.keyword) && !DML_START.has(info.keyword)) {
    throw new GuardError(`explain_query explains SELECT, INSERT, UPDATE, DELETE and REPLACE statements; got ${info.keyword || 'something else'}.`);
  }
  return info;
}

export type WriteContext = 'write_query' | 'execute_script' | 'create_table';

/**
 * The refusal for statements that create TEMP objects. The guard catches CREATE TEMP/TEMPORARY here; the
 * writers in operations.ts also check SQLite's own temp schema after each statement, which catches the forms
 * the guard does not parse (CREATE TABLE temp.x, CREATE VIRTUAL TABLE temp.x, a temp trigger, ...).
 */
export function tempObjectRefusal(tool: string): GuardError {
  return new GuardError(
    `${tool} refused the statement: it creates a temporary (TEMP) table, view, trigger or index. Temporary objects ` +
      'exist only on the connection this server writes through: read_query reads through another connection and would ' +
      'answer "no such table", and they disappear whenever the query process is replaced.',
    'create a regular table instead (CREATE TABLE, then DROP TABLE when done), or, for an intermediate result, use a ' +
      'WITH clause (CTE) or a subquery inside read_query.',
  );
}

/** write_query and each statement of execute_script. */
export function checkWriteStatement(sql: string, tool: WriteContext): StatementInfo {
  const info = describeStatement(sql);
  commonRefusals(info, tool);
  const k = info.keyword;
  const second = nameOf(info.tokens[1]);
  if (k === 'CREATE' && (second === 'TEMP' || second === 'TEMPORARY')) throw tempObjectRefusal(tool);
  if (tool === 'create_table') {
    if (k !== 'CREATE' || second !== 'TABLE') {
      throw new GuardError('create_table only runs CREATE TABLE statements.', 'use write_query for other changes (CREATE INDEX, CREATE VIEW, ALTER TABLE, ...).');
    }
    return info;
  }
  if (k === 'PRAGMA') {
    checkWritablePragma(info.tokens, tool);
    return info;
  }
  if (k === 'VACUUM') {
    if (tool === 'execute_script') throw new GuardError('execute_script refused VACUUM: it cannot run inside a transaction.', 'run VACUUM alone with write_query.');
    return info;
  }
  if (k === 'EXPLAIN') throw new GuardError(`${tool} refused EXPLAIN.`, 'use explain_query to see a query plan.');
  if (READ_START.has(k) || DML_START.has(k) || DDL_START.has(k)) return info;
  throw new GuardError(`${tool} does not run ${k || 'this kind of'} statements.`);
}

function checkWritablePragma(tokens: Token[], tool: WriteContext): void {
  // PRAGMA [schema.]name [= value | (value)]
  let i = 1;
  if (tokens[i + 1]?.value === '.') i += 2;
  const name = nameOf(tokens[i]);
  const accept = name ? WRITABLE_PRAGMAS[name] : undefined;
  if (!name || !accept) {
    throw new GuardError(
      `${tool} refused PRAGMA ${name?.toLowerCase() ?? ''}: only ${Object.keys(WRITABLE_PRAGMAS).map((p) => p.toLowerCase()).join(', ')} may be set through this server.`,
      'other pragmas can corrupt the database or change how the server behaves; read values with read_query and pragma table-valued functions.',
    );
  }
  const next = tokens[i + 1];
  let value: string | undefined;
  if (next && (next.value === '=' || next.value === '(')) value = tokens[i + 2]?.value;
  if (!accept(value)) throw new GuardError(`${tool} refused PRAGMA ${name.toLowerCase()} = ${value ?? ''}: that value risks corrupting the database on a crash.`);
  // Inside a transaction SQLite refuses to switch into or out of WAL, and after a change in the same
  // transaction it answers with the old mode and changes nothing, while the script still reports a commit.
  if (tool === 'execute_script' && name === 'JOURNAL_MODE' && value !== undefined) {
    throw new GuardError(
      `execute_script refused PRAGMA journal_mode = ${value}: the script runs in one transaction, and inside a transaction SQLite fails or silently keeps the journal mode it has.`,
      'run the PRAGMA alone with write_query, outside the script.',
    );
  }
}

/** Quotes an identifier for SQLite: always double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new GuardError('identifiers cannot contain NUL characters.');
  return `"${name.replaceAll('"', '""')}"`;
}
