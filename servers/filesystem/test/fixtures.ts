/** Real temp trees for the end-to-end tests: an allowed directory, a sibling with a prefix name, and a canary outside. */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, type TempDir } from '@portico/test-utils';

export const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Text that must never appear in any tool result: it lives only outside the sandbox. */
export const CANARY = 'CANARY-7f3a9c-outside-the-sandbox';

/** The official server's tools and parameters (from @modelcontextprotocol/server-filesystem 2026.8.31). */
export const OFFICIAL_TOOLS: Record<string, string[]> = {
  read_file: ['path', 'tail', 'head'],
  read_text_file: ['path', 'tail', 'head'],
  read_media_file: ['path'],
  read_multiple_files: ['paths'],
  write_file: ['path', 'content'],
  edit_file: ['path', 'edits', 'dryRun'],
  create_directory: ['path'],
  list_directory: ['path'],
  list_directory_with_sizes: ['path', 'sortBy'],
  directory_tree: ['path', 'excludePatterns'],
  move_file: ['source', 'destination'],
  search_files: ['path', 'pattern', 'excludePatterns'],
  get_file_info: ['path'],
  list_allowed_directories: [],
};

/** The official server's readOnlyHint per tool. */
export const OFFICIAL_READ_ONLY: Record<string, boolean> = {
  read_file: true,
  read_text_file: true,
  read_media_file: true,
  read_multiple_files: true,
  write_file: false,
  edit_file: false,
  create_directory: false,
  list_directory: true,
  list_directory_with_sizes: true,
  directory_tree: true,
  move_file: false,
  search_files: true,
  get_file_info: true,
  list_allowed_directories: true,
};

export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface Fixture {
  base: TempDir;
  /** The allowed directory (writable). */
  root: string;
  /** A second allowed directory, read-only. */
  ro: string;
  /** Outside: must stay untouched. */
  outside: string;
  /** A sibling whose name starts with the allowed directory's name. */
  sibling: string;
  cleanup(): Promise<void>;
}

export async function makeFixture(): Promise<Fixture> {
  const base = await makeTempDir('fs-e2e-');
  const root = join(base.path, 'allowed');
  const ro = join(base.path, 'reference');
  const outside = join(base.path, 'outside');
  const sibling = join(base.path, 'allowed-sibling');
  for (const d of [root, ro, outside, sibling, join(root, 'src/lib'), join(root, 'docs'), join(root, 'node_modules/pkg'), join(outside, 'deep')]) {
    await mkdir(d, { recursive: true });
  }
  await writeFile(join(root, 'hello.txt'), 'line 1\nline 2\nline 3\nline 4\nline 5\n');
  await writeFile(join(root, 'crlf.txt'), '\uFEFFalpha\r\nbeta\r\ngamma\r\n');
  await writeFile(join(root, 'src/a.ts'), 'export const a = 1;\n// TODO: first\n');
  await writeFile(join(root, 'src/lib/b.ts'), 'export function b() {\n    return 2; // TODO second\n}\n');
  await writeFile(join(root, 'docs/readme.md'), '# Docs\nSome todo text\n');
  await writeFile(join(root, 'node_modules/pkg/index.js'), '// TODO in a dependency\n');
  await writeFile(join(root, '.gitignore'), 'node_modules/\n*.log\n');
  await writeFile(join(root, 'debug.log'), 'TODO in a log\n');
  await writeFile(join(root, 'image.dat'), PNG_1x1); // a PNG with a misleading extension
  await writeFile(join(root, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 255, 10, 0]));
  await writeFile(join(ro, 'ref.txt'), 'reference text\n');
  await writeFile(join(outside, 'secret.txt'), `${CANARY}\n`);
  await writeFile(join(outside, 'deep/secret2.txt'), `${CANARY} deep\n`);
  await writeFile(join(sibling, 'sibling.txt'), `${CANARY} sibling\n`);
  // Links out of the sandbox, and one that stays inside.
  await symlink(join(outside, 'secret.txt'), join(root, 'link-to-secret'));
  await symlink(outside, join(root, 'link-to-outside-dir'));
  await symlink(join(root, 'hello.txt'), join(root, 'link-inside'));
  await symlink('../outside/secret.txt', join(root, 'docs/relative-escape'));
  await symlink(join(root, 'missing-target'), join(root, 'dangling'));
  return { base, root, ro, outside, sibling, cleanup: () => base.cleanup() };
}

/** Names, types, sizes, link targets and content hashes of everything under a directory. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string) => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = await lstat(p);
      if (s.isSymbolicLink()) out[r] = `link:${await readlink(p)}`;
      else if (s.isDirectory()) {
        out[r] = `dir:${s.mode}`;
        await walk(p, r);
      } else out[r] = `file:${s.size}:${s.mode}:${s.mtimeMs}:${createHash('sha256').update(await readFile(p)).digest('hex')}`;
    }
  };
  await walk(dir, '');
  return out;
}
