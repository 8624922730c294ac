import { defineTool, z } from '@portico/protocol';
import { MAX_SCRIPT_STATEMENTS, type SqliteDeps } from '../deps.js';
import { scriptPreview } from './previews.js';
import { limitsOf, renderRows, rowsSchema, rowsStructured, runRequest } from './shared.js';

export const executeScript = defineTool({
  name: 'execute_script',
  title: 'Run several statements in one transaction',
  description:
    'Run several SQL statements, separated by semicolons, in one transaction: all apply or none do (the first error rolls everything back). ' +
    'With dryRun: true the statements run and report what they would change, then everything is rolled back. ' +
    'Each statement passes the same checks as write_query; SELECTs return rows.',
  toolset: 'write',
  input: z.object({
    script: z.string().min(1).max(5_000_000).describe('SQL statements separated by semicolons (CREATE TRIGGER bodies may contain semicolons).'),
    dryRun: z.boolean().optional().describe('Run, report, then roll back everything (default false).'),
  }),
  output: z.object({
    committed: z.boolean().describe('True when the changes were committed.'),
    dryRun: z.boolean().describe('True when this was a dry run (always rolled back).'),
    totalChanges: z.number().int().describe('Rows changed by all statements together.'),
    statements: z
      .array(
        z.object({
          index: z.number().int().describe('1-based position in the script.'),
          sql: z.string().describe('The statement (shortened).'),
          changes: z.number().int().describe('Rows it changed.'),
          returning: rowsSchema.optional().describe('Rows it returned (SELECT or RETURNING), capped.'),
        }),
      )
      .describe('One entry per statement.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // The script's own dry run reports rows changed per statement; a call that is itself a dry run changes nothing.
  async preview({ script, dryRun }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    return dryRun ? undefined : scriptPreview(deps, script, signal);
  },
  async handler({ script, dryRun }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const result = await runRequest(
      deps,
      { op: 'script', sql: script, dryRun: dryRun ?? false, limits: limitsOf(deps), maxStatements: MAX_SCRIPT_STATEMENTS },
      signal,
      { writes: true },
    );
    const lines = [
      result.dryRun
        ? `Dry run: ${result.statements.length} statement(s) ran and would change ${result.totalChanges} row(s); everything was rolled back.`
        : `Committed ${result.statements.length} statement(s); ${result.totalChanges} row(s) changed.`,
    ];
    for (const s of result.statements) {
      lines.push(`${s.index}. ${s.sql} -> ${s.changes} change(s)`);
      if (s.returning) lines.push(renderRows(s.returning, 'read_query for the remaining rows'));
    }
    return {
      structured: {
        committed: result.committed,
        dryRun: result.dryRun,
        totalChanges: result.totalChanges,
        statements: result.statements.map(({ returning, ...s }) => ({ ...s, ...(returning ? { returning: rowsStructured(returning) } : {}) })),
      },
      text: lines.join('\n'),
    };
  },
});
