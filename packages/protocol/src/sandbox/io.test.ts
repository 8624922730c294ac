import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolError } from '../errors.js';
import { setIoStrategyForTests, type IoStrategy } from './anchor.js';
import { copyPath, makeDirectory, movePath, openForRead, removePath, writeFileAtomic } from './io.js';
import { PathSandbox } from './sandbox.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return (error as ToolError).code;
  }
  throw new Error('expected a ToolError, got success');
}

/** Names of leftover temporary files anywhere under dir. */
async function temporaries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => path.basename(String(e)).startsWith('.portico-'));
}

const strategies: IoStrategy[] = process.platform === 'linux' ? ['proc', 'portable'] : ['portable'];

describe.each(strategies)('file operations (%s strategy)', (strategy) => {
  let tmp: TempDir;
  let root: string;
  let ro: string;
  let outside: string;
  let sandbox: PathSandbox;
  let previous: IoStrategy;

  beforeEach(async () => {
    previous = setIoStrategyForTests(strategy);
    tmp = await makeTempDir('portico-sandbox-io-');
    root = path.join(tmp.path, 'root');
    ro = path.join(tmp.path, 'ro');
    outside = path.join(tmp.path, 'outside');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await mkdir(ro);
    await mkdir(outside);
    await writeFile(path.join(root, 'file.txt'), 'hello');
    await writeFile(path.join(ro, 'locked.txt'), 'locked');
    await writeFile(path.join(outside, 'target.txt'), 'outside');
    sandbox = await PathSandbox.create([root, { path: ro, readOnly: true }]);
  });

  afterEach(async () => {
    setIoStrategyForTests(previous);
    await tmp.cleanup();
  });


  describe('openForRead', () => {
    it('returns a verified handle, the resolved path and stats', async () => {
      const { handle, resolved, stats } = await openForRead(sandbox, 'file.txt');
      try {
        expect(await handle.readFile('utf8')).toBe('hello');
        expect(resolved).toMatchObject({ path: path.join(root, 'file.txt'), root: { path: root, readOnly: false }, exists: true });
        expect(stats.size).toBe(5);
      } finally {
        await handle.close();
      }
    });

    it('reads through an inside symlink and from read-only roots', async () => {
      await symlink('file.txt', path.join(root, 'link.txt'));
      const viaLink = await openForRead(sandbox, 'link.txt');
      expect(await viaLink.handle.readFile('utf8')).toBe('hello');
      await viaLink.handle.close();
      const locked = await openForRead(sandbox, path.join(ro, 'locked.txt'));
      expect(await locked.handle.readFile('utf8')).toBe('locked');
      await locked.handle.close();
    });

    it('refuses directories, missing files and FIFOs', async () => {
      expect(await codeOf(openForRead(sandbox, 'sub'))).toBe('is_directory');
      expect(await codeOf(openForRead(sandbox, 'missing.txt'))).toBe('not_found');
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
      expect(await codeOf(openForRead(sandbox, 'pipe'))).toBe('not_a_file');
    });
  });

  describe('writeFileAtomic', () => {
    it('creates a new file and replaces an existing one, keeping its mode', async () => {
      await expect(writeFileAtomic(sandbox, 'sub/new.txt', 'one')).resolves.toMatchObject({ path: path.join(root, 'sub', 'new.txt'), created: true, exists: true });
      expect(await readFile(path.join(root, 'sub', 'new.txt'), 'utf8')).toBe('one');
      await chmod(path.join(root, 'file.txt'), 0o640);
      await expect(writeFileAtomic(sandbox, 'file.txt', new TextEncoder().encode('two'))).resolves.toMatchObject({ created: false });
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('two');
      expect((await stat(path.join(root, 'file.txt'))).mode & 0o777).toBe(0o640);
      expect(await temporaries(tmp.path)).toEqual([]);
    });

    it('refuses to replace a file without write permission, leaving it and no temporary behind', async () => {
      const locked = path.join(root, 'locked.txt');
      await writeFile(locked, 'keep');
      await chmod(locked, 0o444);
      try {
        await expect(writeFileAtomic(sandbox, 'locked.txt', 'replaced')).rejects.toMatchObject({ code: 'permission_denied' });
        expect(await readFile(locked, 'utf8')).toBe('keep');
        expect(await temporaries(tmp.path)).toEqual([]);
      } finally {
        await chmod(locked, 0o644);
      }
    });

    it('removes the temporary file and keeps the original when writing fails midway', async () => {
      // Data of the wrong type makes the write fail after the temporary file was created.
      await expect(writeFileAtomic(sandbox, 'file.txt', 12345 as unknown as string)).rejects.toThrow();
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('hello');
      expect(await temporaries(tmp.path)).toEqual([]);
      await expect(writeFileAtomic(sandbox, 'brand-new.txt', 12345 as unknown as string)).rejects.toThrow();
      await expect(lstat(path.join(root, 'brand-new.txt'))).rejects.toThrow();
      expect(await temporaries(tmp.path)).toEqual([]);
    });

    it('applies an explicit mode', async () => {
      await writeFileAtomic(sandbox, 'script.sh', '#!/bin/sh\n', { mode: 0o750 });
      expect((await stat(path.join(root, 'script.sh'))).mode & 0o777).toBe(0o750);
    });

    it('with overwrite:false refuses an existing file and leaves it untouched', async () => {
      expect(await codeOf(writeFileAtomic(sandbox, 'file.txt', 'clobber', { overwrite: false }))).toBe('exists');
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('hello');
      await expect(writeFileAtomic(sandbox, 'fresh.txt', 'x', { overwrite: false })).resolves.toMatchObject({ created: true });
      expect(await temporaries(tmp.path)).toEqual([]);
    });

    it('refuses a symlink at the target even when it points inside', async () => {
      await symlink('file.txt', path.join(root, 'link.txt'));
      expect(await codeOf(writeFileAtomic(sandbox, 'link.txt', 'through'))).toBe('invalid_path');
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('hello');
      expect(await readlink(path.join(root, 'link.txt'))).toBe('file.txt');
    });

    it('refuses directories, roots, missing parents and read-only roots, leaving no temporary file', async () => {
      expect(await codeOf(writeFileAtomic(sandbox, 'sub', 'x'))).toBe('is_directory');
      expect(await codeOf(writeFileAtomic(sandbox, root, 'x'))).toBe('is_directory');
      expect(await codeOf(writeFileAtomic(sandbox, 'no/such/dir/x.txt', 'x'))).toBe('not_found');
      expect(await codeOf(writeFileAtomic(sandbox, path.join(ro, 'locked.txt'), 'x'))).toBe('read_only');
      expect(await readFile(path.join(ro, 'locked.txt'), 'utf8')).toBe('locked');
      expect(await temporaries(tmp.path)).toEqual([]);
    });
  });

  describe('makeDirectory', () => {
    it('creates one level, or all missing levels with recursive', async () => {
      await expect(makeDirectory(sandbox, 'one')).resolves.toMatchObject({ path: path.join(root, 'one'), exists: true });
      expect((await stat(path.join(root, 'one'))).isDirectory()).toBe(true);
      expect(await codeOf(makeDirectory(sandbox, 'a/b/c'))).toBe('not_found');
      await makeDirectory(sandbox, 'a/b/c', { recursive: true });
      expect((await stat(path.join(root, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    });

    it('accepts an existing directory only with recursive, never a file', async () => {
      await expect(makeDirectory(sandbox, 'sub', { recursive: true })).resolves.toMatchObject({ exists: true });
      expect(await codeOf(makeDirectory(sandbox, 'sub'))).toBe('exists');
      expect(await codeOf(makeDirectory(sandbox, 'file.txt', { recursive: true }))).toBe('exists');
      expect(await codeOf(makeDirectory(sandbox, path.join(ro, 'new')))).toBe('read_only');
    });
  });

  describe('movePath', () => {
    it('moves a file and refuses to overwrite unless asked', async () => {
      await writeFile(path.join(root, 'other.txt'), 'other');
      expect(await codeOf(movePath(sandbox, 'file.txt', 'other.txt'))).toBe('exists');
      expect(await readFile(path.join(root, 'other.txt'), 'utf8')).toBe('other');
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('hello');
      const moved = await movePath(sandbox, 'file.txt', 'sub/moved.txt');
      expect(moved.to.path).toBe(path.join(root, 'sub', 'moved.txt'));
      expect(await readFile(path.join(root, 'sub', 'moved.txt'), 'utf8')).toBe('hello');
      await expect(lstat(path.join(root, 'file.txt'))).rejects.toThrow();
      await movePath(sandbox, 'sub/moved.txt', 'other.txt', { overwrite: true });
      expect(await readFile(path.join(root, 'other.txt'), 'utf8')).toBe('hello');
    });

    it('moves directories and symlinks (the link itself)', async () => {
      await writeFile(path.join(root, 'sub', 'inner.txt'), 'inner');
      await movePath(sandbox, 'sub', 'renamed');
      expect(await readFile(path.join(root, 'renamed', 'inner.txt'), 'utf8')).toBe('inner');
      await symlink('renamed', path.join(root, 'link'));
      await movePath(sandbox, 'link', 'link2');
      expect(await readlink(path.join(root, 'link2'))).toBe('renamed');
      expect((await stat(path.join(root, 'renamed'))).isDirectory()).toBe(true);
    });

    it('refuses moving into itself, onto itself, a root, and from or to read-only roots', async () => {
      expect(await codeOf(movePath(sandbox, 'sub', 'sub/inside'))).toBe('invalid_path');
      expect(await codeOf(movePath(sandbox, 'file.txt', 'file.txt'))).toBe('invalid_path');
      expect(await codeOf(movePath(sandbox, root, path.join(root, 'x')))).toBe('invalid_path');
      expect(await codeOf(movePath(sandbox, path.join(ro, 'locked.txt'), 'stolen.txt'))).toBe('read_only');
      expect(await codeOf(movePath(sandbox, 'file.txt', path.join(ro, 'dropped.txt')))).toBe('read_only');
      expect(await codeOf(movePath(sandbox, 'missing.txt', 'x.txt'))).toBe('not_found');
    });
  });

  describe('copyPath', () => {
    it('copies a file with its mode and refuses to overwrite unless asked', async () => {
      await chmod(path.join(root, 'file.txt'), 0o600);
      const copied = await copyPath(sandbox, 'file.txt', 'sub/copy.txt');
      expect(copied.to).toMatchObject({ path: path.join(root, 'sub', 'copy.txt'), exists: true });
      expect(await readFile(path.join(root, 'sub', 'copy.txt'), 'utf8')).toBe('hello');
      expect((await stat(path.join(root, 'sub', 'copy.txt'))).mode & 0o777).toBe(0o600);
      await writeFile(path.join(root, 'file.txt'), 'changed');
      expect(await codeOf(copyPath(sandbox, 'file.txt', 'sub/copy.txt'))).toBe('exists');
      expect(await readFile(path.join(root, 'sub', 'copy.txt'), 'utf8')).toBe('hello');
      await copyPath(sandbox, 'file.txt', 'sub/copy.txt', { overwrite: true });
      expect(await readFile(path.join(root, 'sub', 'copy.txt'), 'utf8')).toBe('changed');
      expect(await temporaries(tmp.path)).toEqual([]);
    });

    it('copies a larger file exactly', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await writeFile(path.join(root, 'big.bin'), big);
      await copyPath(sandbox, 'big.bin', 'big-copy.bin');
      expect((await readFile(path.join(root, 'big-copy.bin'))).equals(big)).toBe(true);
    });

    it('refuses directories, a symlink destination and read-only destinations', async () => {
      expect(await codeOf(copyPath(sandbox, 'sub', 'sub-copy'))).toBe('is_directory');
      await symlink('file.txt', path.join(root, 'link.txt'));
      expect(await codeOf(copyPath(sandbox, path.join(ro, 'locked.txt'), 'link.txt', { overwrite: true }))).toBe('invalid_path');
      expect(await readFile(path.join(root, 'file.txt'), 'utf8')).toBe('hello');
      expect(await codeOf(copyPath(sandbox, 'file.txt', path.join(ro, 'copy.txt')))).toBe('read_only');
      // Copying out of a read-only root into a writable one is fine.
      await copyPath(sandbox, path.join(ro, 'locked.txt'), 'unlocked.txt');
      expect(await readFile(path.join(root, 'unlocked.txt'), 'utf8')).toBe('locked');
    });
  });

  describe('removePath', () => {
    it('removes files, and directories only with recursive', async () => {
      await mkdir(path.join(root, 'sub', 'deep', 'er'), { recursive: true });
      await writeFile(path.join(root, 'sub', 'deep', 'er', 'x.txt'), 'x');
      await expect(removePath(sandbox, 'file.txt')).resolves.toMatchObject({ path: path.join(root, 'file.txt'), exists: false });
      await expect(lstat(path.join(root, 'file.txt'))).rejects.toThrow();
      expect(await codeOf(removePath(sandbox, 'sub'))).toBe('is_directory');
      await removePath(sandbox, 'sub', { recursive: true });
      await expect(lstat(path.join(root, 'sub'))).rejects.toThrow();
      expect(await codeOf(removePath(sandbox, 'sub'))).toBe('not_found');
    });

    it('removes a symlink as a link, never its target (even recursively)', async () => {
      await mkdir(path.join(root, 'sub', 'keep'));
      await writeFile(path.join(root, 'sub', 'keep', 'k.txt'), 'k');
      await symlink('sub', path.join(root, 'dirlink'));
      await removePath(sandbox, 'dirlink', { recursive: true });
      await expect(lstat(path.join(root, 'dirlink'))).rejects.toThrow();
      expect(await readFile(path.join(root, 'sub', 'keep', 'k.txt'), 'utf8')).toBe('k');
      // A symlink inside a removed tree is unlinked; what it points to survives.
      await symlink(outside, path.join(root, 'sub', 'keep', 'out'));
      await removePath(sandbox, 'sub', { recursive: true });
      expect(await readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('outside');
    });

    it('never removes a root or anything holding one; refuses read-only roots', async () => {
      expect(await codeOf(removePath(sandbox, root, { recursive: true }))).toBe('invalid_path');
      expect(await codeOf(removePath(sandbox, '.', { recursive: true }))).toBe('invalid_path');
      expect(await codeOf(removePath(sandbox, path.join(ro, 'locked.txt')))).toBe('read_only');
      const nested = await PathSandbox.create([root, path.join(root, 'sub')]);
      expect(await codeOf(removePath(nested, path.join(root, 'sub'), { recursive: true }))).toBe('invalid_path');
      expect((await stat(path.join(root, 'sub'))).isDirectory()).toBe(true);
    });
  });
});
