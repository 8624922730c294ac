import { continuationHint, defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { checkStatement } from '../lib/guard.js';
import { columnSchema, cutCellsNote, rowsAsJson, rowsSchema, withDbErrors } from './shared.js';

export const query = defineTool({
  name: 'query',
  title: 'Run a read-only SQL query',
  description:
    'Runs one read-only SQL statement (SELECT, VALUES, TABLE, SHOW or EXPLAIN) and returns the rows as JSON. ' +
    'It runs in a read-only transaction with a server-side statement timeout and is rolled back; statements that could change ' +
    'anything or reach files or the network are refused. Results are capped (row count and size): when cut, the result says ' +
    'how to get the rest (offset, or better a WHERE/ORDER BY/LIMIT in the SQL).',
  toolset: 'query',
  input: z.object({
    sql: z.string().min(1).max(1_000_000).describe('One SQL statement, e.g. SELECT id, name FROM public.users ORDER BY id LIMIT 50. No trailing second statement.'),
    max_rows: z.number().int().min(1).max(100_000).optional().describe('Rows to return at most; defaults to (and cannot exceed) the server limit (--max-rows, 1000 unless changed).'),
    offset: z.number().int().min(0).max(10_000_000).optional().describe('Rows of the result to skip before returning any, to continue a cut result. Use ORDER BY so the order is stable.'),
  }),
  output: z.object({
    rows: rowsSchema,
    columns: z.array(columnSchema).describe('The result columns in order.'),
    rowCount: z.number().int().describe('Number of rows returned here.'),
    truncated: z.boolean().describe('True when the statement produced more rows than were returned.'),
    truncatedBy: z.enum(['rows', 'bytes']).nullable().describe('Which cap cut the result: the row cap or the byte budget.'),
    nextOffset: z.number().int().nullable().describe('Pass as offset to get the next rows; null when nothing was cut.'),
    command: z.string().nullable().describe('Command tag of the statement (SELECT, SHOW, EXPLAIN...) when it ran to completion.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ sql, max_rows, offset = 0 }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const { settings, db } = deps;
    const maxRows = Math.min(max_rows ?? settings.maxRows, settings.maxRows);
    const result = await withDbErrors(
      deps,
      async () => {
        await checkStatement(sql, 'read', { schemas: settings.schemas });
        return db.readStatement(sql, { maxRows, maxBytes: settings.maxBytes, offset, signal });
      },
      sql,
    );
    const nextOffset = result.truncated ? offset + result.rows.length : null;
    let text = rowsAsJson(result.rows);
    if (result.truncated) {
      const why = result.truncatedBy === 'rows' ? `the ${maxRows}-row cap` : `the ${settings.maxBytes}-byte budget`;
      text += `\n${continuationHint(`Result (${result.rows.length} rows returned, more exist; cut by ${why})`, `offset=${nextOffset}, or narrow the query with WHERE/LIMIT or aggregate it`)}`;
    }
    if (result.cellsCut > 0) text += `\n${cutCellsNote(result.cellsCut)}`;
    return {
      structured: {
        rows: result.rows,
        columns: result.columns,
        rowCount: result.rows.length,
        truncated: result.truncated,
        truncatedBy: result.truncatedBy,
        nextOffset,
        command: result.command,
      },
      text,
    };
  },
});
