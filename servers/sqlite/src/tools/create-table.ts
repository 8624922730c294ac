import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import { limitsOf, runRequest } from './shared.js';

export const createTable = defineTool({
  name: 'create_table',
  title: 'Create a table',
  description: 'Create a new table in the SQLite database with a CREATE TABLE statement. Other statements are refused (use write_query).',
  toolset: 'write',
  input: z.object({
    query: z.string().min(1).max(1_000_000).describe('CREATE TABLE SQL statement.'),
  }),
  output: z.object({ created: z.boolean().describe('True when the statement ran (with IF NOT EXISTS it may have found the table already there).') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler({ query }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    await runRequest(deps, { op: 'write', sql: query, params: [], tool: 'create_table', limits: limitsOf(deps) }, signal, { writes: true });
    return { structured: { created: true }, text: 'Table created successfully.' };
  },
});
