import { defineTool, ToolError, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import { MAX_INSIGHT_CHARS, MAX_INSIGHTS } from '../lib/insights.js';

export const appendInsight = defineTool({
  name: 'append_insight',
  title: 'Add an insight to the memo',
  description: 'Add a business insight to the memo (the memo://insights resource). Kept in memory while the server runs; the database is not touched.',
  toolset: 'insights',
  input: z.object({
    insight: z.string().min(1).max(MAX_INSIGHT_CHARS).describe('Business insight discovered from data analysis.'),
  }),
  output: z.object({ count: z.number().int().describe('Number of insights in the memo now.') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  // An insight usually quotes query results, which the audit log never holds.
  auditOmit: ['insight'],
  async handler({ insight }, { deps }: { deps: SqliteDeps }) {
    if (!deps.insights.add(insight)) {
      throw new ToolError(`the memo is full (${MAX_INSIGHTS} insights).`, { hint: 'read memo://insights; restarting the server clears it.', code: 'full' });
    }
    return { structured: { count: deps.insights.count }, text: `Insight added to memo (${deps.insights.count} in all). Read it at memo://insights.` };
  },
});
