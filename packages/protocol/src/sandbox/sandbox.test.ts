import { lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ToolError } from '../errors.js';
import { PathSandbox, sandboxForRequest } from './sandbox.js';

let tmp: TempDir;
let allowed: string;
let ro: string;
let outside: string;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return (error as ToolError).code;
  }
  throw new Error('expected a ToolError, got success');
}

const uri = (p: string) => pathToFileURL(p).href;

beforeAll(async () => {
  tmp = await makeTempDir('portico-sandbox-unit-');
  allowed = path.join(tmp.path, 'allowed');
  ro = path.join(tmp.path, 'allowed', 'ro');
  outside = path.join(tmp.path, 'outside');
  await mkdir(path.join(allowed, 'sub', 'deeper'), { recursive: true });
  await mkdir(ro, { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(allowed, 'file.txt'), 'inside');
  await writeFile(path.join(allowed, 'sub', 'inner.txt'), 'inner');
  await writeFile(path.join(ro, 'locked.txt'), 'locked');
  await writeFile(path.join(outside, 'secret.txt'), 'secret');
  await symlink('sub', path.join(allowed, 'to-sub'));
  await symlink(path.join(allowed, 'file.txt'), path.join(allowed, 'abs-to-file'));
  await symlink('missing-target.txt', path.join(allowed, 'dangling-in'));
  await symlink('../outside/../allowed/file.txt', path.join(allowed, 'via-outside-text'));
  await symlink(allowed, path.join(tmp.path, 'alias-of-allowed'));
});

afterAll(async () => {
  await tmp.cleanup();
});

describe('PathSandbox.create', () => {
  it('realpaths the directories and keeps the order', async () => {
    const sandbox = await PathSandbox.create([path.join(tmp.path, 'alias-of-allowed'), { path: outside, readOnly: true }]);
    expect(sandbox.roots).toEqual([
      { path: allowed, readOnly: false },
      { path: outside, readOnly: true },
    ]);
    expect(sandbox.isEmpty()).toBe(false);
  });

  it('refuses a missing directory, a file and an empty string with a ConfigError naming it', async () => {
    await expect(PathSandbox.create([path.join(tmp.path, 'nope')])).rejects.toThrow(ConfigError);
    await expect(PathSandbox.create([path.join(tmp.path, 'nope')])).rejects.toThrow(/nope.*does not exist/);
    await expect(PathSandbox.create([path.join(allowed, 'file.txt')])).rejects.toThrow(/is not a directory/);
    await expect(PathSandbox.create([''])).rejects.toThrow(ConfigError);
    await expect(PathSandbox.create(['a\0b'])).rejects.toThrow(ConfigError);
  });

  it('accepts duplicates and nested roots; no roots at all is an empty sandbox', async () => {
    const sandbox = await PathSandbox.create([allowed, allowed, ro]);
    expect(sandbox.roots.map((r) => r.path)).toEqual([allowed, ro]);
    const empty = await PathSandbox.create([]);
    expect(empty.isEmpty()).toBe(true);
    expect(await codeOf(empty.resolve(path.join(allowed, 'file.txt'), 'read'))).toBe('outside_sandbox');
    expect(await codeOf(empty.resolve('', 'read'))).toBe('invalid_path');
  });

  it('fromRoots takes real paths as given and refuses relative ones', () => {
    const sandbox = PathSandbox.fromRoots([{ path: `${allowed}/`, readOnly: false }]);
    expect(sandbox.roots).toEqual([{ path: allowed, readOnly: false }]);
    expect(() => PathSandbox.fromRoots([{ path: 'relative/dir', readOnly: false }])).toThrow(ConfigError);
  });
});

describe('PathSandbox.resolve', () => {
  let sandbox: PathSandbox;
  beforeAll(async () => {
    sandbox = await PathSandbox.create([allowed, { path: ro, readOnly: true }]);
  });

  it('resolves relative input against the first root, absolute input as is', async () => {
    const { lstat: walkedStats, ...resolved } = await sandbox.resolve('file.txt', 'read');
    expect(resolved).toEqual({ path: path.join(allowed, 'file.txt'), root: sandbox.roots[0], exists: true });
    // The walk's lstat of the final component comes along, so a reader need not ask again.
    expect(walkedStats?.isFile()).toBe(true);
    expect(walkedStats?.ino).toBe((await lstat(path.join(allowed, 'file.txt'))).ino);
    // A final symlink that was followed is described by the target's lstat, never the link's.
    expect((await sandbox.resolve('abs-to-file', 'read')).lstat?.isSymbolicLink()).toBe(false);
    await expect(sandbox.resolve(path.join(allowed, 'sub', 'inner.txt'), 'write')).resolves.toMatchObject({ path: path.join(allowed, 'sub', 'inner.txt'), exists: true });
    await expect(sandbox.resolve('.', 'read')).resolves.toMatchObject({ path: allowed });
    await expect(sandbox.resolve(`${allowed}/sub/`, 'read')).resolves.toMatchObject({ path: path.join(allowed, 'sub') });
  });

  it('follows symlinks that stay inside and reports the real path', async () => {
    await expect(sandbox.resolve('to-sub/inner.txt', 'read')).resolves.toMatchObject({ path: path.join(allowed, 'sub', 'inner.txt') });
    await expect(sandbox.resolve('abs-to-file', 'read')).resolves.toMatchObject({ path: path.join(allowed, 'file.txt') });
    // The link text passes through "../outside/.." but is collapsed lexically: nothing outside is touched.
    await expect(sandbox.resolve('via-outside-text', 'read')).resolves.toMatchObject({ path: path.join(allowed, 'file.txt') });
  });

  it('accepts the spelling an operator used for a root reached through a symlink', async () => {
    const viaAlias = await PathSandbox.create([path.join(tmp.path, 'alias-of-allowed')]);
    await expect(viaAlias.resolve(path.join(tmp.path, 'alias-of-allowed', 'file.txt'), 'read')).resolves.toMatchObject({ path: path.join(allowed, 'file.txt') });
    await expect(viaAlias.resolve(path.join(allowed, 'file.txt'), 'read')).resolves.toMatchObject({ path: path.join(allowed, 'file.txt') });
  });

  it('with followFinalSymlink:false resolves to the link itself', async () => {
    await expect(sandbox.resolve('to-sub', 'write', { followFinalSymlink: false })).resolves.toMatchObject({ path: path.join(allowed, 'to-sub'), exists: true });
    await expect(sandbox.resolve('dangling-in', 'write', { followFinalSymlink: false })).resolves.toMatchObject({ path: path.join(allowed, 'dangling-in'), exists: true });
  });

  it('read and write need the path to exist; create does not', async () => {
    expect(await codeOf(sandbox.resolve('nope.txt', 'read'))).toBe('not_found');
    expect(await codeOf(sandbox.resolve('nope.txt', 'write'))).toBe('not_found');
    await expect(sandbox.resolve('nope.txt', 'create')).resolves.toMatchObject({ path: path.join(allowed, 'nope.txt'), exists: false });
    // Missing intermediate directories are fine for create: the nearest existing ancestor is inside.
    await expect(sandbox.resolve('new/deeper/x.txt', 'create')).resolves.toMatchObject({ path: path.join(allowed, 'new', 'deeper', 'x.txt'), exists: false });
    expect(await codeOf(sandbox.resolve('file.txt/child', 'create'))).toBe('invalid_path');
    expect(await codeOf(sandbox.resolve('file.txt/child', 'read'))).toBe('not_found');
  });

  it('refuses to create through a dangling symlink', async () => {
    expect(await codeOf(sandbox.resolve('dangling-in', 'create'))).toBe('invalid_path');
    expect(await codeOf(sandbox.resolve('dangling-in', 'read'))).toBe('not_found');
  });

  it('applies the deepest root: a read-only root nested in a writable one stays read-only', async () => {
    await expect(sandbox.resolve('ro/locked.txt', 'read')).resolves.toMatchObject({ root: { path: ro, readOnly: true } });
    expect(await codeOf(sandbox.resolve('ro/locked.txt', 'write'))).toBe('read_only');
    expect(await codeOf(sandbox.resolve('ro/new.txt', 'create'))).toBe('read_only');
    await expect(sandbox.resolve('file.txt', 'write')).resolves.toMatchObject({ root: { path: allowed, readOnly: false } });
  });

  it('names the allowed directories and the next step in its refusals', async () => {
    const error = await sandbox.resolve('/etc/passwd', 'read').catch((e: unknown) => e as ToolError);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('outside_sandbox');
    expect((error as ToolError).toModelText()).toContain(allowed);
    expect((error as ToolError).toModelText()).toContain('list_allowed_directories');
    expect((error as ToolError).toModelText()).toContain(`${ro} (read-only)`);
  });

  it('expands ~ to the home directory', async () => {
    const home = await PathSandbox.create([homedir()]);
    await expect(home.resolve('~', 'read')).resolves.toMatchObject({ exists: true });
    expect(await codeOf(sandbox.resolve('~', 'read'))).toBe('outside_sandbox');
  });
});

describe('rootOf', () => {
  it('is separator-aware and picks the deepest root (read-only wins a tie)', () => {
    const sandbox = PathSandbox.fromRoots([
      { path: '/srv/a', readOnly: false },
      { path: '/srv/a/b', readOnly: true },
      { path: '/srv/c', readOnly: false },
      { path: '/srv/c', readOnly: true },
    ]);
    expect(sandbox.rootOf('/srv/a/x')).toEqual({ path: '/srv/a', readOnly: false });
    expect(sandbox.rootOf('/srv/a/b/x')).toEqual({ path: '/srv/a/b', readOnly: true });
    expect(sandbox.rootOf('/srv/a/bc')).toEqual({ path: '/srv/a', readOnly: false });
    expect(sandbox.rootOf('/srv/ab')).toBeUndefined();
    expect(sandbox.rootOf('/srv/c/x')).toEqual({ path: '/srv/c', readOnly: true });
    expect(sandbox.rootOf('/srv')).toBeUndefined();
  });
});

describe('narrow', () => {
  let sandbox: PathSandbox;
  beforeAll(async () => {
    sandbox = await PathSandbox.create([allowed, { path: outside, readOnly: true }]);
  });

  it('undefined roots change nothing', async () => {
    expect(await sandbox.narrow(undefined)).toBe(sandbox);
  });

  it('a client root inside an operator root narrows to it and keeps read-only', async () => {
    const narrowed = await sandbox.narrow([{ uri: uri(path.join(allowed, 'sub')) }, { uri: uri(outside) }]);
    expect(narrowed.roots).toEqual([
      { path: path.join(allowed, 'sub'), readOnly: false },
      { path: outside, readOnly: true },
    ]);
    expect(await codeOf(narrowed.resolve(path.join(allowed, 'file.txt'), 'read'))).toBe('outside_sandbox');
    // Relative paths now start at the narrowed first root.
    await expect(narrowed.resolve('inner.txt', 'read')).resolves.toMatchObject({ path: path.join(allowed, 'sub', 'inner.txt') });
  });

  it('a client root above an operator root keeps the operator root (never wider)', async () => {
    const narrowed = await sandbox.narrow([{ uri: uri(tmp.path) }]);
    expect(narrowed.roots).toEqual(sandbox.roots);
  });

  it('a client root reached through a symlink inside narrows to its real target', async () => {
    const narrowed = await sandbox.narrow([{ uri: uri(path.join(allowed, 'to-sub')) }]);
    expect(narrowed.roots).toEqual([{ path: path.join(allowed, 'sub'), readOnly: false }]);
    await expect(narrowed.resolve(path.join(allowed, 'to-sub', 'inner.txt'), 'read')).resolves.toMatchObject({ path: path.join(allowed, 'sub', 'inner.txt') });
  });

  it('disjoint, non-file, missing and empty root lists leave nothing reachable', async () => {
    for (const roots of [[{ uri: 'https://example.com/' }], [{ uri: uri(path.join(tmp.path, 'nope')) }], [{ uri: uri('/usr') }], []]) {
      const narrowed = await sandbox.narrow(roots);
      expect(narrowed.isEmpty()).toBe(true);
      expect(await codeOf(narrowed.resolve('file.txt', 'read'))).toBe('outside_sandbox');
    }
  });
});

describe('sandboxForRequest', () => {
  it('returns the base without roots and caches one narrowing per distinct roots list', async () => {
    const base = await PathSandbox.create([allowed]);
    let calls = 0;
    let roots: { uri: string }[] | undefined;
    const ctx = {
      clientRoots: async () => {
        calls++;
        return roots;
      },
    };
    expect(await sandboxForRequest(base, ctx)).toBe(base);
    roots = [{ uri: uri(path.join(allowed, 'sub')) }];
    const first = await sandboxForRequest(base, ctx);
    const again = await sandboxForRequest(base, ctx);
    expect(again).toBe(first);
    expect(first.roots).toEqual([{ path: path.join(allowed, 'sub'), readOnly: false }]);
    roots = [{ uri: uri(allowed) }];
    const changed = await sandboxForRequest(base, ctx);
    expect(changed).not.toBe(first);
    expect(changed.roots).toEqual([{ path: allowed, readOnly: false }]);
    expect(calls).toBe(4);
  });
});
