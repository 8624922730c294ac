import { continuationHint, defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { listTables as readTables } from '../lib/catalog.js';
import { withDbErrors } from './shared.js';

const PAGE = 500;

export const listTables = defineTool({
  name: 'list_tables',
  title: 'List tables',
  description:
    'Lists tables, views, materialized views and foreign tables as schema-qualified names, with the planner\'s row estimate and size. ' +
    'Row estimates come from statistics (fast, approximate); use query with count(*) for an exact number.',
  toolset: 'schema',
  input: z.object({
    schema: z.string().min(1).max(63).optional().describe('Only this schema (exact name). Default: every schema this server may use.'),
    offset: z.number().int().min(0).max(1_000_000).optional().describe('Entries to skip, to continue a cut listing.'),
  }),
  output: z.object({
    tables: z
      .array(
        z.object({
          schema: z.string().describe('Schema name.'),
          name: z.string().describe('Table or view name.'),
          kind: z.string().describe('table, partitioned table, view, materialized view or foreign table.'),
          rowEstimate: z.number().nullable().describe('Approximate row count from planner statistics; null if never analyzed.'),
          sizeBytes: z.number().nullable().describe('Total size on disk including indexes and TOAST; null for views.'),
          comment: z.string().nullable().describe('COMMENT ON TABLE, if any.'),
        }),
      )
      .describe('Relations ordered by schema and name.'),
    total: z.number().int().describe('Number of relations that match, across all pages.'),
    nextOffset: z.number().int().nullable().describe('Pass as offset for the next page; null at the end.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ schema, offset = 0 }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const { tables, total } = await withDbErrors(deps, () => deps.db.read((session) => readTables(session, deps.settings.schemas, { schema, limit: PAGE, offset }), { signal }));
    const nextOffset = offset + tables.length < total ? offset + tables.length : null;
    let text = tables.length
      ? tables.map((t) => `${t.schema}.${t.name} (${t.kind}${t.rowEstimate !== null ? `, ~${Math.round(t.rowEstimate)} rows` : ''})`).join('\n')
      : schema
        ? `No tables in schema ${schema} that this server may use.`
        : 'No tables visible.';
    if (nextOffset !== null) text += `\n${continuationHint(`Listing (${total} relations)`, `offset=${nextOffset}`)}`;
    return { structured: { tables, total, nextOffset }, text };
  },
});
