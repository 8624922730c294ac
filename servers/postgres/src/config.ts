/**
 * The postgres server's own settings. The connection URL comes from the positional argument or DATABASE_URL;
 * its password is registered as a secret the moment it is read, before anything can log or echo it.
 */
import { parseArgs } from 'node:util';
import { ConfigError, parseBooleanEnv, parseInteger, secrets, type ConfigSpec } from '@portico/protocol';
import { ConnectionUrlError, parseConnectionUrl, type ConnectionTarget, type ParsedConnection } from './lib/connection.js';

export interface PostgresConfig {
  /** Full connection URL, credentials included: never log or return it. */
  connectionString: string;
  /** Host, port, database and user, without the password: safe to show. */
  target: ConnectionTarget;
  allowWrite: boolean;
  maxRows: number;
  /** Budget for the rows of one result, in bytes of JSON. */
  maxBytes: number;
  statementTimeoutMs: number;
  poolSize: number;
  /** Schema allow-list; undefined means every non-system schema. */
  schemas: string[] | undefined;
}

export const DEFAULTS = {
  maxRows: 1_000,
  maxBytes: 200_000,
  statementTimeoutMs: 30_000,
  poolSize: 5,
} as const;

export const ALLOW_WRITE_ENV = 'PORTICO_POSTGRES_ALLOW_WRITE';

export const config: ConfigSpec<PostgresConfig> = {
  usage: '[options] <postgresql://user[:password]@host[:port]/database>',
  positionals: { name: '<database-url>', description: 'PostgreSQL connection URL (or set DATABASE_URL); TLS settings such as ?sslmode=require come from it' },
  options: {
    'allow-write': { type: 'boolean', env: ALLOW_WRITE_ENV, description: 'register the execute tool (INSERT/UPDATE/DELETE/DDL in a transaction, with dryRun); read-only otherwise' },
    'max-rows': { type: 'string', env: 'PORTICO_POSTGRES_MAX_ROWS', placeholder: 'N', description: `rows returned per query at most (default ${DEFAULTS.maxRows}); the rest stay in the database` },
    'max-bytes': { type: 'string', env: 'PORTICO_POSTGRES_MAX_BYTES', placeholder: 'N', description: `bytes of row data per result at most (default ${DEFAULTS.maxBytes})` },
    'statement-timeout': { type: 'string', env: 'PORTICO_POSTGRES_STATEMENT_TIMEOUT', placeholder: 'MS', description: `server-side statement_timeout for every statement, in ms (default ${DEFAULTS.statementTimeoutMs})` },
    'pool-size': { type: 'string', env: 'PORTICO_POSTGRES_POOL_SIZE', placeholder: 'N', description: `connections in the pool at most (default ${DEFAULTS.poolSize})` },
    schema: { type: 'string', multiple: true, env: 'PORTICO_POSTGRES_SCHEMAS', placeholder: 'NAME', description: 'only this schema is visible to tools and resources, and statements may read rows from and change only it (repeatable; env: comma-separated); default all non-system schemas' },
  },
  helpText: [
    'The database URL can also come from DATABASE_URL. Its password is never logged or returned.',
    'Every read runs in BEGIN READ ONLY with a server-side statement_timeout and is rolled back; statements',
    'are parsed with the PostgreSQL parser and refused when they could change anything or reach files or the network.',
    'Connect as a least-privilege role (see the README): the server warns at start when the role can write.',
  ].join('\n'),
  parse({ values, positionals, env }) {
    if (positionals.length > 1) {
      throw new ConfigError(`expected one database URL, got ${positionals.length} arguments: pass a single postgresql:// URL (or set DATABASE_URL).`, '<database-url>');
    }
    const raw = positionals[0] ?? env.DATABASE_URL;
    // Registered before validation so that even an error message about the URL cannot leak the password.
    registerUrlSecrets(raw);
    secrets.register(env.PGPASSWORD);
    if (!raw) {
      throw new ConfigError('no database URL: pass postgresql://user@host:5432/dbname as the argument or set DATABASE_URL.', 'DATABASE_URL');
    }
    let parsed: ParsedConnection;
    try {
      parsed = parseConnectionUrl(raw);
    } catch (error) {
      if (error instanceof ConnectionUrlError) throw new ConfigError(error.message, positionals[0] ? '<database-url>' : 'DATABASE_URL');
      throw error;
    }
    const maxRows = parseInteger(values['max-rows'] as string | undefined, '--max-rows', 1, 100_000) ?? DEFAULTS.maxRows;
    const maxBytes = parseInteger(values['max-bytes'] as string | undefined, '--max-bytes', 1_000, 50_000_000) ?? DEFAULTS.maxBytes;
    const statementTimeoutMs = parseInteger(values['statement-timeout'] as string | undefined, '--statement-timeout', 100, 24 * 3600 * 1000) ?? DEFAULTS.statementTimeoutMs;
    const poolSize = parseInteger(values['pool-size'] as string | undefined, '--pool-size', 1, 100) ?? DEFAULTS.poolSize;
    const schemaValues = values.schema as string[] | undefined;
    const schemas = schemaValues?.length ? [...new Set(schemaValues.map(validateSchemaName))] : undefined;
    return {
      connectionString: parsed.connectionString,
      target: parsed.target,
      allowWrite: values['allow-write'] === true,
      maxRows,
      maxBytes,
      statementTimeoutMs,
      poolSize,
      schemas,
    };
  },
};

function validateSchemaName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 63 || trimmed.includes('\0')) {
    throw new ConfigError(`--schema "${name}" is not a schema name: give the name as it appears in list_schemas (at most 63 characters).`, '--schema');
  }
  return trimmed;
}

/** Registers the URL's password (and the whole userinfo) so redaction covers every form it can appear in. */
export function registerUrlSecrets(raw: string | undefined): void {
  if (!raw) return;
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(raw);
  const userinfo = match?.[1];
  if (userinfo?.includes(':')) {
    const password = userinfo.slice(userinfo.indexOf(':') + 1);
    secrets.register(password);
    try {
      secrets.register(decodeURIComponent(password));
    } catch {
      // Not valid percent-encoding: the raw form is registered already.
    }
  }
  // ?password=... is accepted by node-postgres too.
  const query = /[?&]password=([^&#]*)/i.exec(raw)?.[1];
  if (query) {
    secrets.register(query);
    try {
      secrets.register(decodeURIComponent(query));
    } catch {
      // raw form registered
    }
  }
}

/**
 * Whether writes were asked for, read before runServer parses everything: the execute tool is only registered
 * with --allow-write, so cli.ts adds --read-only otherwise and the common tool filter removes it.
 */
export function writeRequested(argv: string[], env: NodeJS.ProcessEnv): boolean {
  const { values } = parseArgs({ args: argv, options: { 'allow-write': { type: 'boolean' } }, strict: false, allowPositionals: true });
  if (values['allow-write'] === true) return true;
  const fromEnv = env[ALLOW_WRITE_ENV];
  if (fromEnv === undefined || fromEnv === '') return false;
  try {
    return parseBooleanEnv(fromEnv, ALLOW_WRITE_ENV);
  } catch {
    // The full parse reports the bad value with exit 2.
    return false;
  }
}

