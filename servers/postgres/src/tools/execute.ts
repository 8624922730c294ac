import { continuationHint, defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { checkStatement, checkTargetLookups } from '../lib/guard.js';
import { executePreview } from './execute-preview.js';
import { columnSchema, cutCellsNote, rowsAsJson, rowsSchema, withDbErrors } from './shared.js';

export const execute = defineTool({
  name: 'execute',
  title: 'Execute a writing SQL statement',
  description:
    'Runs one statement that changes data or schema (INSERT, UPDATE, DELETE, MERGE, CREATE/ALTER/DROP...) in its own transaction and commits it. ' +
    'With dryRun=true the statement runs and reports the rows it would affect, then everything is rolled back (sequence values it used stay consumed). ' +
    'Transaction control, SET, COPY, DO blocks, role changes and file/network functions are refused. Registered only when the server was started with --allow-write.',
  toolset: 'write',
  input: z.object({
    sql: z.string().min(1).max(1_000_000).describe('One SQL statement, e.g. UPDATE orders SET status = \'shipped\' WHERE id = 42. Add RETURNING to see changed rows.'),
    dryRun: z.boolean().optional().describe('Run it, report affected rows, then roll back so nothing changes. Default false (commit).'),
  }),
  output: z.object({
    command: z.string().nullable().describe('Command tag: INSERT, UPDATE, DELETE, CREATE TABLE...'),
    rowsAffected: z.number().int().nullable().describe('Rows inserted, updated, deleted or returned (with RETURNING: every row the statement returned, counted as they are read).'),
    committed: z.boolean().describe('True when the change was committed; false for a dry run.'),
    rows: rowsSchema,
    columns: z.array(columnSchema).describe('Columns of RETURNING rows.'),
    truncated: z.boolean().describe('True when RETURNING produced more rows than were returned.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // A call that is itself a dry run changes nothing (sequence values aside) and needs no confirmation.
  async preview({ sql, dryRun = false }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    return dryRun ? undefined : executePreview(deps, sql, signal);
  },
  async handler({ sql, dryRun = false }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const { db, settings } = deps;
    const result = await withDbErrors(
      deps,
      async () => {
        const checked = await checkStatement(sql, 'write', { schemas: settings.schemas });
        return db.transaction(
          'write',
          async (session) => {
            // With --schema: unqualified names of what the statement changes must not be found in pg_catalog first.
            await checkTargetLookups(session, checked.lookups, settings.schemas);
            // Every RETURNING row is read so the affected-row count is exact; only the first max-rows are kept.
            return session.cursor(sql, { maxRows: settings.maxRows, maxBytes: settings.maxBytes, signal, drain: true });
          },
          { signal, sql, commit: !dryRun },
        );
      },
      sql,
    );
    const committed = !dryRun;
    const verb = committed ? 'Committed' : 'Dry run, rolled back';
    let text = `${verb}: ${result.command ?? 'statement'}${result.rowCount !== null ? `, ${result.rowCount} row(s) ${committed ? 'affected' : 'would be affected'}` : ''}.`;
    if (result.rows.length) text += `\n${rowsAsJson(result.rows)}`;
    if (result.truncated) text += `\n${continuationHint('RETURNING rows', 'a narrower RETURNING list, or query the rows afterwards')}`;
    if (result.cellsCut > 0) text += `\n${cutCellsNote(result.cellsCut)}`;
    return {
      structured: { command: result.command, rowsAffected: result.rowCount, committed, rows: result.rows, columns: result.columns, truncated: result.truncated },
      text,
    };
  },
});
