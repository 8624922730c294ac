/** The ordered tool inventory: the official server's six tools first, then Portico's additions. */
import { appendInsight } from './append-insight.js';
import { createTable } from './create-table.js';
import { describeTable } from './describe-table.js';
import { executeScript } from './execute-script.js';
import { explainQuery } from './explain-query.js';
import { exportQuery } from './export-query.js';
import { listTables } from './list-tables.js';
import { readQuery } from './read-query.js';
import { writeQuery } from './write-query.js';

export const tools = [readQuery, writeQuery, createTable, listTables, describeTable, appendInsight, explainQuery, executeScript, exportQuery];
