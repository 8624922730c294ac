/**
 * Confirmations (issue 13) through a real MCP client that answers elicitation, on real repositories: the user
 * sees what a git_reset or git_restore would lose, and a declined or dismissed confirmation leaves HEAD, the
 * index and the working tree exactly as they were.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestClient } from '@portico/protocol/testing';
import { textOf } from '@portico/protocol/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../test-support/fixtures.js';
import { connectGit } from '../test-support/server.js';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };
const ACCEPT: Answer = { action: 'accept', content: { confirm: true } };

let sb: Sandbox;
let allowed: string;
let repo: string;
let n = 0;
let client: TestClient | undefined;

/** HEAD, index and working tree, byte for byte. */
function state(dir: string): string {
  return [
    sb.git(dir, ['rev-parse', 'HEAD']),
    sb.git(dir, ['ls-files', '--stage']),
    sb.git(dir, ['status', '--porcelain=v2', '--untracked-files=all']),
    sb.git(dir, ['diff']),
    sb.git(dir, ['diff', '--cached']),
    readFileSync(join(dir, 'a.txt'), 'utf8'),
    readFileSync(join(dir, 'b.txt'), 'utf8'),
  ].join('\n---\n');
}

async function connect(answer: Answer): Promise<{ c: TestClient; asked: string[] }> {
  const asked: string[] = [];
  client = await connectGit([allowed], sb.env, {
    onElicit: async (params) => {
      asked.push((params as { message: string }).message);
      return answer;
    },
  });
  return { c: client, asked };
}

beforeAll(async () => {
  sb = await makeSandbox();
  allowed = join(sb.dir.path, 'allowed');
  mkdirSync(allowed);
});
afterAll(async () => {
  await sb.cleanup();
});
beforeEach(() => {
  repo = sb.repo(`allowed/r${++n}`, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  // a.txt: staged, then edited again (its staged version is what a reset loses); b.txt: staged only; c.txt: new.
  writeFileSync(join(repo, 'a.txt'), 'a staged\n');
  writeFileSync(join(repo, 'b.txt'), 'b staged\n');
  writeFileSync(join(repo, 'c.txt'), 'c new\n');
  sb.git(repo, ['add', 'a.txt', 'b.txt', 'c.txt']);
  writeFileSync(join(repo, 'a.txt'), 'a edited after staging\n');
});
afterEach(async () => {
  await client?.close();
  client = undefined;
});

describe('git_reset', () => {
  it('accept: the user is told which repository, mode, target and files, then the index is reset', async () => {
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('git_reset', { repo_path: repo });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    const head = sb.git(repo, ['rev-parse', 'HEAD']).trim().slice(0, 12);
    expect(asked[0]).toContain(`Reset the index of the repository ${repo} to HEAD (main at ${head}): mode mixed, target HEAD.`);
    expect(asked[0]).toContain('Unstaged: 3 files: modified a.txt, modified b.txt, added c.txt.');
    expect(asked[0]).toContain('Lost: the staged versions of a.txt');
    expect(sb.git(repo, ['diff', '--cached', '--name-only']).trim()).toBe('');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a edited after staging\n');
  });

  it.each([
    ['decline', { action: 'decline' } as Answer, /the user declined the confirmation; nothing was changed/],
    ['cancel', { action: 'cancel' } as Answer, /the user dismissed the confirmation; nothing was changed/],
  ])('%s: HEAD, index and working tree are identical afterwards', async (_label, answer, said) => {
    const before = state(repo);
    const { c, asked } = await connect(answer);
    const result = await c.callTool('git_reset', { repo_path: repo });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(said);
    expect(asked).toHaveLength(1);
    expect(state(repo)).toBe(before);
  });

  it('nothing staged: nothing to lose, so no question', async () => {
    sb.git(repo, ['reset', '-q']);
    const { c, asked } = await connect({ action: 'decline' });
    expect((await c.callTool('git_reset', { repo_path: repo })).isError).toBeFalsy();
    expect(asked).toEqual([]);
  });

  it('a repository outside the allowed directory is refused before anyone is asked', async () => {
    const outside = sb.repo(`outside${n}`, { 'a.txt': 'a\n' });
    writeFileSync(join(outside, 'a.txt'), 'staged outside\n');
    sb.git(outside, ['add', 'a.txt']);
    const before = sb.git(outside, ['diff', '--cached']);
    const { c, asked } = await connect(ACCEPT);
    const result = await c.callTool('git_reset', { repo_path: outside });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/outside the allowed/i);
    expect(asked).toEqual([]);
    expect(sb.git(outside, ['diff', '--cached'])).toBe(before);
  });
});

describe('git_restore and git_stash', () => {
  it('git_restore names the files whose uncommitted changes are discarded; decline keeps them', async () => {
    const before = state(repo);
    const { c, asked } = await connect({ action: 'decline' });
    expect(textOf(await c.callTool('git_restore', { repo_path: repo, paths: ['a.txt', 'b.txt'] }))).toMatch(/declined/);
    // Only a.txt differs from the index: b.txt's change is staged, so restoring the working tree loses nothing there.
    expect(asked[0]).toContain(`Restore files in the repository ${repo}.`);
    expect(asked[0]).toContain('Working tree: the uncommitted changes to 1 file are discarded and cannot be recovered: a.txt.');
    await c.callTool('git_restore', { repo_path: repo, paths: ['a.txt', 'b.txt'], staged: true, worktree: true, source: 'HEAD' });
    expect(asked[1]).toMatch(/from HEAD \([0-9a-f]{12}\)/);
    expect(asked[1]).toContain('changes to 2 files are discarded and cannot be recovered: a.txt, b.txt.');
    expect(asked[1]).toContain('Index: the staged changes to 2 files are unstaged: a.txt, b.txt.');
    expect(state(repo)).toBe(before);
    // A path outside the repository is the handler's refusal, before anyone is asked.
    expect(textOf(await c.callTool('git_restore', { repo_path: repo, paths: ['../../outside'] }))).toMatch(/outside/);
    expect(asked).toHaveLength(2);
  });

  it('git_stash is not confirmed (push saves everything it removes); the changes come back with pop', async () => {
    const { c, asked } = await connect({ action: 'decline' });
    const pushed = await c.callTool('git_stash', { repo_path: repo, action: 'push', include_untracked: true });
    expect(pushed.isError, textOf(pushed)).toBeFalsy();
    expect(asked).toEqual([]);
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    expect((await c.callTool('git_stash', { repo_path: repo, action: 'pop' })).isError).toBeFalsy();
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a edited after staging\n');
    expect(asked).toEqual([]);
  });
});
