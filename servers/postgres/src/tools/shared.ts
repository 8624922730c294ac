/**
 * What every tool shares: turning guard and database failures into ToolErrors the model can act on, and the
 * zod shapes of rows and columns.
 */
import { stringifyItems, ToolError, z } from '@portico/protocol';
import { GuardError } from '../lib/guard.js';
import { DbError, toDbError } from '../lib/errors.js';
import type { PostgresDeps } from '../deps.js';

/** Runs `fn`; guard refusals and database errors become ToolErrors, anything else stays an internal fault. */
export async function withDbErrors<T>(deps: PostgresDeps, fn: () => Promise<T>, sql?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof GuardError) throw new ToolError(error.message, { hint: error.hint, code: error.code });
    if (error instanceof DbError) throw new ToolError(error.message, { hint: error.hint, code: error.code });
    if (error instanceof ToolError) throw error;
    // Maps PostgreSQL errors it recognises; rethrows anything else (a bug) as an internal fault.
    const mapped = toDbError(error, { where: deps.db.where, ...(sql ? { sql } : {}), statementTimeoutMs: deps.settings.statementTimeoutMs });
    throw new ToolError(mapped.message, { hint: mapped.hint, code: mapped.code });
  }
}

export const columnSchema = z.object({
  name: z.string().describe('Column name (duplicates get a _2 suffix).'),
  type: z.string().describe('PostgreSQL type name, or oid:N for types without a built-in name.'),
});

export const rowsSchema = z.array(z.record(z.string(), z.unknown())).describe('Rows as objects keyed by column name. bigint, numeric, dates and times keep PostgreSQL text form.');

/**
 * One JSON object per line: valid JSON, readable, and far smaller than pretty-printing every row. The rows are
 * serialised once (stringifyItems): structuredContent.rows reuses their JSON on stdio.
 */
export function rowsAsJson(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '[]';
  return `[\n${stringifyItems(rows).join(',\n')}\n]`;
}

/** The note for a result whose long values were cut (by the per-cell limit, or to fit the byte budget). */
export function cutCellsNote(cellsCut: number): string {
  return `[${cellsCut} long value(s) were cut to fit the size limits (marked "… [cut: ...]"); select substring(column, start, length) to read text in parts, and parts of json or array values (column->'key', jsonb_array_elements(column), column[1:100]) or substring(column::text, start, length).]`;
}
