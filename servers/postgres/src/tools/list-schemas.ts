import { defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { listSchemas as readSchemas } from '../lib/catalog.js';
import { withDbErrors } from './shared.js';

export const listSchemas = defineTool({
  name: 'list_schemas',
  title: 'List schemas',
  description: 'Lists the schemas this server may use (all non-system schemas, or the --schema allow-list) with their owner and how many tables and views each holds.',
  toolset: 'schema',
  input: z.object({}),
  output: z.object({
    schemas: z
      .array(
        z.object({
          name: z.string().describe('Schema name.'),
          owner: z.string().describe('Role that owns the schema.'),
          tables: z.number().int().describe('Tables, partitioned tables and foreign tables in it.'),
          views: z.number().int().describe('Views and materialized views in it.'),
          comment: z.string().nullable().describe('COMMENT ON SCHEMA, if any.'),
        }),
      )
      .describe('Schemas, by name.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler(_args, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const schemas = await withDbErrors(deps, () => deps.db.read((session) => readSchemas(session, deps.settings.schemas), { signal }));
    const text = schemas.length
      ? schemas.map((s) => `${s.name} (owner ${s.owner}; ${s.tables} tables, ${s.views} views)${s.comment ? ` - ${s.comment}` : ''}`).join('\n')
      : 'No schemas visible to this role.';
    return { structured: { schemas }, text };
  },
});
