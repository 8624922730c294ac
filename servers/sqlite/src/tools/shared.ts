/**
 * What the SQLite tools share: running a request on the runner pool with the tool's signal, turning runner
 * failures into ToolErrors the model can act on, the schemas of row results and their text rendering.
 */
import { continuationHint, stringifyItems, ToolError, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import type { RowsResult, RunnerFailure, RunnerRequest, RunnerResultMap } from '../lib/messages.js';
import { QueryCancelledError, QueryTimeoutError, RunnerCrashedError, RunnerFailureError } from '../lib/runner-pool.js';

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const paramsSchema = z
  .union([
    z.array(paramValue).max(999),
    z
      .record(z.string().min(1).max(128), paramValue)
      .refine((values) => Object.keys(values).length <= 999, { message: 'at most 999 named values' }),
  ])
  .optional()
  .describe(
    'Values bound to the placeholders of the query (strings, numbers, booleans as 1/0, null). A list fills plain ? placeholders, one per ?, in order; an object fills named ones by name without the prefix ({"id": 3} for :id, @id or $id; {"1": 3} for ?1). Prefer these over pasting values into the SQL.',
  );

export const cellSchema = z.union([
  z.string(),
  z.number(),
  z.null(),
  z.object({ blob_base64: z.string().describe('Blob content, base64.'), bytes: z.number().int().describe('Blob size in bytes.') }),
]);

export const rowsShape = {
  columns: z.array(z.string()).describe('Column names in order (duplicates get a :2, :3 suffix).'),
  rows: z.array(z.record(z.string(), cellSchema)).describe('Rows as objects keyed by column name. Integers beyond 2^53 are strings; blobs are base64.'),
  rowCount: z.number().int().describe('Number of rows returned in this result.'),
  offset: z.number().int().describe('Rows skipped before the first returned row.'),
  hasMore: z.boolean().describe('True when more rows follow; call again with nextOffset.'),
  truncatedBy: z.enum(['rows', 'bytes']).nullable().describe('What cut the result short: the row cap, the byte budget, or null.'),
  nextOffset: z.number().int().nullable().describe('The offset that returns the next rows, or null at the end.'),
  cellsCut: z.boolean().describe('True when long values of an oversized row were shortened.'),
};

export const rowsSchema = z.object(rowsShape);

export function rowsStructured(result: RowsResult): z.infer<typeof rowsSchema> {
  return { ...result, rowCount: result.rows.length };
}

/** Rows as compact JSON, one row per line, followed by how to get the rest. */
export function renderRows(result: RowsResult, how: string = `offset=${result.nextOffset}`): string {
  const lines: string[] = [];
  const n = result.rows.length;
  const from = result.offset + 1;
  lines.push(n === 0 ? (result.offset > 0 ? `No rows after offset ${result.offset}.` : 'No rows.') : `${n} row${n === 1 ? '' : 's'}${result.offset > 0 ? ` (rows ${from}-${result.offset + n})` : ''}; columns: ${result.columns.join(', ')}`);
  // stringifyItems: the same rows are structuredContent.rows, which the stdio transport then splices in instead
  // of serialising them a second time (10,000 rows: ~4 ms less main-thread CPU per call).
  if (n > 0) lines.push(`[${stringifyItems(result.rows).join(',\n ')}]`);
  if (result.cellsCut) lines.push('[Some long values were shortened to fit the size budget; select narrower columns (e.g. substr()) to see them.]');
  if (result.hasMore) {
    const why = result.truncatedBy === 'bytes' ? 'at the size budget' : `at ${n} rows`;
    lines.push(continuationHint(`Result (${why})`, how));
  }
  return lines.join('\n');
}

/** SQLite's codes, in words the model can act on. */
function sqliteToolError(failure: RunnerFailure, deps: SqliteDeps): ToolError {
  const code = failure.code ?? 'SQLITE_ERROR';
  const message = failure.message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new ToolError(`the database is locked by another connection or program (${message}).`, {
      hint: 'wait a moment and retry; if it persists, close the program holding a long transaction on this file.',
      code: 'database_locked',
    });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new ToolError(`a constraint was violated: ${message}. Nothing was changed.`, {
      hint: 'check the values against the table definition (describe_table shows NOT NULL, UNIQUE, foreign keys).',
      code: 'constraint_violation',
    });
  }
  if (code === 'SQLITE_READONLY_ROLLBACK') {
    return new ToolError('the database has an unfinished transaction left by a program that stopped mid-write, and this read-only server may not roll it back.', {
      hint: 'ask the operator to open the database once with a writer (e.g. this server without --read-only, or the sqlite3 shell) to recover it.',
      code: 'needs_recovery',
    });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new ToolError(`the database refused the change: ${message}.`, {
      hint: deps.readOnly ? 'this server is read-only.' : 'the file or its directory may be read-only for this server; ask the operator.',
      code: 'read_only',
    });
  }
  if (code === 'SQLITE_NOMEM' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_FULL') {
    return new ToolError(`SQLite ran out of room: ${message}.`, { hint: 'narrow the query (fewer rows, smaller values).', code: 'too_big' });
  }
  if (/^no such (table|column|function)/.test(message)) {
    return new ToolError(`${message}.`, { hint: /table/.test(message) ? 'call list_tables to see the tables, then describe_table for their columns.' : 'call describe_table to see the columns.', code: 'unknown_name' });
  }
  if (/syntax error|incomplete input|unrecognized token/.test(message)) {
    return new ToolError(`SQL syntax error: ${message}.`, { hint: "check the statement; SQLite's syntax is at https://sqlite.org/lang.html.", code: 'syntax_error' });
  }
  return new ToolError(`SQLite error (${code}): ${message}.`, { code: 'sqlite_error' });
}

/** Maps what the pool throws to ToolErrors; cancellation and unknown faults pass through. */
export function toToolError(error: unknown, deps: SqliteDeps, writes: boolean): unknown {
  if (error instanceof RunnerFailureError) {
    const f = error.failure;
    switch (f.kind) {
      case 'refused':
        return new ToolError(f.message, { ...(f.hint ? { hint: f.hint } : {}), code: 'refused' });
      case 'input':
        return new ToolError(`${f.message}.`, { hint: f.hint ?? 'pass exactly one statement, with one value in params for each placeholder.', code: 'invalid_input' });
      case 'not_found':
        return new ToolError(f.message, { ...(f.hint ? { hint: f.hint } : {}), code: 'not_found' });
      case 'exists':
        return new ToolError(f.message, { ...(f.hint ? { hint: f.hint } : {}), code: 'exists' });
      case 'sqlite':
        return sqliteToolError(f, deps);
      default:
        return new Error(`query runner fault: ${f.message}`);
    }
  }
  if (error instanceof QueryTimeoutError) {
    return new ToolError(`${error.message} (the server's --query-timeout).${writes ? ' Its changes were rolled back; nothing was changed.' : ''}`, {
      hint: 'add a LIMIT or a narrower WHERE clause, check explain_query for a missing index, or ask the operator to raise --query-timeout.',
      code: 'timeout',
    });
  }
  if (error instanceof RunnerCrashedError) {
    return new ToolError(`${error.message}, most likely out of memory.${writes ? ' Its changes were rolled back.' : ''}`, {
      hint: 'narrow the query (fewer rows, smaller values, no huge sorts) and retry.',
      code: 'runner_crashed',
    });
  }
  // Cancellation: the protocol layer reports it (the request's signal is aborted).
  if (error instanceof QueryCancelledError) return error;
  return error;
}

/** Runs one request for a tool, with the tool's cancellation signal. */
export async function runRequest<R extends RunnerRequest>(deps: SqliteDeps, request: R, signal: AbortSignal, options: { writes?: boolean; onStopped?: () => void } = {}): Promise<RunnerResultMap[R['op']]> {
  try {
    return await deps.runners.run(request, { signal, ...(options.onStopped ? { onStopped: options.onStopped } : {}) });
  } catch (error) {
    throw toToolError(error, deps, options.writes ?? false);
  }
}

export function limitsOf(deps: SqliteDeps): { maxRows: number; maxBytes: number } {
  return { maxRows: deps.maxRows, maxBytes: deps.maxResultBytes };
}
