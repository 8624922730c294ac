import { defineTool, z } from '@portico/protocol';
import type { SqliteDeps } from '../deps.js';
import type { TableDescription } from '../lib/messages.js';
import { runRequest } from './shared.js';

export const tableDescriptionSchema = z.object({
  name: z.string().describe('Table or view name as stored.'),
  type: z.enum(['table', 'view']).describe('table or view.'),
  sql: z.string().nullable().describe('The CREATE statement.'),
  columns: z
    .array(
      z.object({
        cid: z.number().int().describe('Column position.'),
        name: z.string().describe('Column name.'),
        type: z.string().describe('Declared type.'),
        notnull: z.boolean().describe('NOT NULL constraint.'),
        dflt_value: z.string().nullable().describe('Default value expression.'),
        pk: z.number().int().describe('Position in the primary key (0 when not part of it).'),
        hidden: z.number().int().describe('0 normal, 1 hidden (virtual tables), 2/3 generated columns.'),
      }),
    )
    .describe('Columns in order.'),
  indexes: z
    .array(
      z.object({
        name: z.string().describe('Index name.'),
        unique: z.boolean().describe('UNIQUE index.'),
        origin: z.string().describe('c = CREATE INDEX, u = UNIQUE constraint, pk = primary key.'),
        partial: z.boolean().describe('Partial index (has a WHERE clause).'),
        columns: z.array(z.string().nullable()).describe('Indexed columns; null for expressions.'),
      }),
    )
    .describe('Indexes on the table.'),
  foreignKeys: z
    .array(
      z.object({
        id: z.number().int().describe('Foreign key id (columns of one key share it).'),
        seq: z.number().int().describe('Column position within the key.'),
        table: z.string().describe('Referenced table.'),
        from: z.string().describe('Column in this table.'),
        to: z.string().nullable().describe('Referenced column (null: the primary key).'),
        on_update: z.string().describe('ON UPDATE action.'),
        on_delete: z.string().describe('ON DELETE action.'),
        match: z.string().describe('MATCH clause.'),
      }),
    )
    .describe('Foreign keys of the table.'),
  rowCount: z.number().int().nullable().describe('Number of rows (null for views).'),
});

export function renderDescription(d: TableDescription): string {
  const lines = [`${d.type} ${d.name}${d.rowCount === null ? '' : ` (${d.rowCount} row${d.rowCount === 1 ? '' : 's'})`}`, 'columns:'];
  for (const c of d.columns) {
    const flags = [c.pk ? 'PRIMARY KEY' : '', c.notnull ? 'NOT NULL' : '', c.dflt_value !== null ? `DEFAULT ${c.dflt_value}` : ''].filter(Boolean).join(' ');
    lines.push(`  ${c.name} ${c.type || '(no type)'}${flags ? ` ${flags}` : ''}`);
  }
  if (d.indexes.length) {
    lines.push('indexes:');
    for (const ix of d.indexes) lines.push(`  ${ix.name}${ix.unique ? ' UNIQUE' : ''} (${ix.columns.map((c) => c ?? '<expr>').join(', ')})${ix.partial ? ' partial' : ''}`);
  }
  if (d.foreignKeys.length) {
    lines.push('foreign keys:');
    for (const fk of d.foreignKeys) lines.push(`  ${fk.from} -> ${fk.table}(${fk.to ?? 'primary key'}) on delete ${fk.on_delete}, on update ${fk.on_update}`);
  }
  if (d.sql) lines.push('definition:', `  ${d.sql}`);
  return lines.join('\n');
}

export const describeTable = defineTool({
  name: 'describe_table',
  title: 'Describe a table',
  description: 'Get the schema information for a specific table or view: columns, indexes, foreign keys, row count and its CREATE statement.',
  toolset: 'query',
  input: z.object({
    table_name: z.string().min(1).max(1000).describe('Name of the table to describe (as listed by list_tables).'),
  }),
  output: tableDescriptionSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ table_name }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    const description = await runRequest(deps, { op: 'describe', table: table_name }, signal);
    return { structured: description, text: renderDescription(description) };
  },
});
