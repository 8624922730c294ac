import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import type { PlanStep } from '../lib/messages.js';
import { paramsSchema, runRequest } from './shared.js';

function renderPlan(steps: PlanStep[]): string {
  const depth = new Map<number, number>();
  const lines = ['QUERY PLAN'];
  for (const step of steps) {
    const d = (depth.get(step.parent) ?? 0) + 1;
    depth.set(step.id, d);
    lines.push(`${'  '.repeat(d)}${step.detail}`);
  }
  return lines.join('\n');
}

export const explainQuery = defineTool({
  name: 'explain_query',
  title: 'Show a query plan',
  description: 'Show how SQLite would run a query (EXPLAIN QUERY PLAN): which indexes it uses, full scans, temporary sorts. Never executes the query; works for SELECT, INSERT, UPDATE and DELETE.',
  toolset: 'query',
  input: z.object({
    query: z.string().min(1).max(1_000_000).describe('The SQL statement to explain (one statement).'),
    params: paramsSchema,
  }),
  output: z.object({
    plan: z
      .array(z.object({ id: z.number().int().describe('Step id.'), parent: z.number().int().describe('Parent step id (0 at the top).'), detail: z.string().describe('What SQLite does at this step.') }))
      .describe('The plan steps, in order.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  // Bound values may be personal data: logged by count only.
  auditOmit: ['params'],
  async handler({ query, params }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const plan = await runRequest(deps, { op: 'explain', sql: query, params: params ?? [] }, signal);
    return { structured: { plan }, text: renderPlan(plan) };
  },
});
