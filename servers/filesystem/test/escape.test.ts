/**
 * The server-level escape set: every way a model could try to reach outside the allowed directory, through
 * the tools of the built bin. The sandbox module has its own larger corpus; this proves the tools use it for
 * every path. A canary directory outside must see zero reads (its text never appears in any answer), zero
 * writes and zero listings (its snapshot never changes, its names never appear).
 */
import { mkdir, readdir, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, textOf, type StdioTestClient } from '@portico/protocol/testing';
import { bin, CANARY, makeFixture, snapshot, type Fixture } from './fixtures.js';

let fx: Fixture;
let c: StdioTestClient;
let before: { outside: Record<string, string>; sibling: Record<string, string> };

beforeAll(async () => {
  fx = await makeFixture();
  before = { outside: await snapshot(fx.outside), sibling: await snapshot(fx.sibling) };
  // HOME points outside, so `~` expansion is one more way out.
  c = await connectStdio({ bin, args: [fx.root], env: { HOME: fx.outside } });
});
afterAll(async () => {
  await c?.close();
  expect(await snapshot(fx.outside)).toEqual(before.outside);
  expect(await snapshot(fx.sibling)).toEqual(before.sibling);
  expect(c.stderr()).not.toContain(CANARY);
  await fx.cleanup();
});

/** Secret-revealing strings: the canary text and the names of files that exist only outside. */
const leaks = (text: string, input: Record<string, unknown> = {}) => {
  // The model's own input is echoed in error messages; only what it did not already know counts as a leak.
  let cleaned = text;
  for (const value of JSON.stringify(input).match(/"[^"]*"/g) ?? []) cleaned = cleaned.split(JSON.parse(value) as string).join('');
  return cleaned.includes(CANARY) || /secret2|sibling\.txt|deep\b/.test(cleaned);
};

type Case = [label: string, tool: string, args: (f: Fixture) => Record<string, unknown>];

const cases: Case[] = [
  ['absolute path outside', 'read_text_file', (f) => ({ path: join(f.outside, 'secret.txt') })],
  ['relative ../ traversal', 'read_text_file', () => ({ path: '../outside/secret.txt' })],
  ['absolute path with .. back out', 'read_text_file', (f) => ({ path: `${f.root}/../outside/secret.txt` })],
  ['.. in the middle', 'read_text_file', () => ({ path: 'src/../../outside/secret.txt' })],
  ['symlink to an outside file', 'read_text_file', () => ({ path: 'link-to-secret' })],
  ['symlink to an outside directory', 'read_text_file', () => ({ path: 'link-to-outside-dir/secret.txt' })],
  ['relative symlink escaping', 'read_text_file', () => ({ path: 'docs/relative-escape' })],
  ['sibling directory sharing the prefix', 'read_text_file', (f) => ({ path: join(f.sibling, 'sibling.txt') })],
  ['null byte', 'read_text_file', () => ({ path: 'hello.txt\u0000/../../outside/secret.txt' })],
  ['file:// URI outside', 'read_text_file', (f) => ({ path: `file://${join(f.outside, 'secret.txt')}` })],
  ['~ expansion to HOME outside', 'read_text_file', () => ({ path: '~/secret.txt' })],
  ['tail through a link', 'read_text_file', () => ({ path: 'link-to-secret', tail: 1 })],
  ['deprecated alias', 'read_file', () => ({ path: 'link-to-secret' })],
  ['media read through a link', 'read_media_file', () => ({ path: 'link-to-secret' })],
  ['multiple files, all outside', 'read_multiple_files', (f) => ({ paths: [join(f.outside, 'secret.txt'), 'link-to-secret', 'link-to-outside-dir/deep/secret2.txt'] })],
  ['list outside', 'list_directory', (f) => ({ path: f.outside })],
  ['list through a directory link', 'list_directory', () => ({ path: 'link-to-outside-dir' })],
  ['list through a directory link, trailing slash', 'list_directory', () => ({ path: 'link-to-outside-dir/' })],
  ['list the sibling with sizes', 'list_directory_with_sizes', (f) => ({ path: f.sibling })],
  ['list the parent', 'list_directory', () => ({ path: '..' })],
  ['tree through a directory link', 'directory_tree', () => ({ path: 'link-to-outside-dir' })],
  ['tree of the parent', 'directory_tree', (f) => ({ path: join(f.root, '..') })],
  ['search files through a link', 'search_files', () => ({ path: 'link-to-outside-dir', pattern: '**' })],
  ['search files with a ../ pattern', 'search_files', () => ({ path: '.', pattern: '../**' })],
  ['search content outside', 'search_content', (f) => ({ path: f.outside, pattern: 'CANARY' })],
  ['search content through a link', 'search_content', () => ({ path: 'link-to-outside-dir', pattern: 'CANARY' })],
  ['search content of a linked file', 'search_content', () => ({ path: 'link-to-secret', pattern: 'CANARY' })],
  ['search content with an outside include glob', 'search_content', () => ({ path: '.', pattern: 'CANARY', include: ['../outside/**'], respectGitignore: false })],
  ['file info outside', 'get_file_info', (f) => ({ path: join(f.outside, 'secret.txt') })],
  ['write a new file outside', 'write_file', (f) => ({ path: join(f.outside, 'new.txt'), content: 'x' })],
  ['write through a directory link', 'write_file', () => ({ path: 'link-to-outside-dir/new.txt', content: 'x' })],
  ['overwrite through a file link', 'write_file', () => ({ path: 'link-to-secret', content: 'overwritten' })],
  ['write into the sibling', 'write_file', (f) => ({ path: join(f.sibling, 'sibling.txt'), content: 'x' })],
  ['edit through a file link', 'edit_file', () => ({ path: 'link-to-secret', edits: [{ oldText: 'CANARY', newText: 'x' }] })],
  ['edit dry-run through a link (would reveal a diff)', 'edit_file', () => ({ path: 'link-to-secret', edits: [{ oldText: 'CANARY', newText: 'x' }], dryRun: true })],
  ['mkdir through a directory link', 'create_directory', () => ({ path: 'link-to-outside-dir/newdir' })],
  ['mkdir outside', 'create_directory', (f) => ({ path: join(f.outside, 'newdir') })],
  ['move an outside file in', 'move_file', (f) => ({ source: join(f.outside, 'secret.txt'), destination: 'stolen.txt' })],
  ['move a file out', 'move_file', (f) => ({ source: 'hello.txt', destination: join(f.outside, 'exfiltrated.txt') })],
  ['move through a directory link', 'move_file', () => ({ source: 'link-to-outside-dir/secret.txt', destination: 'stolen.txt' })],
  ['move the allowed directory itself', 'move_file', (f) => ({ source: f.root, destination: join(f.root, 'x') })],
  ['copy an outside file in', 'copy_file', (f) => ({ source: join(f.outside, 'secret.txt'), destination: 'stolen.txt' })],
  ['copy through a file link', 'copy_file', () => ({ source: 'link-to-secret', destination: 'stolen.txt' })],
  ['copy a file out', 'copy_file', (f) => ({ source: 'hello.txt', destination: join(f.outside, 'copied.txt') })],
  ['delete outside', 'delete_file', (f) => ({ path: join(f.outside, 'secret.txt') })],
  ['delete through a directory link', 'delete_file', () => ({ path: 'link-to-outside-dir/secret.txt' })],
  ['delete the parent recursively', 'delete_file', () => ({ path: '..', recursive: true })],
];

describe('escape set through the tools', () => {
  it(`has at least 40 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const [label, tool, args] of cases) {
    it(`${tool}: ${label}`, async () => {
      const input = args(fx);
      const r = await c.callTool(tool, input);
      const text = textOf(r);
      expect(leaks(text, input), text).toBe(false);
      expect(leaks(JSON.stringify(r.structuredContent ?? {}), input), text).toBe(false);
      const listedNothingOutside = tool.startsWith('search') || tool === 'read_multiple_files' ? true : r.isError === true;
      expect(listedNothingOutside, `${tool} should fail: ${text}`).toBe(true);
      if (!r.isError) {
        // Searches and multi-reads may succeed, but only with nothing from outside.
        const structured = r.structuredContent as { files?: Array<{ ok: boolean }>; matches?: unknown[] };
        if (tool === 'read_multiple_files') expect(structured.files!.every((f) => !f.ok)).toBe(true);
        else expect(structured.matches).toEqual([]);
      }
    });
  }

  it('removing a link removes only the link, never its target', async () => {
    await symlink(join(fx.outside, 'secret.txt'), join(fx.root, 'link-to-remove'));
    const r = await c.callTool('delete_file', { path: 'link-to-remove' });
    expect(r.isError).toBeFalsy();
    expect(await readdir(fx.outside)).toContain('secret.txt');
  });
});

describe('client roots only narrow', () => {
  it('a client root outside the allowed directory grants nothing', async () => {
    const client = await connectStdio({ bin, args: [fx.root], roots: [{ uri: `file://${fx.outside}` }] });
    const outside = await client.callTool('read_text_file', { path: join(fx.outside, 'secret.txt') });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).not.toContain(CANARY);
    const inside = await client.callTool('read_text_file', { path: join(fx.root, 'hello.txt') });
    expect(inside.isError).toBe(true);
    expect((await client.callTool('list_allowed_directories', {})).structuredContent).toEqual({ directories: [] });
    await client.close();
  });

  it('a client root wider than the allowed directory does not widen it', async () => {
    const client = await connectStdio({ bin, args: [fx.root], roots: [{ uri: 'file:///' }, { uri: `file://${fx.base.path}` }] });
    expect((await client.callTool('list_allowed_directories', {})).structuredContent).toEqual({ directories: [{ path: fx.root, readOnly: false }] });
    const r = await client.callTool('read_text_file', { path: join(fx.outside, 'secret.txt') });
    expect(r.isError).toBe(true);
    expect(textOf(r)).not.toContain(CANARY);
    await client.close();
  });

  it('a client root inside narrows to it, and a roots change is followed', async () => {
    const client = await connectStdio({ bin, args: [fx.root], roots: [{ uri: `file://${join(fx.root, 'src')}` }] });
    expect((await client.callTool('read_text_file', { path: join(fx.root, 'src/a.ts') })).isError).toBeFalsy();
    expect((await client.callTool('read_text_file', { path: join(fx.root, 'hello.txt') })).isError).toBe(true);
    expect((await client.callTool('write_file', { path: join(fx.root, 'docs/x.txt'), content: 'x' })).isError).toBe(true);
    await client.setRoots([{ uri: `file://${join(fx.root, 'docs')}` }]);
    // The server re-lists roots after the notification; poll a bounded number of times.
    let allowed = false;
    for (let i = 0; i < 50 && !allowed; i++) {
      allowed = !(await client.callTool('read_text_file', { path: join(fx.root, 'docs/readme.md') })).isError;
      if (!allowed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(allowed).toBe(true);
    expect((await client.callTool('read_text_file', { path: join(fx.root, 'src/a.ts') })).isError).toBe(true);
    await client.close();
  });
});

describe('symlink swap race', () => {
  it('a link flipped between inside and outside during reads, listings and writes never lets anything out', async () => {
    const inside = join(fx.root, 'race-real');
    await mkdir(inside, { recursive: true });
    await writeFile(join(inside, 'secret.txt'), 'harmless inside text\n');
    const race = join(fx.root, 'race');
    await symlink(inside, race);
    let stop = false;
    let flips = 0;
    const flipper = (async () => {
      // Atomic swaps: build the next link under a temp name and rename it over `race`.
      while (!stop && flips < 20_000) {
        const tmp = join(fx.root, `.race-tmp-${flips}`);
        await symlink(flips % 2 === 0 ? fx.outside : inside, tmp);
        await rename(tmp, race);
        flips += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const outcomes = { ok: 0, refused: 0 };
    try {
      for (let round = 0; round < 40; round++) {
        const results = await Promise.all([
          c.callTool('read_text_file', { path: 'race/secret.txt' }),
          c.callTool('read_text_file', { path: 'race/secret.txt', tail: 1 }),
          c.callTool('list_directory', { path: 'race' }),
          c.callTool('search_content', { path: 'race', pattern: 'CANARY' }),
          c.callTool('write_file', { path: 'race/planted.txt', content: 'planted' }),
          c.callTool('get_file_info', { path: 'race/secret.txt' }),
        ]);
        for (const r of results) {
          expect(leaks(textOf(r)) || leaks(JSON.stringify(r.structuredContent ?? {}))).toBe(false);
          if (r.isError) outcomes.refused += 1;
          else outcomes.ok += 1;
        }
      }
    } finally {
      stop = true;
      await flipper;
      await unlink(race).catch(() => undefined);
    }
    expect(flips).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(0); // the outside phase was hit and refused
    expect(await readdir(fx.outside)).not.toContain('planted.txt');
  });
});
