import { defineServer, readPackageInfo } from '@portico/protocol';
import type { PostgresDeps } from './deps.js';
import { tools } from './tools/index.js';
import { tableSchemaResource } from './resources/table-schema.js';

export const server = defineServer<PostgresDeps>({
  name: 'postgres',
  package: readPackageInfo(import.meta.url),
  title: 'Portico PostgreSQL',
  instructions: [
    'Read a PostgreSQL database safely. Start with list_schemas / list_tables, then describe_table for columns and keys.',
    'query runs one read-only statement (SELECT/VALUES/TABLE/SHOW/EXPLAIN) inside a rolled-back read-only transaction with a',
    'server-side timeout; results are capped and say how to continue. explain_query shows plans (analyze runs reads only);',
    'get_top_queries and analyze_db_health help with performance. execute (only when the operator allowed writes) commits one',
    'statement, or rolls it back with dryRun=true. Send one statement per call; transaction control, SET, COPY and DO are refused.',
  ].join(' '),
  defaultPort: 3303,
  tools,
  toolsets: {
    query: 'read-only SQL and query plans',
    schema: 'schemas, tables and table descriptions',
    health: 'pg_stat_statements top queries and a health report',
    write: 'execute: writing statements (needs --allow-write)',
  },
  resourceTemplates: [tableSchemaResource],
});
