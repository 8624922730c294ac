import { defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { topQueries } from '../lib/top-queries.js';
import { withDbErrors } from './shared.js';

export const getTopQueries = defineTool({
  name: 'get_top_queries',
  title: 'Top queries by cost',
  description:
    'Lists the statements that cost this database the most, from the pg_stat_statements extension (total or mean time, calls, rows). ' +
    'When the extension is not installed it says so and how to enable it.',
  toolset: 'health',
  input: z.object({
    order_by: z.enum(['total_time', 'mean_time', 'calls', 'rows']).optional().describe('Sort key: total_time (default), mean_time, calls or rows.'),
    limit: z.number().int().min(1).max(100).optional().describe('How many statements to return (default 10).'),
  }),
  output: z.object({
    queries: z
      .array(
        z.object({
          queryId: z.string().nullable().describe('pg_stat_statements query id.'),
          query: z.string().describe('Normalised statement text (cut at 2000 characters; hidden when it mentions a password).'),
          calls: z.number().describe('Times executed.'),
          totalMs: z.number().describe('Total execution time in ms.'),
          meanMs: z.number().describe('Mean execution time in ms.'),
          rows: z.number().describe('Rows returned or affected in total.'),
          cacheHitRatio: z.number().nullable().describe('Share of shared-buffer reads served from cache, 0..1.'),
        }),
      )
      .describe('Statements, most expensive first.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ order_by = 'total_time', limit = 10 }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const queries = await withDbErrors(deps, () => deps.db.read((session) => topQueries(session, { orderBy: order_by, limit }), { signal }));
    const text = queries.length
      ? queries.map((q, i) => `${i + 1}. ${q.totalMs.toFixed(1)} ms total, ${q.meanMs.toFixed(2)} ms mean, ${q.calls} calls: ${q.query.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n')
      : 'pg_stat_statements has no statements recorded for this database yet.';
    return { structured: { queries }, text };
  },
});
