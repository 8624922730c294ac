/** Every write tool against real repositories; failures must leave the index and working tree as they were. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestClient } from '@portico/protocol/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../test-support/fixtures.js';
import { connectGit, fails, ok } from '../test-support/server.js';

let sb: Sandbox;
let c: TestClient;
let n = 0;
let repo: string;

/** A snapshot of what must not change when a tool refuses: HEAD, index and working tree. */
function snapshot(dir: string): string {
  return [sb.git(dir, ['rev-parse', 'HEAD']), sb.git(dir, ['status', '--porcelain=v2', '--untracked-files=all']), sb.git(dir, ['diff']), sb.git(dir, ['diff', '--cached'])].join('\n---\n');
}

beforeAll(async () => {
  sb = await makeSandbox();
  c = await connectGit([sb.dir.path], sb.env);
});
afterAll(async () => {
  await c.close();
  await sb.cleanup();
});
beforeEach(() => {
  repo = sb.repo(`w${++n}`, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
});

describe('git_add, git_commit, git_reset', () => {
  it('stages, commits and reports the hash like the official server', async () => {
    writeFileSync(join(repo, 'a.txt'), 'a2\n');
    writeFileSync(join(repo, 'new.txt'), 'new\n');
    const added = await ok<{ staged: string[] }>(c, 'git_add', { repo_path: repo, files: ['a.txt', 'new.txt'] });
    expect(added.s.staged.sort()).toEqual(['a.txt', 'new.txt']);
    expect(added.text).toMatch(/^Files staged successfully/);
    const committed = await ok<{ commit: string; branch: string }>(c, 'git_commit', { repo_path: repo, message: 'second commit\n\nbody' });
    expect(committed.text).toBe(`Changes committed successfully with hash ${committed.s.commit} on main.`);
    expect(sb.git(repo, ['rev-parse', 'HEAD']).trim()).toBe(committed.s.commit);
    expect(sb.git(repo, ['log', '-1', '--format=%B']).trim()).toBe('second commit\n\nbody');
  });

  it('stages everything with "." and a deleted file by its path', async () => {
    writeFileSync(join(repo, 'c.txt'), 'c\n');
    sb.git(repo, ['rm', '-q', '--cached', 'b.txt']);
    await ok(c, 'git_add', { repo_path: repo, files: ['.'] });
    expect(sb.git(repo, ['diff', '--cached', '--name-only']).split('\n').filter(Boolean).sort()).toEqual(['c.txt']);
    sb.git(repo, ['rm', '-q', 'a.txt']);
    sb.git(repo, ['reset', '-q']);
    await ok(c, 'git_add', { repo_path: repo, files: ['a.txt'] });
    expect(sb.git(repo, ['diff', '--cached', '--name-status'])).toContain('D\ta.txt');
  });

  it('stages nothing when one path is missing', async () => {
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    const before = snapshot(repo);
    expect(await fails(c, 'git_add', { repo_path: repo, files: ['a.txt', 'missing.txt'] })).toMatch(/nothing was staged: "missing.txt"/);
    expect(snapshot(repo)).toBe(before);
  });

  it('stages nothing when one path is ignored by .gitignore, and says which', async () => {
    writeFileSync(join(repo, '.gitignore'), '*.log\n');
    sb.git(repo, ['add', '.gitignore']);
    sb.git(repo, ['commit', '-q', '-m', 'ignore logs']);
    writeFileSync(join(repo, 'new.txt'), 'new\n');
    writeFileSync(join(repo, 'debug.log'), 'x\n');
    const before = snapshot(repo);
    const text = await fails(c, 'git_add', { repo_path: repo, files: ['new.txt', 'debug.log'] });
    expect(text).toMatch(/nothing was staged: "debug.log" is ignored by .gitignore/);
    expect(text).toMatch(/Try: leave ignored paths out/);
    expect(snapshot(repo)).toBe(before);
    // A tracked file is never ignored, whatever the rules say; "." skips ignored files as git does.
    writeFileSync(join(repo, 'tracked.log'), 't\n');
    sb.git(repo, ['add', '-f', 'tracked.log']);
    writeFileSync(join(repo, 'tracked.log'), 't2\n');
    expect((await ok<{ staged: string[] }>(c, 'git_add', { repo_path: repo, files: ['tracked.log', 'new.txt'] })).s.staged.sort()).toEqual(['new.txt', 'tracked.log']);
    await ok(c, 'git_add', { repo_path: repo, files: ['.'] });
    expect(sb.git(repo, ['diff', '--cached', '--name-only'])).not.toContain('debug.log');
  });

  it('refuses to commit when nothing is staged, or with an empty message', async () => {
    expect(await fails(c, 'git_commit', { repo_path: repo, message: 'x' })).toMatch(/no changes are staged[\s\S]*git_add/);
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    sb.git(repo, ['add', 'a.txt']);
    expect(await fails(c, 'git_commit', { repo_path: repo, message: '   ' })).toMatch(/empty/);
  });

  it('commits a message that looks like options, verbatim', async () => {
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    sb.git(repo, ['add', 'a.txt']);
    await ok(c, 'git_commit', { repo_path: repo, message: '--amend --author=evil <e@x> -c core.pager=touch' });
    expect(sb.git(repo, ['log', '-1', '--format=%s%n%an']).trim()).toBe('--amend --author=evil <e@x> -c core.pager=touch\nPortico Test');
    expect(sb.git(repo, ['rev-list', '--count', 'HEAD']).trim()).toBe('2');
  });

  it('git_reset unstages everything and keeps the edits, also without commits', async () => {
    writeFileSync(join(repo, 'a.txt'), 'edited\n');
    sb.git(repo, ['add', 'a.txt']);
    const { text } = await ok(c, 'git_reset', { repo_path: repo });
    expect(text).toBe('All staged changes reset.');
    expect(sb.git(repo, ['diff', '--cached', '--name-only'])).toBe('');
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('edited\n');
    const empty = sb.repo(`empty${n}`, {});
    writeFileSync(join(empty, 'x.txt'), 'x\n');
    sb.git(empty, ['add', 'x.txt']);
    await ok(c, 'git_reset', { repo_path: empty });
    expect(sb.git(empty, ['status', '--porcelain'])).toBe('?? x.txt\n');
  });

  it('makes the first commit of an empty repository', async () => {
    const empty = sb.repo(`first${n}`, {});
    expect(await fails(c, 'git_show', { repo_path: empty, revision: 'HEAD' })).toMatch(/no commits yet/);
    const status = await ok<{ branch: { name: string; commit: null } }>(c, 'git_status', { repo_path: empty });
    expect(status.s.branch).toMatchObject({ name: 'main', commit: null });
    expect(status.text).toMatch(/No commits yet/);
    writeFileSync(join(empty, 'x.txt'), 'x\n');
    await ok(c, 'git_add', { repo_path: empty, files: ['x.txt'] });
    const staged = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff_staged', { repo_path: empty });
    expect(staged.s.files.map((f) => f.path)).toEqual(['x.txt']);
    await ok(c, 'git_commit', { repo_path: empty, message: 'first' });
    expect(sb.git(empty, ['log', '--format=%s']).trim()).toBe('first');
  });
});

describe('branches and checkout', () => {
  it('creates branches from HEAD or a base, refusing bad and existing names', async () => {
    const created = await ok<{ branch: string; commit: string }>(c, 'git_create_branch', { repo_path: repo, branch_name: 'feature/x' });
    expect(created.text).toBe("Created branch 'feature/x' from 'main'.");
    expect(created.s.commit).toBe(sb.git(repo, ['rev-parse', 'HEAD']).trim());
    writeFileSync(join(repo, 'a.txt'), 'v2\n');
    sb.git(repo, ['commit', '-qam', 'two']);
    const fromBase = await ok<{ commit: string }>(c, 'git_create_branch', { repo_path: repo, branch_name: 'old', base_branch: 'HEAD~1' });
    expect(fromBase.s.commit).toBe(sb.git(repo, ['rev-parse', 'HEAD~1']).trim());
    expect(await fails(c, 'git_create_branch', { repo_path: repo, branch_name: 'old' })).toMatch(/already exists/);
    for (const bad of ['--output=/tmp/x', '-D', 'a..b', 'has space', 'x.lock']) {
      expect(await fails(c, 'git_create_branch', { repo_path: repo, branch_name: bad })).toMatch(/not a valid branch name/);
    }
    expect(await fails(c, 'git_create_branch', { repo_path: repo, branch_name: 'ok', base_branch: '--orphan' })).toMatch(/starts with "-"/);
    expect(sb.git(repo, ['branch', '--format=%(refname:short)']).split('\n').filter(Boolean).sort()).toEqual(['feature/x', 'main', 'old']);
  });

  it('switches branches, detaches at a tag, and reports a detached HEAD', async () => {
    sb.git(repo, ['branch', 'other']);
    sb.git(repo, ['tag', 'v1']);
    const switched = await ok<{ branch: string }>(c, 'git_checkout', { repo_path: repo, branch_name: 'other' });
    expect(switched.text).toBe("Switched to branch 'other'.");
    expect(sb.git(repo, ['symbolic-ref', '--short', 'HEAD']).trim()).toBe('other');
    const detached = await ok<{ branch: null; commit: string }>(c, 'git_checkout', { repo_path: repo, branch_name: 'v1' });
    expect(detached.s.branch).toBeNull();
    expect(detached.text).toMatch(/detached/);
    const status = await ok<{ branch: { detached: boolean; name: null } }>(c, 'git_status', { repo_path: repo });
    expect(status.s.branch).toMatchObject({ detached: true, name: null });
    expect(status.text).toMatch(/HEAD detached at/);
    const branches = await ok<{ current: null; detached_at: string }>(c, 'git_branch', { repo_path: repo, branch_type: 'local' });
    expect(branches.s.detached_at).toBe(detached.s.commit);
    expect(await fails(c, 'git_checkout', { repo_path: repo, branch_name: 'nope' })).toMatch(/not a known branch/);
    expect(await fails(c, 'git_checkout', { repo_path: repo, branch_name: '--orphan=evil' })).toMatch(/starts with "-"/);
  });

  it('refuses a checkout that would overwrite local changes, changing nothing', async () => {
    sb.git(repo, ['checkout', '-q', '-b', 'other']);
    writeFileSync(join(repo, 'a.txt'), 'other\n');
    sb.git(repo, ['commit', '-qam', 'other']);
    sb.git(repo, ['checkout', '-q', 'main']);
    writeFileSync(join(repo, 'a.txt'), 'local edit\n');
    const before = snapshot(repo);
    expect(await fails(c, 'git_checkout', { repo_path: repo, branch_name: 'other' })).toMatch(/would be overwritten[\s\S]*Nothing was changed/);
    expect(snapshot(repo)).toBe(before);
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('local edit\n');
  });
});

describe('merge conflicts', () => {
  it('reports conflicts in status and refuses to commit them', async () => {
    sb.git(repo, ['checkout', '-q', '-b', 'left']);
    writeFileSync(join(repo, 'a.txt'), 'left\n');
    sb.git(repo, ['commit', '-qam', 'left']);
    sb.git(repo, ['checkout', '-q', 'main']);
    writeFileSync(join(repo, 'a.txt'), 'right\n');
    sb.git(repo, ['commit', '-qam', 'right']);
    expect(() => sb.git(repo, ['merge', '-q', 'left'])).toThrow();
    const status = await ok<{ in_progress: string; entries: Array<{ path: string; kind: string; staged: string }> }>(c, 'git_status', { repo_path: repo });
    expect(status.s.in_progress).toBe('merge');
    expect(status.s.entries).toEqual([expect.objectContaining({ path: 'a.txt', kind: 'unmerged', staged: 'both modified' })]);
    expect(status.text).toMatch(/Unmerged paths \(conflicts\):\n  both modified: a.txt/);
    const before = snapshot(repo);
    expect(await fails(c, 'git_commit', { repo_path: repo, message: 'merge' })).toMatch(/unresolved conflicts/);
    expect(snapshot(repo)).toBe(before);
    writeFileSync(join(repo, 'a.txt'), 'resolved\n');
    await ok(c, 'git_add', { repo_path: repo, files: ['a.txt'] });
    const merged = await ok<{ commit: string }>(c, 'git_commit', { repo_path: repo, message: 'merge left' });
    expect(sb.git(repo, ['rev-list', '--parents', '-n', '1', merged.s.commit]).trim().split(' ')).toHaveLength(3);
  });
});

describe('git_restore', () => {
  it('discards working-tree edits, unstages, restores from a source; all or nothing', async () => {
    writeFileSync(join(repo, 'a.txt'), 'edit\n');
    await ok(c, 'git_restore', { repo_path: repo, paths: ['a.txt'] });
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    writeFileSync(join(repo, 'b.txt'), 'staged\n');
    sb.git(repo, ['add', 'b.txt']);
    await ok(c, 'git_restore', { repo_path: repo, paths: ['b.txt'], staged: true });
    expect(sb.git(repo, ['diff', '--cached', '--name-only'])).toBe('');
    expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('staged\n');
    sb.git(repo, ['commit', '-qam', 'b2']);
    await ok(c, 'git_restore', { repo_path: repo, paths: ['b.txt'], source: 'HEAD~1', staged: true, worktree: true });
    expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('b\n');
    writeFileSync(join(repo, 'a.txt'), 'keep me\n');
    const before = snapshot(repo);
    expect(await fails(c, 'git_restore', { repo_path: repo, paths: ['a.txt', 'missing.txt'] })).toMatch(/nothing was restored/);
    expect(snapshot(repo)).toBe(before);
    expect(await fails(c, 'git_restore', { repo_path: repo, paths: ['a.txt'], staged: false, worktree: false })).toMatch(/nothing to restore/);
  });
});

describe('git_stash', () => {
  it('pushes, lists and pops; pop refuses to overwrite local changes', async () => {
    writeFileSync(join(repo, 'a.txt'), 'work in progress\n');
    writeFileSync(join(repo, 'untracked.txt'), 'u\n');
    const pushed = await ok<{ created: { ref: string; message: string } }>(c, 'git_stash', { repo_path: repo, action: 'push', message: 'wip', include_untracked: true });
    expect(pushed.s.created).toMatchObject({ ref: 'stash@{0}', message: 'On main: wip' });
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n');
    expect(existsSync(join(repo, 'untracked.txt'))).toBe(false);
    const listed = await ok<{ stashes: Array<{ ref: string }> }>(c, 'git_stash_list', { repo_path: repo });
    expect(listed.s.stashes.map((s) => s.ref)).toEqual(['stash@{0}']);
    const nothing = await ok<{ created: null }>(c, 'git_stash', { repo_path: repo, action: 'push' });
    expect(nothing.s.created).toBeNull();
    writeFileSync(join(repo, 'a.txt'), 'conflicting local edit\n');
    const before = snapshot(repo);
    expect(await fails(c, 'git_stash', { repo_path: repo, action: 'pop' })).toMatch(/not applied|overwritten/);
    expect(snapshot(repo)).toBe(before);
    sb.git(repo, ['checkout', '-q', '--', 'a.txt']);
    await ok(c, 'git_stash', { repo_path: repo, action: 'pop' });
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('work in progress\n');
    expect(readFileSync(join(repo, 'untracked.txt'), 'utf8')).toBe('u\n');
    const after = await ok<{ stashes: unknown[] }>(c, 'git_stash', { repo_path: repo, action: 'list' });
    expect(after.s.stashes).toEqual([]);
    expect(await fails(c, 'git_stash', { repo_path: repo, action: 'pop', index: 3 })).toMatch(/stash is empty/);
  });

  it('says to pass include_untracked when a path to stash is untracked, without git\'s pathspec syntax', async () => {
    writeFileSync(join(repo, 'a.txt'), 'edit\n');
    writeFileSync(join(repo, 'u.txt'), 'u\n');
    const before = snapshot(repo);
    const text = await fails(c, 'git_stash', { repo_path: repo, action: 'push', paths: ['u.txt'] });
    expect(text).toMatch(/nothing was stashed: "u.txt" is not a tracked file with changes/);
    expect(text).toMatch(/include_untracked=true/);
    expect(text).not.toContain(':(literal');
    expect(snapshot(repo)).toBe(before);
    await ok(c, 'git_stash', { repo_path: repo, action: 'push', paths: ['u.txt'], include_untracked: true });
    expect(existsSync(join(repo, 'u.txt'))).toBe(false);
  });
});

describe('git_tag', () => {
  it('creates lightweight and annotated tags, never moves one', async () => {
    const light = await ok<{ tags: Array<{ name: string; annotated: boolean }> }>(c, 'git_tag', { repo_path: repo, action: 'create', name: 'v1' });
    expect(light.s.tags).toEqual([expect.objectContaining({ name: 'v1', annotated: false })]);
    const annotated = await ok<{ tags: Array<{ subject: string; annotated: boolean }> }>(c, 'git_tag', { repo_path: repo, action: 'create', name: 'v2', message: 'second release' });
    expect(annotated.s.tags[0]).toMatchObject({ annotated: true, subject: 'second release' });
    expect(await fails(c, 'git_tag', { repo_path: repo, action: 'create', name: 'v1' })).toMatch(/already exists/);
    expect(await fails(c, 'git_tag', { repo_path: repo, action: 'create', name: '-d' })).toMatch(/not a valid tag name/);
    const listed = await ok<{ tags: Array<{ name: string }> }>(c, 'git_tag', { repo_path: repo, action: 'list' });
    expect(listed.s.tags.map((t) => t.name).sort()).toEqual(['v1', 'v2']);
  });
});
