import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import { writeQueryPreview } from './previews.js';
import { limitsOf, paramsSchema, renderRows, rowsSchema, runRequest, rowsStructured } from './shared.js';

export const writeQuery = defineTool({
  name: 'write_query',
  title: 'Run a SQL statement that changes data',
  description:
    'Execute an INSERT, UPDATE, or DELETE query on the SQLite database (also REPLACE, CREATE, DROP, ALTER and RETURNING clauses). ' +
    'One statement per call, in its own transaction: it applies fully or not at all. SELECT belongs in read_query; ' +
    'ATTACH, VACUUM INTO, transaction control and most PRAGMAs are refused. Returns affected_rows.',
  toolset: 'write',
  input: z.object({
    query: z.string().min(1).max(1_000_000).describe('SQL query to execute (one statement).'),
    params: paramsSchema,
  }),
  output: z.object({
    affected_rows: z.number().int().describe('Rows inserted, updated or deleted.'),
    last_insert_rowid: z.union([z.number(), z.string()]).nullable().describe('Rowid of the last inserted row on this connection.'),
    returning: rowsSchema.optional().describe('Rows from a RETURNING clause, capped like read_query.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // Bound values are the data channel (names, e-mails, amounts): the log keeps the statement, not them.
  auditOmit: ['params'],
  async preview({ query, params }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    return writeQueryPreview(deps, query, params ?? [], signal);
  },
  async handler({ query, params }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const result = await runRequest(deps, { op: 'write', sql: query, params: params ?? [], tool: 'write_query', limits: limitsOf(deps) }, signal, { writes: true });
    const text = [`${result.changes} row${result.changes === 1 ? '' : 's'} affected.`];
    if (result.returning) text.push(renderRows(result.returning, 'a read_query for the remaining rows'));
    return {
      structured: {
        affected_rows: result.changes,
        last_insert_rowid: result.lastInsertRowid,
        ...(result.returning ? { returning: rowsStructured(result.returning) } : {}),
      },
      text: text.join('\n'),
    };
  },
});
