/**
 * Issue 12, faults: a disk that fills. A real 512 KiB tmpfs (mount -t tmpfs as root) holds the filesystem
 * server's sandbox and the sqlite server's database. When a write no longer fits, the tool answers an
 * isError result (not an internal fault), the original file / database is intact (byte-identical /
 * integrity_check ok), and no temp or journal file is left behind.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, textOf, type StdioTestClient } from '@portico/protocol/testing';
import { mountTinyDisk, type TinyDisk } from '../src/tiny-disk.js';
import { binOf } from '../src/targets.js';

const disk = mountTinyDisk(512);
const mounted = 'path' in disk ? (disk as TinyDisk) : undefined;
if (!mounted) console.warn(`[fault-disk] skipped: ${(disk as { unavailable: string }).unavailable}`);

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const KIB = 1024;

afterAll(() => {
  // Always unmount, also after a failure above.
  mounted?.unmount();
});

describe.skipIf(!mounted)('on a full tmpfs', () => {
  const root = () => join(mounted!.path, 'fs');
  let fs: StdioTestClient;
  let sqlite: StdioTestClient;
  const dbPath = () => join(mounted!.path, 'db', 'data.db');

  beforeAll(async () => {
    mkdirSync(root());
    mkdirSync(join(mounted!.path, 'db'));
    writeFileSync(join(root(), 'keep.txt'), 'original line\n'.repeat(3000)); // ~42 KiB
    fs = await connectStdio({ bin: binOf('filesystem'), args: [root()] });
    sqlite = await connectStdio({ bin: binOf('sqlite'), args: ['--db-path', dbPath()] });
    for (const query of ['CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)', "INSERT INTO notes (body) VALUES ('acknowledged 1'), ('acknowledged 2')"]) {
      const r = await sqlite.callTool('write_query', { query });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    // Leave ~24 KiB: every write below needs far more.
    mounted!.fillLeaving(24 * KIB);
  });
  afterAll(async () => {
    await fs?.close();
    await sqlite?.close();
  });

  it('filesystem write_file and edit_file fail cleanly; the original stays byte-identical, no temp file is left', async () => {
    const keep = join(root(), 'keep.txt');
    const before = sha(keep);
    const listing = readdirSync(root()).sort();

    const write = await fs.callTool('write_file', { path: keep, content: 'x'.repeat(200 * KIB) });
    console.info(`[fault disk] write_file: ${textOf(write).split('\n')[0]}`);
    expect(write.isError, textOf(write)).toBe(true);
    expect(textOf(write)).not.toMatch(/Internal error in/);
    expect(textOf(write)).toMatch(/space|full|ENOSPC|quota/i);

    // replaceAll makes the edit valid (the line is not unique), so writing the grown file is what fails.
    const editAll = await fs.callTool('edit_file', { path: keep, edits: [{ oldText: 'original line', newText: 'a much longer replacement line', replaceAll: true }] });
    expect(editAll.isError, textOf(editAll)).toBe(true);
    expect(textOf(editAll)).not.toMatch(/Internal error in/);
    expect(textOf(editAll)).toMatch(/space|full|ENOSPC|quota/i);

    const fresh = await fs.callTool('write_file', { path: join(root(), 'new.txt'), content: 'z'.repeat(100 * KIB) });
    expect(fresh.isError, textOf(fresh)).toBe(true);

    expect(sha(keep)).toBe(before);
    expect(readdirSync(root()).sort()).toEqual(listing);
    // Still serving: a small read works.
    const read = await fs.callTool('read_text_file', { path: keep, head: 1 });
    expect(textOf(read)).toContain('original line');
  });

  it('sqlite write_query fails cleanly; acknowledged rows stay, integrity_check is ok, no journal is left', async () => {
    const listing = readdirSync(join(mounted!.path, 'db')).sort();
    const big = await sqlite.callTool('write_query', { query: 'INSERT INTO notes (body) SELECT hex(randomblob(400000))' });
    console.info(`[fault disk] write_query: ${textOf(big).split('\n')[0]}`);
    expect(big.isError, textOf(big)).toBe(true);
    expect(textOf(big)).not.toMatch(/Internal error in/);
    expect(textOf(big)).toMatch(/full|space|disk|SQLITE_FULL|I\/O/i);

    const rows = await sqlite.callTool('read_query', { query: 'SELECT body FROM notes ORDER BY id' });
    expect(rows.isError, textOf(rows)).toBeFalsy();
    expect(textOf(rows)).toContain('acknowledged 1');
    expect(textOf(rows)).toContain('acknowledged 2');
    expect(readdirSync(join(mounted!.path, 'db')).sort()).toEqual(listing);

    // Checked by a fresh process of the server, reading the file from scratch.
    await sqlite.close();
    const check = await connectStdio({ bin: binOf('sqlite'), args: ['--db-path', dbPath(), '--read-only'] });
    try {
      const integrity = await check.callTool('read_query', { query: 'SELECT integrity_check FROM pragma_integrity_check' });
      expect(integrity.isError, textOf(integrity)).toBeFalsy();
      expect(textOf(integrity)).toMatch(/\bok\b/);
    } finally {
      await check.close();
    }
  });
});
