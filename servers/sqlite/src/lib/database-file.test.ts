import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { makeDatabase } from '../test-support/index.js';
import { DatabaseFileError, prepareDatabaseFile } from './database-file.js';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('portico-sqlite-file-');
});
afterEach(async () => {
  await dir.cleanup();
});

describe('prepareDatabaseFile', () => {
  it('creates a missing file (and its folders), empty until the first change', () => {
    const path = join(dir.path, 'new', 'deeper', 'data.db');
    expect(prepareDatabaseFile(path, { readOnly: false })).toEqual({ path, created: true });
    expect(statSync(path).size).toBe(0);
  });

  it('accepts an existing database and leaves it byte for byte as it was', () => {
    const path = makeDatabase(join(dir.path, 'a.db'), 'CREATE TABLE t (a); INSERT INTO t VALUES (1);');
    const before = readFileSync(path);
    expect(prepareDatabaseFile(path, { readOnly: false }).created).toBe(false);
    expect(prepareDatabaseFile(path, { readOnly: true }).created).toBe(false);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite, naming the problem', () => {
    const path = join(dir.path, 'notes.txt');
    writeFileSync(path, 'these are my notes, not a database at all');
    expect(() => prepareDatabaseFile(path, { readOnly: false })).toThrow(/is not a SQLite database/);
    expect(readFileSync(path, 'utf8')).toBe('these are my notes, not a database at all');
  });

  it('refuses a damaged file that carries a SQLite header', () => {
    const path = join(dir.path, 'damaged.db');
    writeFileSync(path, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(200, 0xff)]));
    expect(() => prepareDatabaseFile(path, { readOnly: false })).toThrow(/cannot be opened as a SQLite database/);
  });

  it('refuses a directory, :memory: and file: URIs', () => {
    expect(() => prepareDatabaseFile(dir.path, { readOnly: false })).toThrow(/is a directory/);
    expect(() => prepareDatabaseFile(':memory:', { readOnly: false })).toThrow(/not supported/);
    expect(() => prepareDatabaseFile('file:x.db?mode=rwc', { readOnly: false })).toThrow(/not supported/);
  });

  it('refuses a path whose folder cannot be created', () => {
    const blocker = join(dir.path, 'plain-file');
    writeFileSync(blocker, 'x');
    expect(() => prepareDatabaseFile(join(blocker, 'data.db'), { readOnly: false })).toThrow(DatabaseFileError);
    expect(() => prepareDatabaseFile(join(blocker, 'data.db'), { readOnly: false })).toThrow(/cannot be created \(ENOTDIR/);
  });

  it('in read-only mode, refuses a missing file instead of creating it', () => {
    const path = join(dir.path, 'missing.db');
    expect(() => prepareDatabaseFile(path, { readOnly: true })).toThrow(/does not exist, and --read-only forbids creating it/);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses an unwritable folder when writes are allowed (skipped as root, who may write anywhere)', () => {
    if (process.getuid?.() === 0 || process.platform === 'win32') return;
    const locked = join(dir.path, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    expect(() => prepareDatabaseFile(join(locked, 'x.db'), { readOnly: false })).toThrow(/not writable/);
  });
});
