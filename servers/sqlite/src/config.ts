/** The SQLite server's own settings: the database file, time limit, result caps, busy wait, export folder. */
import { realpathSync, statSync } from 'node:fs';
import { ConfigError, parseInteger, type ConfigSpec } from '@portico/protocol';

export interface SqliteConfig {
  /** As given; resolved and checked when the dependencies are created (that needs --read-only). */
  dbPath: string;
  queryTimeoutMs: number;
  maxRows: number;
  maxResultBytes: number;
  busyTimeoutMs: number;
  /** Real path of the folder export_query may write to; undefined disables exports. */
  exportDir: string | undefined;
}

export const DEFAULTS = {
  queryTimeoutSeconds: 30,
  maxRows: 1000,
  maxResultBytes: 100_000,
  busyTimeoutMs: 5000,
};

/** Seconds, whole or decimal (0.5), within bounds. */
function parseSeconds(raw: string | undefined, setting: string, fallback: number): number {
  if (raw === undefined) return fallback * 1000;
  const text = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) throw new ConfigError(`${setting} must be a number of seconds, e.g. 30 or 0.5 (got "${raw}").`, setting);
  const seconds = Number(text);
  if (seconds < 0.1 || seconds > 24 * 3600) throw new ConfigError(`${setting} must be between 0.1 and 86400 seconds (got ${seconds}).`, setting);
  return Math.round(seconds * 1000);
}

function parseExportDir(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let real: string;
  try {
    real = realpathSync(raw);
  } catch (error) {
    throw new ConfigError(`--export-dir ${raw} does not exist (${(error as NodeJS.ErrnoException).code ?? 'error'}): create the folder first or drop the flag.`, '--export-dir');
  }
  if (!statSync(real).isDirectory()) throw new ConfigError(`--export-dir ${raw} is not a directory.`, '--export-dir');
  return real;
}

export const config: ConfigSpec<SqliteConfig> = {
  usage: '--db-path PATH [options]',
  helpText: [
    'The database file is created when missing (not with --read-only).',
    'read_query runs on a read-only connection; ATTACH, VACUUM INTO, extension loading and writable_schema are refused.',
    'Example: portico-sqlite --db-path ./data.db --read-only',
  ].join('\n'),
  options: {
    'db-path': { type: 'string', env: 'SQLITE_DB_PATH', placeholder: 'PATH', description: 'SQLite database file (required; created if missing)' },
    'query-timeout': { type: 'string', env: 'SQLITE_QUERY_TIMEOUT', placeholder: 'SECONDS', description: `stop any query running longer than this (default ${DEFAULTS.queryTimeoutSeconds})` },
    'max-rows': { type: 'string', env: 'SQLITE_MAX_ROWS', placeholder: 'N', description: `most rows in one result; more are paged with offset (default ${DEFAULTS.maxRows})` },
    'max-result-bytes': { type: 'string', env: 'SQLITE_MAX_RESULT_BYTES', placeholder: 'N', description: `most bytes of rows (as JSON) in one result (default ${DEFAULTS.maxResultBytes})` },
    'busy-timeout': { type: 'string', env: 'SQLITE_BUSY_TIMEOUT', placeholder: 'MS', description: `how long to wait for a lock held by another program, in ms (default ${DEFAULTS.busyTimeoutMs})` },
    'export-dir': { type: 'string', env: 'SQLITE_EXPORT_DIR', placeholder: 'DIR', description: 'folder export_query may write CSV/JSON files into (default: exports disabled)' },
  },
  parse({ values }) {
    const dbPath = values['db-path'] as string | undefined;
    if (!dbPath || !dbPath.trim()) {
      throw new ConfigError('--db-path is required: pass --db-path PATH (or set SQLITE_DB_PATH) to the SQLite file to serve; it is created if missing.', '--db-path');
    }
    return {
      dbPath,
      queryTimeoutMs: parseSeconds(values['query-timeout'] as string | undefined, '--query-timeout', DEFAULTS.queryTimeoutSeconds),
      maxRows: parseInteger(values['max-rows'] as string | undefined, '--max-rows', 1, 1_000_000) ?? DEFAULTS.maxRows,
      maxResultBytes: parseInteger(values['max-result-bytes'] as string | undefined, '--max-result-bytes', 1000, 50_000_000) ?? DEFAULTS.maxResultBytes,
      busyTimeoutMs: parseInteger(values['busy-timeout'] as string | undefined, '--busy-timeout', 0, 600_000) ?? DEFAULTS.busyTimeoutMs,
      exportDir: parseExportDir(values['export-dir'] as string | undefined),
    };
  },
};
