import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import { limitsOf, paramsSchema, renderRows, rowsSchema, rowsStructured, runRequest } from './shared.js';

export const readQuery = defineTool({
  name: 'read_query',
  title: 'Run a read-only SQL query',
  description:
    'Execute a SELECT query on the SQLite database (also WITH ... SELECT and VALUES) and return the rows as JSON. ' +
    'Runs on a read-only connection; statements that change anything, ATTACH, PRAGMA and multiple statements are refused. ' +
    'Results are capped (rows and bytes); when cut, call again with the returned nextOffset. Use params for values.',
  toolset: 'query',
  input: z.object({
    query: z.string().min(1).max(1_000_000).describe('SELECT SQL query to execute (one statement).'),
    params: paramsSchema,
    offset: z.number().int().min(0).optional().describe('Skip this many rows first; pass nextOffset from a cut result to get the next page (default 0).'),
  }),
  output: rowsSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  // Bound values may be personal data (an e-mail to look up): logged by count only.
  auditOmit: ['params'],
  async handler({ query, params, offset }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const result = await runRequest(deps, { op: 'read', sql: query, params: params ?? [], offset: offset ?? 0, limits: limitsOf(deps) }, signal);
    return { structured: rowsStructured(result), text: renderRows(result) };
  },
});
