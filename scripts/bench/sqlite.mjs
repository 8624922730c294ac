/**
 * SQLite side by side: Portico's `servers/sqlite/dist/cli.js` against mcp-server-sqlite-npx (the npm port of the
 * archived official Python server, same tool names; the most used SQLite MCP server on npm), with better-sqlite3
 * in the bench process as the floor (the same query without MCP, a process boundary or JSON).
 *
 * The comparator depends on `sqlite3`, whose install script downloads a prebuilt binary. The repo installs no
 * binaries, so it is installed here, once, into bench/.cache (gitignored) with the native part built from source
 * (`npm_config_build_from_source=true`, Node headers from `npm_config_nodedir`, /usr/include/node by default).
 * That build takes a few minutes the first time; the version is pinned below so figures stay comparable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const COMPETITOR = 'mcp-server-sqlite-npx';
export const COMPETITOR_VERSION = '0.8.0';

/** Installs the comparator into `cacheDir` if it is not there yet; returns its entry file. Throws with the npm log tail. */
export function ensureCompetitor(cacheDir, log) {
  const dir = join(cacheDir, `${COMPETITOR}-${COMPETITOR_VERSION}`);
  const entry = join(dir, 'node_modules', COMPETITOR, 'dist', 'index.js');
  if (existsSync(entry) && existsSync(join(dir, '.complete'))) return entry;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'portico-bench-sqlite-comparator', private: true }));
  log(`installing ${COMPETITOR}@${COMPETITOR_VERSION} into ${dir} (sqlite3 built from source; once, a few minutes)`);
  const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', `${COMPETITOR}@${COMPETITOR_VERSION}`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 20 * 60_000,
    env: { ...process.env, npm_config_build_from_source: 'true', ...(nodedir ? { npm_config_nodedir: nodedir } : {}) },
  });
  if (r.status !== 0 || !existsSync(entry)) throw new Error(`installing ${COMPETITOR} failed (${r.status ?? r.signal}): ${`${r.stdout}\n${r.stderr}`.slice(-1500)}`);
  writeFileSync(join(dir, '.complete'), '');
  return entry;
}

/** A 10,000-row table made with better-sqlite3 (the Portico server's own dependency). */
export function makeDatabase(repo) {
  const require = createRequire(join(repo, 'servers/sqlite/package.json'));
  const Database = require('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-sqlite-'));
  const path = join(dir, 'bench.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL, placed_on TEXT NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
INSERT INTO orders (customer, total, placed_on) SELECT 'customer ' || (x % 500), round(x * 1.37, 2), date('2024-01-01', '+' || (x % 365) || ' days') FROM c;`);
  db.close();
  return { dir, path, Database };
}

export const SQLITE_QUERIES = {
  '10,000-row read': 'SELECT id, customer, total, placed_on FROM orders ORDER BY id',
  '1-row read': 'SELECT id, customer, total, placed_on FROM orders WHERE id = 4242',
};

/** Rows in an answer: Portico's structured rowCount, or the competitor's JSON text. */
export function rowsIn(result) {
  if (result.isError) return `error: ${(result.content?.[0]?.text ?? '').slice(0, 100)}`;
  if (typeof result.structuredContent?.rowCount === 'number') return result.structuredContent.rowCount;
  const text = result.content?.map((c) => c.text ?? '').join('') ?? '';
  try {
    const parsed = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.length;
  } catch {
    // not JSON: count nothing
  }
  return 'unknown';
}
