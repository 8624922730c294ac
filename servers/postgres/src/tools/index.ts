/** The ordered tool inventory: the order here is the order in tools/list. `query` is the drop-in tool. */
import { analyzeDbHealth } from './analyze-db-health.js';
import { describeTable } from './describe-table.js';
import { execute } from './execute.js';
import { explainQuery } from './explain-query.js';
import { getTopQueries } from './get-top-queries.js';
import { listSchemas } from './list-schemas.js';
import { listTables } from './list-tables.js';
import { query } from './query.js';

export const tools = [query, listSchemas, listTables, describeTable, explainQuery, getTopQueries, analyzeDbHealth, execute];
