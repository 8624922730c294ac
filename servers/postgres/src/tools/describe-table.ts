import { defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { describeTable as readTable, resolveTable } from '../lib/catalog.js';
import { withDbErrors } from './shared.js';

export const describeTable = defineTool({
  name: 'describe_table',
  title: 'Describe a table',
  description:
    'Describes one table or view: columns (type, nullability, default, identity/generated), primary key, foreign keys both ways, ' +
    'unique and check constraints, indexes with their definitions, and the row estimate.',
  toolset: 'schema',
  input: z.object({
    table: z.string().min(1).max(200).describe('Table name, optionally schema-qualified: "orders" or "sales.orders". Matched exactly first, then case-insensitively.'),
    schema: z.string().min(1).max(63).optional().describe('Schema of the table, when not given in table; needed when the name exists in several schemas.'),
  }),
  output: z.object({
    schema: z.string().describe('Schema name.'),
    name: z.string().describe('Table name.'),
    kind: z.string().describe('table, partitioned table, view, materialized view or foreign table.'),
    rowEstimate: z.number().nullable().describe('Approximate row count from planner statistics.'),
    comment: z.string().nullable().describe('COMMENT ON TABLE, if any.'),
    columns: z
      .array(
        z.object({
          name: z.string().describe('Column name.'),
          type: z.string().describe('Type with modifiers, e.g. character varying(100).'),
          nullable: z.boolean().describe('False when NOT NULL.'),
          default: z.string().nullable().describe('Default expression.'),
          generated: z.string().nullable().describe('Identity or generated-column description.'),
          comment: z.string().nullable().describe('COMMENT ON COLUMN, if any.'),
        }),
      )
      .describe('Columns in table order.'),
    primaryKey: z.array(z.string()).describe('Primary key columns, in key order; empty when none.'),
    foreignKeys: z
      .array(
        z.object({
          name: z.string().describe('Constraint name.'),
          columns: z.array(z.string()).describe('Columns in this table.'),
          referencesSchema: z.string().describe('Schema of the referenced table.'),
          referencesTable: z.string().describe('Referenced table.'),
          referencesColumns: z.array(z.string()).describe('Referenced columns.'),
          onUpdate: z.string().describe('ON UPDATE action.'),
          onDelete: z.string().describe('ON DELETE action.'),
        }),
      )
      .describe('Foreign keys from this table.'),
    referencedBy: z
      .array(
        z.object({
          name: z.string().describe('Constraint name.'),
          schema: z.string().describe('Schema of the referencing table.'),
          table: z.string().describe('Referencing table.'),
          columns: z.array(z.string()).describe('Referencing columns.'),
        }),
      )
      .describe('Foreign keys in other tables that point here.'),
    indexes: z
      .array(
        z.object({
          name: z.string().describe('Index name.'),
          definition: z.string().describe('CREATE INDEX statement.'),
          unique: z.boolean().describe('Unique index.'),
          primary: z.boolean().describe('Backs the primary key.'),
          valid: z.boolean().describe('False for an index left invalid by a failed CREATE INDEX CONCURRENTLY.'),
          sizeBytes: z.number().describe('Size on disk.'),
        }),
      )
      .describe('Indexes, primary key first.'),
    checks: z.array(z.object({ name: z.string().describe('Constraint name.'), definition: z.string().describe('CHECK expression.') })).describe('Check constraints.'),
    uniqueConstraints: z.array(z.object({ name: z.string().describe('Constraint name.'), columns: z.array(z.string()).describe('Columns.') })).describe('Unique constraints.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ table, schema }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    let tableName = table;
    let schemaName = schema;
    if (!schemaName) {
      const dot = splitQualified(table);
      if (dot) [schemaName, tableName] = dot;
    }
    const description = await withDbErrors(deps, () =>
      deps.db.read(
        async (session) => {
          const resolved = await resolveTable(session, deps.settings.schemas, tableName, schemaName);
          return readTable(session, resolved.oid);
        },
        { signal },
      ),
    );
    const lines = [`${description.schema}.${description.name} (${description.kind}${description.rowEstimate !== null ? `, ~${Math.round(description.rowEstimate)} rows` : ''})`];
    for (const c of description.columns) {
      lines.push(`  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.default ? ` DEFAULT ${c.default}` : ''}${c.generated ? ` [${c.generated}]` : ''}`);
    }
    if (description.primaryKey.length) lines.push(`Primary key: (${description.primaryKey.join(', ')})`);
    for (const fk of description.foreignKeys) lines.push(`Foreign key ${fk.name}: (${fk.columns.join(', ')}) -> ${fk.referencesSchema}.${fk.referencesTable}(${fk.referencesColumns.join(', ')})`);
    for (const r of description.referencedBy) lines.push(`Referenced by ${r.schema}.${r.table}(${r.columns.join(', ')}) via ${r.name}`);
    for (const i of description.indexes) lines.push(`Index: ${i.definition}${i.valid ? '' : ' [INVALID]'}`);
    for (const c of description.checks) lines.push(`Check ${c.name}: ${c.definition}`);
    return { structured: description, text: lines.join('\n') };
  },
});

/** "schema.table" (either part may be double-quoted); undefined when there is no unquoted dot. */
export function splitQualified(name: string): [string, string] | undefined {
  const match = /^("(?:[^"]|"")+"|[^".]+)\.("(?:[^"]|"")+"|[^".]+)$/.exec(name.trim());
  if (!match) return undefined;
  const unquote = (part: string) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part);
  return [unquote(match[1]!), unquote(match[2]!)];
}
