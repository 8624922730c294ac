/** What the SQLite handlers need: the checked database file, the query runner pool, limits, the memo. */
import { ConfigError, type DepsContext } from '@portico/protocol';
import type { SqliteConfig } from './config.js';
import { DatabaseFileError, prepareDatabaseFile } from './lib/database-file.js';
import { Insights } from './lib/insights.js';
import { RunnerPool } from './lib/runner-pool.js';

export interface SqliteDeps {
  dbPath: string;
  readOnly: boolean;
  runners: RunnerPool;
  maxRows: number;
  maxResultBytes: number;
  queryTimeoutMs: number;
  exportDir: string | undefined;
  insights: Insights;
  close(): Promise<void>;
}

/** Largest export, whatever the query: exports are files, not answers, but still bounded. */
export const EXPORT_LIMITS = { maxRows: 1_000_000, maxBytes: 200 * 1024 * 1024 };
/** Most statements in one execute_script call. */
export const MAX_SCRIPT_STATEMENTS = 1000;

export function createDeps(config: SqliteConfig, context: Pick<DepsContext, 'log'> & { common: { readOnly: boolean } }): SqliteDeps {
  const readOnly = context.common.readOnly;
  let file;
  try {
    file = prepareDatabaseFile(config.dbPath, { readOnly });
  } catch (error) {
    if (error instanceof DatabaseFileError) throw new ConfigError(error.message, '--db-path');
    throw error;
  }
  if (file.created) context.log.info(`created the database file ${file.path}`);
  const runners = new RunnerPool({
    settings: { dbPath: file.path, readOnly, busyTimeoutMs: config.busyTimeoutMs },
    timeoutMs: config.queryTimeoutMs,
    log: (line) => context.log.debug(line),
  });
  runners.warm();
  return {
    dbPath: file.path,
    readOnly,
    runners,
    maxRows: config.maxRows,
    maxResultBytes: config.maxResultBytes,
    queryTimeoutMs: config.queryTimeoutMs,
    exportDir: config.exportDir,
    insights: new Insights(),
    close: () => runners.close(),
  };
}
