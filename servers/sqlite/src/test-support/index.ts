/** Test helpers (not built into dist): real database files, hashes, directory listings, an in-memory client. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '@portico/protocol';
import { connectInMemory, type TestClient } from '@portico/protocol/testing';
import { DEFAULTS, type SqliteConfig } from '../config.js';
import { createDeps, type SqliteDeps } from '../deps.js';
import { server } from '../server.js';

/** Creates (or opens) a database file and runs setup SQL on it with a direct connection. */
export function makeDatabase(path: string, setupSql = ''): string {
  const db = new Database(path);
  if (setupSql) db.exec(setupSql);
  db.close();
  return path;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file and folder under `root`, relative, sorted, with sizes: a fingerprint of what is on disk. */
export function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        out.push(`${relative(root, full)}/`);
        walk(full);
      } else {
        out.push(`${relative(root, full)} ${statSync(full).size}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

export const quietLog = createLogger({ name: 'portico-sqlite-test', level: 'error' });

export function testConfig(dbPath: string, overrides: Partial<SqliteConfig> = {}): SqliteConfig {
  return {
    dbPath,
    queryTimeoutMs: DEFAULTS.queryTimeoutSeconds * 1000,
    maxRows: DEFAULTS.maxRows,
    maxResultBytes: DEFAULTS.maxResultBytes,
    busyTimeoutMs: 200,
    exportDir: undefined,
    ...overrides,
  };
}

export interface Harness {
  client: TestClient;
  deps: SqliteDeps;
  close(): Promise<void>;
}

/** The real server definition and deps (real runner processes, real file), through a real MCP client in memory. */
export async function openHarness(dbPath: string, overrides: Partial<SqliteConfig> = {}, options: { readOnly?: boolean } = {}): Promise<Harness> {
  const readOnly = options.readOnly ?? false;
  const deps = createDeps(testConfig(dbPath, overrides), { log: quietLog, common: { readOnly } });
  const client = await connectInMemory(server, { deps, selection: { readOnly } });
  return {
    client,
    deps,
    close: async () => {
      await client.close();
      await deps.close();
    },
  };
}

/** True while a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) until `check` holds: shared with the other servers' tests. */
export { waitFor } from '@portico/test-utils';

/** A query that runs until stopped: counting an endless recursive CTE never returns a row. */
export const ENDLESS_QUERY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
