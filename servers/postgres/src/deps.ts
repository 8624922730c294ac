/**
 * What the handlers need: the pool (through Database), the limits, and what the start-up check learnt about
 * the role. A database that is down at start does not stop the server: it starts, says so on stderr, and
 * every call reports whether the database is reachable, recovering by itself once it is.
 */
import type { DepsContext } from '@portico/protocol';
import type { PostgresConfig } from './config.js';
import { Database } from './lib/database.js';
import { inspectRole, type RoleReport } from './lib/role-check.js';
import { toDbError } from './lib/errors.js';

export interface PostgresSettings {
  maxRows: number;
  maxBytes: number;
  statementTimeoutMs: number;
  schemas: readonly string[] | undefined;
  allowWrite: boolean;
}

export interface PostgresDeps {
  db: Database;
  settings: PostgresSettings;
  /** Filled by the start-up check when the database answered. */
  role: RoleReport | undefined;
  close(): Promise<void>;
}

/** How long start-up waits for the first connection before carrying on (the check then finishes in the background). */
const STARTUP_PROBE_MS = 5_000;

export async function createDeps(config: PostgresConfig, { log, common }: DepsContext): Promise<PostgresDeps> {
  const db = new Database({
    connectionString: config.connectionString,
    target: config.target,
    poolSize: config.poolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    schemas: config.schemas,
    onIdleError: (error) => log.warn(`an idle connection to PostgreSQL closed (${error.message}); the next call opens a new one.`),
  });
  const deps: PostgresDeps = {
    db,
    settings: {
      maxRows: config.maxRows,
      maxBytes: config.maxBytes,
      statementTimeoutMs: config.statementTimeoutMs,
      schemas: config.schemas,
      allowWrite: config.allowWrite && !common.readOnly,
    },
    role: undefined,
    close: () => db.close(),
  };
  const probe = startupCheck(deps, log);
  let timer: NodeJS.Timeout | undefined;
  const waited = await Promise.race([
    probe.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), STARTUP_PROBE_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  if (!waited) log.warn(`PostgreSQL at ${db.where} has not answered within ${STARTUP_PROBE_MS / 1000} s; starting anyway.`);
  return deps;
}

async function startupCheck(deps: PostgresDeps, log: DepsContext['log']): Promise<void> {
  const { db, settings } = deps;
  try {
    const { role, missing } = await db.read(async (session) => {
      const role = await inspectRole(session);
      const existing = settings.schemas
        ? (await session.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[])', [settings.schemas])).rows.map((r) => r.name)
        : [];
      return { role, missing: settings.schemas?.filter((s) => !existing.includes(s)) ?? [] };
    });
    deps.role = role;
    log.info(`connected to PostgreSQL ${role.serverVersion} at ${db.where}${settings.allowWrite ? ' (writes allowed with execute)' : ' (read-only)'}`);
    if (role.superuser) {
      log.warn(`the role "${role.user}" is a SUPERUSER. Reads still run in read-only transactions and dangerous statements are refused, but a superuser can read server files and bypass every privilege: connect as a least-privilege role (see the README).`);
    } else if (role.writePrivileges.length > 0) {
      log.warn(`the role "${role.user}" can change the database (${role.writePrivileges.join('; ')}). Reads are still read-only transactions; for defence in depth connect as a role with SELECT only (see the README).`);
    }
    if (missing.length) log.warn(`--schema names schema(s) that do not exist: ${missing.join(', ')}.`);
  } catch (error) {
    let message: string;
    try {
      message = toDbError(error, { where: db.where }).message;
    } catch {
      message = (error as Error).message;
    }
    log.warn(`start-up check failed: ${message} Starting anyway: every call reports whether the database is usable, and calls work as soon as it is.`);
  }
}
