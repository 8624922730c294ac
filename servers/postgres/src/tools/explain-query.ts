import { defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { explainQuery as explain } from '../lib/explain.js';
import { withDbErrors } from './shared.js';

export const explainQuery = defineTool({
  name: 'explain_query',
  title: 'Explain a query plan',
  description:
    'Shows how PostgreSQL would run a statement: the plan as JSON plus a readable outline. Without analyze nothing is executed ' +
    '(INSERT/UPDATE/DELETE can be explained too). With analyze the statement really runs, so it must be a read; it runs in a ' +
    'read-only transaction that is rolled back, under the statement timeout.',
  toolset: 'query',
  input: z.object({
    sql: z.string().min(1).max(1_000_000).describe('The statement to explain, without an EXPLAIN prefix.'),
    analyze: z.boolean().optional().describe('Run the statement and report actual times and row counts (reads only). Default false.'),
    verbose: z.boolean().optional().describe('Include output columns and schema-qualified names. Default false.'),
    buffers: z.boolean().optional().describe('With analyze: report shared-buffer hits and reads. Default true.'),
  }),
  output: z.object({
    plan: z.unknown().describe('EXPLAIN (FORMAT JSON) output for the statement: Plan, Planning Time, Execution Time...'),
    outline: z.array(z.string()).describe('One line per plan node, indented by depth.'),
    planningMs: z.number().nullable().describe('Planning time in ms (with analyze).'),
    executionMs: z.number().nullable().describe('Execution time in ms (with analyze).'),
    pruned: z.boolean().describe('True when deep plan levels were dropped to fit the size budget (see outline for the whole tree).'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ sql, analyze = false, verbose = false, buffers = true }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const result = await withDbErrors(
      deps,
      () => explain(deps.db, sql, { analyze, verbose, buffers, schemas: deps.settings.schemas, signal, maxBytes: deps.settings.maxBytes }),
      sql,
    );
    const header = analyze ? `Plan (executed, rolled back; planning ${result.planningMs} ms, execution ${result.executionMs} ms):` : 'Plan (estimated; nothing was executed):';
    return { structured: result, text: `${header}\n${result.outline.join('\n')}${result.pruned ? '\n[The JSON plan was pruned to fit; the outline above is complete.]' : ''}` };
  },
});
