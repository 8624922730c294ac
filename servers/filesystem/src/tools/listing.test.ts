import { lstat, mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathSandbox } from '@portico/protocol';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { listEntries } from './listing.js';

// More entries than one synchronous read (4,096) and many lstat chunks (512), so every chunk edge is crossed.
const FILES = 5000;
let dir: TempDir;
let outside: TempDir;
let root: string;
let sandbox: PathSandbox;

beforeAll(async () => {
  dir = await makeTempDir('fs-listing-');
  outside = await makeTempDir('fs-listing-out-');
  root = await realpath(dir.path);
  // Sizes vary with the index so a size attached to the wrong entry shows.
  for (let i = 0; i < FILES; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => writeFile(join(root, `f${String(i + j).padStart(5, '0')}`), 'x'.repeat((i + j) % 13))));
  }
  await mkdir(join(root, 'sub'));
  await symlink(outside.path, join(root, 'zz-out'));
  await symlink(join(root, 'f00003'), join(root, 'zz-in'));
  sandbox = await PathSandbox.create([root]);
});
afterAll(async () => {
  await dir.cleanup();
  await outside.cleanup();
});

describe('listEntries', () => {
  it('lists every entry in name order with its own lstat size and time, across chunk edges', async () => {
    const { entries, truncated, total } = await listEntries(sandbox, root, { maxEntries: 100_000, withSizes: true });
    expect(total).toBe(FILES + 3);
    expect(truncated).toBe(false);
    expect(entries.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    for (const i of [0, 511, 512, 1023, 4095, 4096, 4097, FILES - 1]) {
      const e = entries[i]!;
      expect(e.name).toBe(`f${String(i).padStart(5, '0')}`);
      const info = await lstat(join(root, e.name));
      expect(e).toEqual({ name: e.name, type: 'file', size: i % 13, modified: info.mtime.toISOString() });
    }
    expect(entries.find((e) => e.name === 'sub')).toMatchObject({ type: 'directory', size: 0 });
    expect(entries.find((e) => e.name === 'zz-out')).toMatchObject({ type: 'symlink', target: 'outside' });
    expect(entries.find((e) => e.name === 'zz-in')).toMatchObject({ type: 'symlink', target: 'file' });
  });

  it('keeps the first maxEntries by name and counts the rest; without sizes, no size is given', async () => {
    const { entries, truncated, total } = await listEntries(sandbox, root, { maxEntries: 4100, withSizes: false });
    expect(truncated).toBe(true);
    expect(total).toBe(FILES + 3);
    expect(entries).toHaveLength(4100);
    expect(entries[4099]).toEqual({ name: 'f04099', type: 'file' });
  });

  it('stops when cancelled between chunks', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(listEntries(sandbox, root, { maxEntries: 100_000, withSizes: true, signal: controller.signal })).rejects.toThrow();
  });
});
