/** The memo://insights resource (drop-in) and one schema resource per table or view. */
import type { ResourceDefinition, ResourceTemplateDefinition } from '@portico/protocol';
import { ToolError } from '@portico/protocol';
import type { SqliteDeps } from './deps.js';
import { toToolError } from './tools/shared.js';

export const insightsMemo: ResourceDefinition<SqliteDeps> = {
  name: 'Business Insights Memo',
  uri: 'memo://insights',
  description: 'A living document of discovered business insights',
  mimeType: 'text/plain',
  async read(uri, { deps }) {
    return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: deps.insights.memo() }] };
  },
  // The official server announces every append_insight with notifications/resources/updated; here a client
  // that subscribed to memo://insights gets it (the spec sends updates to subscribers only).
  async subscribe(_uri, changed, { deps }) {
    return deps.insights.onChange(changed);
  },
};

const SCHEMA_PREFIX = 'sqlite://schema/';

export const tableSchemas: ResourceTemplateDefinition<SqliteDeps> = {
  name: 'table-schema',
  uriTemplate: `${SCHEMA_PREFIX}{table}`,
  title: 'Table schema',
  description: 'Columns, indexes, foreign keys, row count and CREATE statement of one table or view, as JSON.',
  mimeType: 'application/json',
  async list({ deps, signal }) {
    const tables = await run(deps, () => deps.runners.run({ op: 'list' }, { signal }));
    return tables.map((t) => ({
      uri: `${SCHEMA_PREFIX}${encodeURIComponent(t.name)}`,
      name: `${t.name} schema`,
      description: `Schema of the ${t.type} ${t.name}`,
      mimeType: 'application/json',
    }));
  },
  async read(uri, variables, { deps, signal }) {
    const raw = variables.table;
    const encoded = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
    let table: string;
    try {
      table = decodeURIComponent(encoded);
    } catch {
      throw new ToolError(`"${encoded}" is not a valid table name in a URI.`);
    }
    const description = await run(deps, () => deps.runners.run({ op: 'describe', table }, { signal }));
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(description, null, 2) }] };
  },
};

/** Runner failures as the same actionable messages the tools give. */
async function run<T>(deps: SqliteDeps, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toToolError(error, deps, false);
  }
}
