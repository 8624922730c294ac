/** Every tool through the built bin over stdio, with a real MCP client, on real files. */
import { chmod, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, dropInProblems, textOf, toolInvariantProblems, type StdioTestClient } from '@portico/protocol/testing';
import { bin, CANARY, makeFixture, OFFICIAL_READ_ONLY, OFFICIAL_TOOLS, PNG_1x1, snapshot, type Fixture } from './fixtures.js';

let fx: Fixture;
let c: StdioTestClient;
let outsideBefore: Record<string, string>;

beforeAll(async () => {
  fx = await makeFixture();
  outsideBefore = await snapshot(fx.outside);
  c = await connectStdio({ bin, args: [fx.root, '--read-only-dir', fx.ro] });
});
afterAll(async () => {
  await c?.close();
  expect(await snapshot(fx.outside)).toEqual(outsideBefore);
  expect(c.stderr()).not.toContain(CANARY);
  await fx.cleanup();
});

const call = async (name: string, args: Record<string, unknown>) => {
  const r = await c.callTool(name, args);
  expect(textOf(r)).not.toContain(CANARY);
  return r;
};
const ok = async (name: string, args: Record<string, unknown>) => {
  const r = await call(name, args);
  if (r.isError) throw new Error(`${name} failed: ${textOf(r)}`);
  return r;
};
const fails = async (name: string, args: Record<string, unknown>, code?: RegExp) => {
  const r = await call(name, args);
  expect(r.isError, `${name} ${JSON.stringify(args)} should fail`).toBe(true);
  if (code) expect(textOf(r)).toMatch(code);
  return textOf(r);
};
const S = (r: { structuredContent?: unknown }) => r.structuredContent as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('inventory', () => {
  it('offers the 14 official tools with their parameters and read-only hints, plus additions, satisfying the contract', async () => {
    const tools = await c.listTools();
    expect(dropInProblems(tools, OFFICIAL_TOOLS)).toEqual([]);
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    for (const [name, readOnly] of Object.entries(OFFICIAL_READ_ONLY)) {
      expect(tools.find((t) => t.name === name)!.annotations!.readOnlyHint, name).toBe(readOnly);
    }
    expect(tools.map((t) => t.name)).toEqual([...Object.keys(OFFICIAL_TOOLS), 'search_content', 'copy_file', 'delete_file']);
  });

  it('--read-only removes every writer', async () => {
    const ro = await connectStdio({ bin, args: ['--read-only', fx.root] });
    const names = (await ro.listTools()).map((t) => t.name);
    expect(names).not.toContain('write_file');
    expect(names).not.toContain('delete_file');
    expect(names).toContain('read_text_file');
    expect(names).toContain('search_content');
    await ro.close();
  });
});

describe('reading', () => {
  it('read_text_file reads whole files, head, tail and line ranges (relative paths too)', async () => {
    const whole = await ok('read_text_file', { path: join(fx.root, 'hello.txt') });
    expect(textOf(whole)).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(S(whole).content).toBe(textOf(whole));
    expect(textOf(await ok('read_text_file', { path: 'hello.txt', head: 2 }))).toBe('line 1\nline 2\n');
    expect(textOf(await ok('read_text_file', { path: 'hello.txt', tail: 2 }))).toBe('line 4\nline 5\n');
    const range = await ok('read_text_file', { path: 'hello.txt', offset: 2, count: 2 });
    expect(S(range)).toMatchObject({ content: 'line 2\nline 3\n', firstLine: 2, lineCount: 2, nextOffset: 4 });
    expect(textOf(await ok('read_file', { path: 'hello.txt', head: 1 }))).toBe('line 1\n');
  });

  it('cuts long output at the byte budget and says how to continue', async () => {
    const small = await connectStdio({ bin, args: [fx.root, '--max-read-bytes', '1024'] });
    await writeFile(join(fx.root, 'long.txt'), Array.from({ length: 500 }, (_, i) => `row ${i + 1}`).join('\n'));
    const r = await small.callTool('read_text_file', { path: 'long.txt' });
    expect(S(r).truncated).toBe(true);
    const next = S(r).nextOffset as number;
    expect(textOf(r)).toContain(`offset=${next}`);
    const more = await small.callTool('read_text_file', { path: 'long.txt', offset: next, count: 1 });
    expect(S(more).content).toBe(`row ${next}\n`);
    await small.close();
  });

  it('a line longer than the byte budget is cut inside and says so; read_multiple_files leaves such a file whole for read_text_file', async () => {
    const small = await connectStdio({ bin, args: [fx.root, '--max-read-bytes', '1024'] });
    await mkdir(join(fx.root, 'budget'));
    await writeFile(join(fx.root, 'budget', 'minified.txt'), `${'x'.repeat(3000)}TAILMARK\nsecond line\n`);
    const r = await small.callTool('read_text_file', { path: 'budget/minified.txt' });
    expect(S(r)).toMatchObject({ truncated: true, partialLine: true, lineCount: 1, nextOffset: 2 });
    expect(textOf(r)).toMatch(/Line 1 is longer than the byte budget: only its first 1024 bytes are shown, and the rest of that line cannot be read with offset/);
    expect(textOf(r)).not.toMatch(/To get the rest, call again/);
    const tail = await small.callTool('read_text_file', { path: 'budget/minified.txt', tail: 2 });
    expect(S(tail).partialLine).toBe(false);
    await writeFile(join(fx.root, 'budget', 'first.txt'), 'y'.repeat(1000));
    await writeFile(join(fx.root, 'budget', 'second.txt'), `IMPORTANT: ${'z'.repeat(200)} END-OF-LINE-1\n`);
    await writeFile(join(fx.root, 'budget', 'third.txt'), 'ok\n');
    const many = await small.callTool('read_multiple_files', { paths: ['budget/first.txt', 'budget/second.txt', 'budget/third.txt'] });
    const files = S(many).files as Array<{ ok: boolean; content?: string; error?: string }>;
    expect(files.map((f) => f.ok)).toEqual([true, false, true]);
    expect(files[1]!.error).toMatch(/first line does not fit in what is left of the output budget of this call; read it with read_text_file/);
    expect(files[2]!.content).toBe('ok\n');
    expect(textOf(many)).not.toContain('IMPORTANT');
    await small.close();
  });

  it('refuses binary content as text and points to read_media_file', async () => {
    await fails('read_text_file', { path: 'blob.bin' }, /binary.*read_media_file/s);
    await fails('read_text_file', { path: 'hello.txt', head: 1, tail: 1 }, /head and tail/);
    await fails('read_text_file', { path: 'src' }, /directory/);
    await fails('read_text_file', { path: 'nope.txt' }, /does not exist/);
    await fails('read_text_file', { path: 'hello.txt', offset: 99 }, /past the end/);
  });

  it('read_media_file detects the type from content and returns an image block', async () => {
    const r = await ok('read_media_file', { path: 'image.dat' });
    expect(S(r)).toMatchObject({ mimeType: 'image/png', kind: 'image', size: PNG_1x1.length });
    const block = r.content.find((b) => b.type === 'image') as { data: string; mimeType: string };
    expect(Buffer.from(block.data, 'base64').equals(PNG_1x1)).toBe(true);
    const blob = await ok('read_media_file', { path: 'blob.bin' });
    expect(blob.content.some((b) => b.type === 'resource')).toBe(true);
    const capped = await connectStdio({ bin, args: [fx.root, '--max-media-bytes', '1024'] });
    await writeFile(join(fx.root, 'big.bin'), Buffer.alloc(4096, 1));
    const big = await capped.callTool('read_media_file', { path: 'big.bin' });
    expect(big.isError).toBe(true);
    expect(textOf(big)).toMatch(/limit/);
    await capped.close();
  });

  it('read_multiple_files reads each file and reports failures inline', async () => {
    const r = await ok('read_multiple_files', { paths: ['hello.txt', 'missing.txt', 'src/a.ts', join(fx.outside, 'secret.txt')] });
    const files = S(r).files as Array<{ ok: boolean; content?: string; error?: string }>;
    expect(files.map((f) => f.ok)).toEqual([true, false, true, false]);
    expect(files[2]!.content).toContain('export const a');
    expect(textOf(r)).toContain('hello.txt:\nline 1');
    expect(files[3]!.error).toMatch(/outside the allowed/);
  });

  it('get_file_info describes files, directories and links', async () => {
    const f = S(await ok('get_file_info', { path: 'image.dat' }));
    expect(f).toMatchObject({ isFile: true, isDirectory: false, size: PNG_1x1.length, mimeType: 'image/png', isSymbolicLink: false });
    expect(f.permissions).toMatch(/^[0-7]{3}$/);
    expect(S(await ok('get_file_info', { path: 'src' }))).toMatchObject({ isDirectory: true });
    expect(S(await ok('get_file_info', { path: 'link-inside' }))).toMatchObject({ isSymbolicLink: true, path: join(fx.root, 'hello.txt') });
  });

  it('list_allowed_directories shows both directories and the read-only one', async () => {
    const r = await ok('list_allowed_directories', {});
    expect(S(r).directories).toEqual([
      { path: fx.root, readOnly: false },
      { path: fx.ro, readOnly: true },
    ]);
    expect(textOf(r)).toContain(`${fx.ro} (read-only)`);
  });
});

describe('listing and searching', () => {
  it('list_directory marks files, directories and links (outside targets named only as outside)', async () => {
    const r = await ok('list_directory', { path: fx.root });
    const text = textOf(r);
    expect(text).toContain('[DIR] src');
    expect(text).toContain('[FILE] hello.txt');
    expect(text).toContain('[LINK] link-to-secret -> (outside the allowed directories)');
    expect(text).toContain('[LINK] link-inside -> (file)');
    expect(text).toContain('[LINK] dangling -> (broken link)');
    expect(text).not.toContain(fx.outside);
    await fails('list_directory', { path: 'hello.txt' }, /not a directory/);
  });

  it('list_directory_with_sizes sorts by size and totals', async () => {
    const r = await ok('list_directory_with_sizes', { path: 'src/lib', sortBy: 'size' });
    expect(S(r).entries).toEqual([expect.objectContaining({ name: 'b.ts', type: 'file', size: (await stat(join(fx.root, 'src/lib/b.ts'))).size })]);
    expect(textOf(r)).toContain('Total: 1 files, 0 directories');
    const root = S(await ok('list_directory_with_sizes', { path: '.', sortBy: 'size' })).entries as Array<{ size: number }>;
    expect(root.map((e) => e.size)).toEqual([...root.map((e) => e.size)].sort((a, b) => b - a));
  });

  it('directory_tree nests entries, excludes patterns, and honours maxDepth, maxEntries and .gitignore', async () => {
    const r = await ok('directory_tree', { path: 'src' });
    expect(JSON.parse(textOf(r))).toEqual([
      { name: 'a.ts', type: 'file' },
      { name: 'lib', type: 'directory', children: [{ name: 'b.ts', type: 'file' }] },
    ]);
    // The stdio transport splices the text's JSON in as structuredContent.tree: both must carry the same tree.
    expect(S(r)).toMatchObject({ tree: JSON.parse(textOf(r)), entries: 3, truncated: false });
    // Exactly maxEntries entries is a whole tree, not a cut one.
    expect(S(await ok('directory_tree', { path: 'src', maxEntries: 3 }))).toMatchObject({ entries: 3, truncated: false });
    expect(S(await ok('directory_tree', { path: 'src', maxEntries: 2 }))).toMatchObject({ entries: 2, truncated: true });
    const ex = JSON.parse(textOf(await ok('directory_tree', { path: '.', excludePatterns: ['node_modules', 'src', '*.log', 'docs'] }))) as Array<{ name: string }>;
    expect(ex.map((e) => e.name)).not.toContain('node_modules');
    expect(ex.map((e) => e.name)).not.toContain('debug.log');
    const shallow = S(await ok('directory_tree', { path: '.', maxDepth: 1 })).tree as Array<{ children?: unknown[] }>;
    expect(shallow.every((n) => !n.children || n.children.length === 0)).toBe(true);
    const cut = await ok('directory_tree', { path: '.', maxEntries: 3 });
    expect(S(cut)).toMatchObject({ entries: 3, truncated: true });
    expect(textOf(cut)).toContain('maxEntries');
    const git = JSON.stringify(S(await ok('directory_tree', { path: '.', respectGitignore: true })).tree);
    expect(git).not.toContain('node_modules');
    expect(git).not.toContain('debug.log');
    // Links are shown as links, never expanded.
    expect(JSON.stringify(S(r).tree)).not.toContain('secret');
  });

  it('search_files matches globs relative to the path, with excludes, limits and .gitignore', async () => {
    const r = await ok('search_files', { path: '.', pattern: '**/*.ts' });
    expect(S(r).matches).toEqual([join(fx.root, 'src/a.ts'), join(fx.root, 'src/lib/b.ts')]);
    expect(textOf(await ok('search_files', { path: '.', pattern: '*.ts' }))).toContain('No matches found');
    const ex = S(await ok('search_files', { path: '.', pattern: '**/*.js', excludePatterns: ['node_modules'] }));
    expect(ex.matches).toEqual([]);
    const git = S(await ok('search_files', { path: '.', pattern: '**/*', respectGitignore: true })).matches as string[];
    expect(git.some((m) => m.includes('node_modules') || m.endsWith('.log'))).toBe(false);
    const capped = S(await ok('search_files', { path: '.', pattern: '**', maxResults: 2 }));
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.matches).toHaveLength(2);
    // Does not descend through links to outside.
    const all = S(await ok('search_files', { path: '.', pattern: '**/secret*' })).matches;
    expect(all).toEqual([]);
  });

  it('search_content finds text with context, regex, case folding, globs, .gitignore and skips binaries', async () => {
    const r = await ok('search_content', { path: '.', pattern: 'TODO' });
    const paths = (S(r).matches as Array<{ path: string }>).map((m) => m.path);
    expect(paths).toEqual([join(fx.root, 'src/a.ts'), join(fx.root, 'src/lib/b.ts')]); // node_modules and *.log are ignored
    const ci = S(await ok('search_content', { path: '.', pattern: 'todo', ignoreCase: true, include: ['*.md'] }));
    expect(ci.matches).toEqual([{ path: join(fx.root, 'docs/readme.md'), line: 2, text: 'Some todo text' }]);
    const ctx = S(await ok('search_content', { path: 'src/lib', pattern: 'return\\s+\\d', regex: true, contextLines: 1 }));
    expect(ctx.matches).toEqual([{ path: join(fx.root, 'src/lib/b.ts'), line: 2, text: '    return 2; // TODO second', before: ['export function b() {'], after: ['}'] }]);
    expect(textOf(await ok('search_content', { path: 'src/lib', pattern: 'return', contextLines: 1 }))).toContain('2:    return 2;');
    const all = S(await ok('search_content', { path: '.', pattern: 'TODO', respectGitignore: false, exclude: ['node_modules'] }));
    expect((all.matches as unknown[]).length).toBe(3);
    const bin = S(await ok('search_content', { path: '.', pattern: 'PNG', respectGitignore: false }));
    expect(bin.skippedBinary).toBeGreaterThan(0);
    const single = S(await ok('search_content', { path: 'hello.txt', pattern: 'line 3' }));
    expect(single.matches).toEqual([{ path: join(fx.root, 'hello.txt'), line: 3, text: 'line 3' }]);
    const capped = S(await ok('search_content', { path: '.', pattern: 'line', maxResults: 2 }));
    expect(capped).toMatchObject({ truncated: true });
  });

  it('search_content: truncated only when more matches exist, `$` in CRLF files, context shown once', async () => {
    // Exactly two TODO lines outside node_modules and *.log (see the test above): a cap of 2 loses nothing.
    const exact = await ok('search_content', { path: '.', pattern: 'TODO', maxResults: 2 });
    expect(S(exact)).toMatchObject({ truncated: false });
    expect((S(exact).matches as unknown[]).length).toBe(2);
    expect(textOf(exact)).not.toContain('Stopped at');
    const cut = await ok('search_content', { path: '.', pattern: 'TODO', maxResults: 1 });
    expect(S(cut)).toMatchObject({ truncated: true });
    expect(textOf(cut)).toContain('Stopped at 1 matches');

    await writeFile(join(fx.root, 'win.txt'), 'first foo\r\nfoo second\r\nthird foo\r\n');
    const ends = S(await ok('search_content', { path: 'win.txt', pattern: 'foo$', regex: true }));
    expect((ends.matches as Array<{ line: number }>).map((m) => m.line)).toEqual([1, 3]);

    await writeFile(join(fx.root, 'ctx.txt'), ['a', 'hit', 'b', 'hit', 'c', 'd', 'e', 'f', 'hit'].join('\n'));
    const ctx = await ok('search_content', { path: 'ctx.txt', pattern: 'hit', contextLines: 1 });
    expect(S(ctx).matches).toEqual([
      { path: join(fx.root, 'ctx.txt'), line: 2, text: 'hit', before: ['a'], after: ['b'] },
      { path: join(fx.root, 'ctx.txt'), line: 4, text: 'hit', before: [], after: ['c'] },
      { path: join(fx.root, 'ctx.txt'), line: 9, text: 'hit', before: ['f'], after: [] },
    ]);
    expect(textOf(ctx)).toContain(`${join(fx.root, 'ctx.txt')}\n1-a\n2:hit\n3-b\n4:hit\n5-c\n--\n8-f\n9:hit\n`);
  });

  it('bad globs and dangerous regexes are isError results that say what to do', async () => {
    await fails('search_content', { path: '.', pattern: '(a+)+$', regex: true }, /exponential/);
    await fails('search_content', { path: '.', pattern: '(a)\\1', regex: true }, /backreferences/);
    await fails('search_content', { path: '.', pattern: 'a(b', regex: true }, /not valid/);
    await fails('search_files', { path: '.', pattern: '' }, /glob/);
    await fails('search_files', { path: 'hello.txt', pattern: '*' }, /not a directory/);
  });
});

describe('writing', () => {
  it('write_file creates and overwrites atomically, keeping the mode', async () => {
    const p = join(fx.root, 'new.txt');
    const r = await ok('write_file', { path: 'new.txt', content: 'hello' });
    expect(S(r)).toMatchObject({ created: true, bytes: 5 });
    await (await import('node:fs/promises')).chmod(p, 0o640);
    await ok('write_file', { path: 'new.txt', content: 'again' });
    expect(await readFile(p, 'utf8')).toBe('again');
    expect((await stat(p)).mode & 0o777).toBe(0o640);
    await fails('write_file', { path: 'link-inside', content: 'x' }, /symbolic link/);
    await fails('write_file', { path: 'no/such/dir/file.txt', content: 'x' });
  });

  it('edit_file applies exact edits, returns a diff, preserves CRLF and BOM, supports dryRun', async () => {
    const dry = await ok('edit_file', { path: 'crlf.txt', edits: [{ oldText: 'beta', newText: 'BETA' }], dryRun: true });
    expect(textOf(dry)).toContain('-beta\n+BETA');
    expect(await readFile(join(fx.root, 'crlf.txt'), 'utf8')).toBe('\uFEFFalpha\r\nbeta\r\ngamma\r\n');
    await ok('edit_file', { path: 'crlf.txt', edits: [{ oldText: 'beta\ngamma', newText: 'b\nc\nd' }] });
    expect(await readFile(join(fx.root, 'crlf.txt'), 'utf8')).toBe('\uFEFFalpha\r\nb\r\nc\r\nd\r\n');
  });

  it('edit_file refuses a file that is not UTF-8 instead of rewriting its other characters', async () => {
    const latin1 = Buffer.from('caf\xe9 one\nfoo\ncaf\xe9 two\n', 'latin1');
    await writeFile(join(fx.root, 'latin1.txt'), latin1);
    await fails('edit_file', { path: 'latin1.txt', edits: [{ oldText: 'foo', newText: 'bar' }] }, /not UTF-8 text[\s\S]*convert the file to UTF-8 first/);
    expect((await readFile(join(fx.root, 'latin1.txt'))).equals(latin1)).toBe(true);
  });

  it('write_file, edit_file and copy_file leave a file marked read-only (chmod a-w) unchanged', async () => {
    const locked = join(fx.root, 'locked.txt');
    await writeFile(locked, 'keep me\n');
    await chmod(locked, 0o444);
    try {
      await fails('write_file', { path: 'locked.txt', content: 'replaced\n' }, /is read-only \(it has no write permission\)/);
      await fails('edit_file', { path: 'locked.txt', edits: [{ oldText: 'keep', newText: 'lose' }] }, /is read-only/);
      await fails('copy_file', { source: 'hello.txt', destination: 'locked.txt', overwrite: true }, /is read-only/);
      expect(await readFile(locked, 'utf8')).toBe('keep me\n');
      expect((await stat(locked)).mode & 0o777).toBe(0o444);
    } finally {
      await chmod(locked, 0o644);
    }
  });

  it('edit_file requires a unique match unless replaceAll, and falls back to whitespace-tolerant matching', async () => {
    await writeFile(join(fx.root, 'code.js'), 'if (x) {\n    call(1);\n    call(1);\n}\n');
    await fails('edit_file', { path: 'code.js', edits: [{ oldText: 'call(1);', newText: 'call(2);' }] }, /matches 2 places.*replaceAll/s);
    await ok('edit_file', { path: 'code.js', edits: [{ oldText: 'call(1);', newText: 'call(2);', replaceAll: true }] });
    expect(await readFile(join(fx.root, 'code.js'), 'utf8')).toBe('if (x) {\n    call(2);\n    call(2);\n}\n');
    const fuzzy = await ok('edit_file', { path: 'code.js', edits: [{ oldText: 'if (x) {\ncall(2);\n  call(2);', newText: 'if (y) {\ncall(3);' }] });
    expect(S(fuzzy).edits).toEqual([{ match: 'whitespace', replacements: 1 }]);
    expect(await readFile(join(fx.root, 'code.js'), 'utf8')).toBe('if (y) {\ncall(3);\n}\n');
    await fails('edit_file', { path: 'code.js', edits: [{ oldText: 'not there', newText: '' }] }, /not found/);
    await fails('edit_file', { path: 'blob.bin', edits: [{ oldText: 'a', newText: 'b' }] }, /binary/);
  });

  it('create_directory, copy_file, move_file and delete_file', async () => {
    await ok('create_directory', { path: 'made/deep/er' });
    await ok('create_directory', { path: 'made/deep/er' }); // idempotent
    expect((await stat(join(fx.root, 'made/deep/er'))).isDirectory()).toBe(true);
    await ok('copy_file', { source: 'hello.txt', destination: 'made/copy.txt' });
    expect(await readFile(join(fx.root, 'made/copy.txt'), 'utf8')).toContain('line 1');
    await fails('copy_file', { source: 'hello.txt', destination: 'made/copy.txt' }, /already exists/);
    await ok('copy_file', { source: 'src/a.ts', destination: 'made/copy.txt', overwrite: true });
    await fails('copy_file', { source: 'src', destination: 'made/src-copy' }, /directory/);
    await ok('move_file', { source: 'made/copy.txt', destination: 'made/moved.txt' });
    await writeFile(join(fx.root, 'made/other.txt'), 'other');
    await fails('move_file', { source: 'made/moved.txt', destination: 'made/other.txt' }, /already exists.*overwrite/s);
    await ok('move_file', { source: 'made/moved.txt', destination: 'made/other.txt', overwrite: true });
    expect(await readFile(join(fx.root, 'made/other.txt'), 'utf8')).toContain('export const a');
    await fails('delete_file', { path: 'made' }, /recursive/);
    await ok('delete_file', { path: 'made/other.txt' });
    await ok('delete_file', { path: 'made', recursive: true });
    await expect(stat(join(fx.root, 'made'))).rejects.toThrow();
    await fails('delete_file', { path: fx.root, recursive: true }, /allowed directory/);
  });

  it('read-only directories can be read but never changed', async () => {
    expect(textOf(await ok('read_text_file', { path: join(fx.ro, 'ref.txt') }))).toBe('reference text\n');
    await fails('write_file', { path: join(fx.ro, 'x.txt'), content: 'x' }, /read/);
    await fails('edit_file', { path: join(fx.ro, 'ref.txt'), edits: [{ oldText: 'reference', newText: 'x' }] }, /read/);
    await fails('delete_file', { path: join(fx.ro, 'ref.txt') }, /read/);
    await fails('move_file', { source: join(fx.ro, 'ref.txt'), destination: 'stolen.txt' }, /read/);
    await fails('create_directory', { path: join(fx.ro, 'sub') }, /read/);
    await ok('copy_file', { source: join(fx.ro, 'ref.txt'), destination: 'ref-copy.txt' });
    expect(await readFile(join(fx.ro, 'ref.txt'), 'utf8')).toBe('reference text\n');
  });
});

describe('resources', () => {
  it('lists the allowed directories and reads files and directories by file:// URI', async () => {
    const listed = await c.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual([`file://${fx.root}`, `file://${fx.ro}`]);
    const templates = await c.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain('file://{+path}');
    const file = await c.client.readResource({ uri: `file://${join(fx.root, 'hello.txt')}` });
    expect((file.contents[0] as { text: string }).text).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    const dir = await c.client.readResource({ uri: `file://${join(fx.root, 'src')}` });
    expect((dir.contents[0] as { text: string }).text).toContain('[DIR] lib');
    const png = await c.client.readResource({ uri: `file://${join(fx.root, 'image.dat')}` });
    expect(png.contents[0]).toMatchObject({ mimeType: 'image/png', blob: PNG_1x1.toString('base64') });
    const small = await connectStdio({ bin, args: [fx.root, '--max-read-bytes', '1024'] });
    await writeFile(join(fx.root, 'long-resource.txt'), Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n'));
    const cut = ((await small.client.readResource({ uri: `file://${join(fx.root, 'long-resource.txt')}` })).contents[0] as { text: string }).text;
    const shown = cut.split('\n').filter((l) => l.startsWith('line ')).length;
    expect(cut).toMatch(new RegExp(`\\[Cut to the byte budget: ${shown} line\\(s\\) of a \\d+-byte file shown\\. Read the rest with the read_text_file tool, path ".*long-resource\\.txt" and offset=${shown + 1}\\.\\]$`));
    await small.close();
    await expect(c.client.readResource({ uri: `file://${join(fx.outside, 'secret.txt')}` })).rejects.toThrow(/outside/);
    await expect(c.client.readResource({ uri: `file://${join(fx.root, 'link-to-secret')}` })).rejects.toThrow(/outside/);
  });
});

describe('progress and cancellation', () => {
  it('long walks report progress and stop when cancelled', async () => {
    const many = join(fx.root, 'many');
    for (let d = 0; d < 40; d++) {
      await mkdir(join(many, `d${d}`), { recursive: true });
      await Promise.all(Array.from({ length: 50 }, (_, f) => writeFile(join(many, `d${d}`, `f${f}.txt`), `needle ${d} ${f}\n`)));
    }
    const progress: unknown[] = [];
    const r = await c.callTool('search_content', { path: 'many', pattern: 'needle', maxResults: 5000 }, { onprogress: (p) => progress.push(p), timeout: 60_000 });
    expect(r.isError).toBeFalsy();
    expect((S(r).matches as unknown[]).length).toBe(2000);
    expect(progress.length).toBeGreaterThan(0);
    const controller = new AbortController();
    controller.abort();
    await expect(c.callTool('directory_tree', { path: 'many' }, { signal: controller.signal })).rejects.toThrow();
    // The server is still healthy after the cancellation.
    expect(textOf(await ok('read_text_file', { path: 'hello.txt', head: 1 }))).toBe('line 1\n');
  });
});
