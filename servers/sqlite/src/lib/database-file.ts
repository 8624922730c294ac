/**
 * Start-up checks of the database file, so that a bad --db-path stops the server with one clear line
 * instead of failing on the first query: not a SQLite file, a directory, a missing file in read-only
 * mode, a directory that cannot be created or written. Creates the file when it is missing (like the
 * official server). No MCP imports.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export class DatabaseFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseFileError';
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface PreparedDatabaseFile {
  /** Absolute path. */
  path: string;
  /** True when the file did not exist and was created now. */
  created: boolean;
}

export function resolveDbPath(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed) throw new DatabaseFileError('--db-path is empty: give the path of a SQLite database file.');
  if (trimmed === ':memory:' || trimmed.startsWith('file:')) {
    throw new DatabaseFileError(`--db-path ${trimmed} is not supported: give the path of a database file on disk (it is created if missing).`);
  }
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? `${process.env.HOME ?? ''}${trimmed.slice(1)}` : trimmed;
  return resolve(expanded);
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export function prepareDatabaseFile(raw: string, options: { readOnly: boolean }): PreparedDatabaseFile {
  const path = resolveDbPath(raw);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') {
      throw new DatabaseFileError(`the directory ${dirname(path)} for --db-path cannot be created (ENOTDIR: part of the path is a file): choose a path in a writable directory.`);
    }
    if (code !== 'ENOENT') throw new DatabaseFileError(`--db-path ${path} cannot be examined (${code}): check the path and its permissions.`);
  }

  if (stat) {
    if (stat.isDirectory()) throw new DatabaseFileError(`--db-path ${path} is a directory: give the path of a database file.`);
    if (!stat.isFile()) throw new DatabaseFileError(`--db-path ${path} is not a regular file.`);
    let header: Buffer;
    try {
      header = readHeader(path);
    } catch (error) {
      throw new DatabaseFileError(`--db-path ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check its permissions.`);
    }
    // An empty file is a valid, empty database (SQLite writes the header on the first change).
    if (stat.size > 0 && (header.length < 16 || !header.equals(SQLITE_HEADER))) {
      throw new DatabaseFileError(`--db-path ${path} is not a SQLite database (its first bytes are not the SQLite header); point it at a SQLite file, or at a new path to create one.`);
    }
    verifyOpens(path);
    if (!options.readOnly) checkWritable(path);
    return { path, created: false };
  }

  if (options.readOnly) {
    throw new DatabaseFileError(`--db-path ${path} does not exist, and --read-only forbids creating it: give an existing database, or start without --read-only to create it.`);
  }
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new DatabaseFileError(`the directory ${dir} for --db-path cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'}): choose a path in a writable directory.`);
  }
  checkWritable(path, true);
  try {
    // Opening read-write creates the file; nothing is written to it until the first change.
    new Database(path).close();
  } catch (error) {
    throw new DatabaseFileError(`--db-path ${path} cannot be created (${(error as Error).message}): choose a path in a writable directory.`);
  }
  return { path, created: true };
}

/** SQLite needs to write the file and to create its journal beside it. */
function checkWritable(path: string, creating = false): void {
  const dir = dirname(path);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const what = creating ? 'to create the database' : 'for its journal';
    throw new DatabaseFileError(
      `the directory ${dir} is not writable (${code}); SQLite needs it ${what}: fix its permissions, choose another --db-path${creating ? '' : ', or start with --read-only'}.`,
    );
  }
  if (creating) return;
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw new DatabaseFileError(`--db-path ${path} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'}): fix its permissions or start with --read-only.`);
  }
}

/** Reads the schema once, read-only: catches encrypted or damaged files that carry a valid header. */
function verifyOpens(path: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('schema_version');
  } catch (error) {
    throw new DatabaseFileError(`--db-path ${path} cannot be opened as a SQLite database (${(error as Error).message}).`);
  } finally {
    db?.close();
  }
}
