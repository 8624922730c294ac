import { defineServer, readPackageInfo } from '@portico/protocol';
import type { SqliteDeps } from './deps.js';
import { mcpDemo } from './prompts.js';
import { insightsMemo, tableSchemas } from './resources.js';
import { tools } from './tools/index.js';

export const server = defineServer<SqliteDeps>({
  name: 'sqlite',
  package: readPackageInfo(import.meta.url),
  title: 'Portico SQLite',
  instructions: [
    'Tools for one SQLite database file.',
    'Start with list_tables and describe_table; read with read_query (SELECT only, read-only connection, results capped: follow nextOffset to page);',
    'explain_query shows a plan without running the query. Change data with write_query (one statement) or execute_script (several, one transaction, dryRun to preview);',
    'create_table for CREATE TABLE. Use params for values instead of pasting them into SQL. Record findings with append_insight (memo://insights).',
    'Every query has a time limit; ATTACH, VACUUM INTO, extension loading and schema-corrupting pragmas are refused.',
  ].join(' '),
  defaultPort: 3302,
  tools,
  toolsets: {
    query: 'read-only queries and schema (read_query, list_tables, describe_table, explain_query)',
    write: 'changes to the database (write_query, create_table, execute_script)',
    insights: 'the business insights memo (append_insight)',
    export: 'export query results to files in --export-dir (export_query)',
  },
  resources: [insightsMemo],
  resourceTemplates: [tableSchemas],
  prompts: [mcpDemo],
});
