/**
 * Table-schema resources, as in the archived @modelcontextprotocol/server-postgres, but schema-qualified:
 * postgres://HOST:PORT/DATABASE/SCHEMA/TABLE/schema. The URI never carries a user name or password.
 * The body keeps the original's column_name/data_type entries and adds nullability, defaults, keys and indexes.
 */
import { ToolError, type ResourceTemplateDefinition } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { describeTable, listResourceTables, resolveTable } from '../lib/catalog.js';
import { resourceAuthority } from '../lib/connection.js';
import { withDbErrors } from '../tools/shared.js';

/** resources/list stays a reasonable size on databases with thousands of tables; list_tables pages the rest. */
const MAX_LISTED = 1_000;

export function tableSchemaUri(deps: PostgresDeps, schema: string, table: string): string {
  const { target } = deps.db;
  return `postgres://${resourceAuthority(target)}/${encodeURIComponent(target.database)}/${encodeURIComponent(schema)}/${encodeURIComponent(table)}/schema`;
}

export const tableSchemaResource: ResourceTemplateDefinition<PostgresDeps> = {
  name: 'table-schema',
  uriTemplate: 'postgres://{authority}/{database}/{schema}/{table}/schema',
  title: 'Table schema',
  description: 'Columns (name, type, nullability, default), primary and foreign keys and indexes of one table, as JSON.',
  mimeType: 'application/json',
  async list({ deps, signal }) {
    const tables = await withDbErrors(deps, () => deps.db.read((session) => listResourceTables(session, deps.settings.schemas, MAX_LISTED), { signal }));
    return tables.map(
      (t) => ({
        uri: tableSchemaUri(deps, t.schema, t.name),
        name: `"${t.schema}"."${t.name}" database schema`,
        title: `${t.schema}.${t.name} (${t.kind})`,
        mimeType: 'application/json',
      }),
    );
  },
  async read(uri, variables, { deps, signal }) {
    const value = (name: string) => {
      const raw = variables[name];
      const text = Array.isArray(raw) ? raw[0] : raw;
      try {
        return decodeURIComponent(text ?? '');
      } catch {
        return text ?? '';
      }
    };
    const { target } = deps.db;
    if (value('authority') !== resourceAuthority(target) || value('database') !== target.database) {
      throw new ToolError(`${uri.href} belongs to another database than the one this server serves.`, { hint: 'use a URI from resources/list.', code: 'not_found' });
    }
    const description = await withDbErrors(deps, () =>
      deps.db.read(
        async (session) => {
          const resolved = await resolveTable(session, deps.settings.schemas, value('table'), value('schema'));
          if (resolved.schema !== value('schema') || resolved.name !== value('table')) {
            throw new ToolError(`no table ${value('schema')}.${value('table')}.`, { hint: 'use a URI from resources/list.', code: 'not_found' });
          }
          return describeTable(session, resolved.oid);
        },
        { signal },
      ),
    );
    const body = {
      schema: description.schema,
      table: description.name,
      kind: description.kind,
      // The original server returned [{ column_name, data_type }]; those keys are kept for drop-in readers.
      columns: description.columns.map((c) => ({ column_name: c.name, data_type: c.type, is_nullable: c.nullable, column_default: c.default })),
      primaryKey: description.primaryKey,
      foreignKeys: description.foreignKeys,
      indexes: description.indexes.map((i) => ({ name: i.name, definition: i.definition })),
    };
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
  },
};
