/**
 * Confirmations (issue 13) through a real MCP client that answers elicitation: the user is shown exactly what a
 * destructive call will change, and a declined or dismissed confirmation leaves every byte as it was.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, PathSandbox } from '@portico/protocol';
import { connectInMemory, textOf, type TestClient } from '@portico/protocol/testing';
import type { FilesystemDeps } from '../src/deps.js';
import { measureTree } from '../src/lib/preview.js';
import { server } from '../src/server.js';
import { makeFixture, snapshot, type Fixture } from './fixtures.js';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
const ACCEPT: Answer = { action: 'accept', content: { confirm: true } };

let fx: Fixture;
let client: TestClient | undefined;
beforeEach(async () => {
  fx = await makeFixture();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await fx.cleanup();
});

/** A client over the real server definition that answers every confirmation with `answer` and keeps the questions. */
async function connect(answer: Answer): Promise<{ c: TestClient; asked: string[] }> {
  const sandbox = await PathSandbox.create([fx.root, { path: fx.ro, readOnly: true }]);
  const deps: FilesystemDeps = { sandbox, maxReadBytes: 256 * 1024, maxMediaBytes: 1024 * 1024, close: async () => {} };
  const asked: string[] = [];
  client = await connectInMemory(server, {
    deps,
    log: createLogger({ name: 'fs-confirm-test', level: 'error' }),
    onElicit: async (params) => {
      asked.push((params as { message: string }).message);
      return answer;
    },
  });
  return { c: client, asked };
}

describe('delete_file asks first', () => {
  it('accept: the user sees the real path and size, then the file is gone', async () => {
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('delete_file', { path: 'hello.txt' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(`Delete the file ${join(fx.root, 'hello.txt')} (35 bytes).`);
    await expect(readFile(join(fx.root, 'hello.txt'))).rejects.toThrow(/ENOENT/);
  });

  it.each([
    ['decline', { action: 'decline' } as Answer, /declined the confirmation; nothing was changed/],
    ['cancel', { action: 'cancel' } as Answer, /dismissed the confirmation; nothing was changed/],
  ])('%s: nothing under the allowed directory changes, and the result says so', async (_label, answer, said) => {
    const before = await snapshot(fx.root);
    const { c, asked } = await connect(answer);
    const result = await c.callTool('delete_file', { path: 'src', recursive: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(said);
    // src holds a.ts, lib/ and lib/b.ts: three entries, 35 + 53 bytes.
    expect(asked[0]).toContain(`Delete the directory ${join(fx.root, 'src')} and everything in it: 3 entries (files, folders and links), 88 bytes in files.`);
    expect(await snapshot(fx.root)).toEqual(before);
  });

  it('a path outside the sandbox is refused by the preview, before anyone is asked', async () => {
    const outsideBefore = await snapshot(fx.outside);
    const { c, asked } = await connect(ACCEPT);
    for (const path of [join(fx.outside, 'secret.txt'), '../outside/secret.txt', join(fx.sibling, 'sibling.txt')]) {
      const result = await c.callTool('delete_file', { path });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Access denied: .* is outside the allowed directories/);
    }
    // The same refusals the handler makes: a read-only directory, an allowed directory itself, a directory without recursive.
    expect(textOf(await c.callTool('delete_file', { path: join(fx.ro, 'ref.txt') }))).toMatch(/may only read/);
    expect(textOf(await c.callTool('delete_file', { path: fx.root, recursive: true }))).toMatch(/never removes those/);
    expect(textOf(await c.callTool('delete_file', { path: 'docs' }))).toMatch(/is a directory[\s\S]*recursive: true/);
    expect(asked).toEqual([]);
    expect(await snapshot(fx.outside)).toEqual(outsideBefore);
  });

  it('a symbolic link is named as a link; its target is not what goes', async () => {
    const { c, asked } = await connect({ action: 'decline' });
    await c.callTool('delete_file', { path: 'link-to-secret' });
    expect(asked[0]).toContain(`Delete the symbolic link ${join(fx.root, 'link-to-secret')} (only the link`);
  });
});

describe('the other writers ask only when they destroy something', () => {
  it('write_file: a new file is not confirmed; an overwrite says how many bytes go and come, and decline keeps them', async () => {
    const { c, asked } = await connect({ action: 'decline' });
    expect((await c.callTool('write_file', { path: 'fresh.txt', content: 'new file' })).isError).toBeFalsy();
    expect(asked).toEqual([]);
    const before = await readFile(join(fx.root, 'hello.txt'));
    const result = await c.callTool('write_file', { path: 'hello.txt', content: 'replacement' });
    expect(textOf(result)).toMatch(/declined/);
    expect(asked[0]).toContain(`Overwrite ${join(fx.root, 'hello.txt')} (35 bytes) with 11 bytes of new content`);
    // The file content itself is never part of the question.
    expect(asked[0]).not.toContain('replacement');
    expect(await readFile(join(fx.root, 'hello.txt'))).toEqual(before);
  });

  it('edit_file: the file and the number of edits; a dry run is not confirmed', async () => {
    const { c, asked } = await connect({ action: 'cancel' });
    const edits = [
      { oldText: 'line 2', newText: 'second line' },
      { oldText: 'line 4\nline 5', newText: 'the end' },
    ];
    expect((await c.callTool('edit_file', { path: 'hello.txt', edits, dryRun: true })).isError).toBeFalsy();
    expect(asked).toEqual([]);
    const before = await readFile(join(fx.root, 'hello.txt'));
    expect(textOf(await c.callTool('edit_file', { path: 'hello.txt', edits }))).toMatch(/dismissed/);
    expect(asked[0]).toContain(`Edit ${join(fx.root, 'hello.txt')} (35 bytes): 2 edits changing 2 places, 3 lines removed and 2 added`);
    expect(await readFile(join(fx.root, 'hello.txt'))).toEqual(before);
    // An edit that cannot apply is refused before anyone is asked, as the handler would refuse it.
    expect(textOf(await c.callTool('edit_file', { path: 'hello.txt', edits: [{ oldText: 'not there', newText: 'x' }] }))).toMatch(/Edit failed/);
    expect(asked).toHaveLength(1);
  });

  it('move_file: confirmed only with overwrite onto an existing file; accept replaces it', async () => {
    const { c, asked } = await connect(ACCEPT);
    await writeFile(join(fx.root, 'one.txt'), 'first');
    expect((await c.callTool('move_file', { source: 'one.txt', destination: 'two.txt' })).isError).toBeFalsy();
    expect((await c.callTool('move_file', { source: 'two.txt', destination: 'three.txt', overwrite: true })).isError).toBeFalsy();
    expect(asked).toEqual([]);
    const moved = await c.callTool('move_file', { source: 'three.txt', destination: 'hello.txt', overwrite: true });
    expect(moved.isError, textOf(moved)).toBeFalsy();
    expect(asked).toEqual([expect.stringContaining(`Move ${join(fx.root, 'three.txt')} to ${join(fx.root, 'hello.txt')}, which replaces the file ${join(fx.root, 'hello.txt')} (35 bytes).`)]);
    expect(await readFile(join(fx.root, 'hello.txt'), 'utf8')).toBe('first');
  });

  it('copy_file: confirmed only when it overwrites; decline keeps the destination', async () => {
    const { c, asked } = await connect({ action: 'decline' });
    expect((await c.callTool('copy_file', { source: 'hello.txt', destination: 'copy.txt' })).isError).toBeFalsy();
    expect(asked).toEqual([]);
    const before = await readFile(join(fx.root, 'docs/readme.md'));
    expect(textOf(await c.callTool('copy_file', { source: 'hello.txt', destination: 'docs/readme.md', overwrite: true }))).toMatch(/declined/);
    expect(asked[0]).toContain(`replacing its 22 bytes with 35 bytes`);
    expect(await readFile(join(fx.root, 'docs/readme.md'))).toEqual(before);
  });
});

describe('counting a large tree is bounded', () => {
  it('stops at the limit and says the figures are lower bounds', async () => {
    const dir = join(fx.root, 'many');
    await mkdir(join(dir, 'sub'), { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(join(dir, `f${i}.txt`), 'x');
    expect(await measureTree(dir, { limit: 5 })).toEqual({ entries: 5, bytes: expect.any(Number), exact: false });
    expect(await measureTree(dir)).toEqual({ entries: 13, bytes: 12, exact: true });
    const { c, asked } = await connect({ action: 'decline' });
    await c.callTool('delete_file', { path: 'many', recursive: true });
    expect(asked[0]).toContain('13 entries (files, folders and links), 12 bytes in files.');
  });
});
