import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import { runRequest } from './shared.js';

export const listTables = defineTool({
  name: 'list_tables',
  title: 'List tables and views',
  description: 'List all tables in the SQLite database, and its views (SQLite internal sqlite_* tables are left out).',
  toolset: 'query',
  input: z.object({}),
  output: z.object({
    tables: z
      .array(z.object({ name: z.string().describe('Table or view name.'), type: z.enum(['table', 'view']).describe('table or view.') }))
      .describe('Tables first, then views, each sorted by name.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(_args, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const tables = await runRequest(deps, { op: 'list' }, signal);
    const text = tables.length === 0 ? 'The database has no tables yet.' : tables.map((t) => (t.type === 'view' ? `${t.name} (view)` : t.name)).join('\n');
    return { structured: { tables }, text };
  },
});
