/** Confirmations through the built bin over stdio, as a host would run it (issue 13). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { connectStdio, textOf } from '@portico/protocol/testing';
import { makeDatabase, sha256 } from '../src/test-support/index.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-gov-');
});
afterEach(async () => {
  await dir.cleanup();
});

describe('stdio (built bin)', () => {
  it('a declined write_query leaves every row as it was; the question gave the dry-run row count', async () => {
    const dbPath = makeDatabase(join(dir.path, 'e2e.db'), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c');");
    const hash = sha256(dbPath);
    const asked: string[] = [];
    const c = await connectStdio({
      bin,
      args: ['--db-path', dbPath],
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return { action: 'decline' };
      },
    });
    try {
      const result = await c.callTool('write_query', { query: "DELETE FROM t WHERE v <> 'a'" });
      expect(textOf(result)).toMatch(/write_query was not run because the user declined the confirmation; nothing was changed/);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain("DELETE FROM t WHERE v <> 'a'");
      expect(asked[0]).toContain('changed 2 rows');
    } finally {
      await c.close();
    }
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT v FROM t ORDER BY id').all()).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
    db.close();
    expect(sha256(dbPath)).toBe(hash);
  });
});
