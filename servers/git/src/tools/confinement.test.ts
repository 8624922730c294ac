/**
 * Zero escapes: repositories outside the allowed directories, symlinked repositories, .git files and
 * core.worktree pointing elsewhere, `../` and option-looking paths, and client roots that narrow.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../test-support/fixtures.js';
import { connectGit, fails, ok } from '../test-support/server.js';

let sb: Sandbox;
let allowed: string;
let inside: string;
let outside: string;

beforeAll(async () => {
  sb = await makeSandbox();
  allowed = join(sb.dir.path, 'allowed');
  mkdirSync(allowed);
  inside = join(allowed, 'inside');
  sb.repo('allowed/inside', { 'a.txt': 'a\n' });
  outside = sb.repo('outside', { 'secret.txt': 'top secret\n' });
});
afterAll(async () => {
  await sb.cleanup();
});

describe('no repositories configured', () => {
  it('every tool answers how to configure repositories', async () => {
    const c = await connectGit([], sb.env);
    for (const [tool, args] of [
      ['git_status', { repo_path: inside }],
      ['git_log', { repo_path: '.' }],
      ['git_list_repositories', {}],
    ] as const) {
      const text = await fails(c, tool, args);
      expect(text).toMatch(/No repositories are configured/);
      expect(text).toMatch(/npx -y @portico\/server-git \/path\/to\/repo/);
    }
    await c.close();
  });
});

describe('repo_path confinement', () => {
  it('refuses repositories outside the allowed directories, without reading them', async () => {
    const c = await connectGit([allowed], sb.env);
    const text = await fails(c, 'git_log', { repo_path: outside });
    expect(text).toMatch(/outside the allowed directories/);
    expect(text).not.toContain('top secret');
    expect(await fails(c, 'git_status', { repo_path: join(allowed, '..', 'outside') })).toMatch(/outside the allowed/);
    expect(await fails(c, 'git_status', { repo_path: '../outside' })).toMatch(/outside the allowed/);
    await c.close();
  });

  it('refuses a symlink inside the allowed directory that points to a repository outside', async () => {
    symlinkSync(outside, join(allowed, 'link-to-outside'));
    const c = await connectGit([allowed], sb.env);
    expect(await fails(c, 'git_log', { repo_path: join(allowed, 'link-to-outside') })).toMatch(/outside the allowed directories/);
    await c.close();
  });

  it('never walks up from an allowed folder to a repository that holds it', async () => {
    const sub = join(outside, 'sub');
    mkdirSync(sub, { recursive: true });
    const c = await connectGit([sub], sb.env);
    expect(await fails(c, 'git_status', { repo_path: sub })).toMatch(/not a git repository/);
    expect(await fails(c, 'git_add', { repo_path: sub, files: ['.'] })).toMatch(/not a git repository/);
    await c.close();
  });

  it('refuses a .git file whose git directory is outside', async () => {
    const pointer = join(allowed, 'pointer');
    mkdirSync(pointer);
    writeFileSync(join(pointer, '.git'), `gitdir: ${join(outside, '.git')}\n`);
    const c = await connectGit([allowed], sb.env);
    const text = await fails(c, 'git_log', { repo_path: pointer });
    expect(text).toMatch(/git data .* outside the allowed directories|working tree is not inside/);
    expect(text).not.toContain(outside);
    await c.close();
  });

  it('refuses a repository whose core.worktree points outside', async () => {
    const wt = sb.repo('allowed/worktree-elsewhere', { 'x.txt': 'x\n' });
    sb.git(wt, ['config', 'core.worktree', outside]);
    const c = await connectGit([allowed], sb.env);
    const text = await fails(c, 'git_add', { repo_path: wt, files: ['secret.txt'] });
    expect(text).toMatch(/not inside the allowed directory/);
    expect(text).not.toContain(outside);
    expect(sb.git(outside, ['status', '--porcelain'])).toBe('');
    await c.close();
  });

  it('refuses object alternates outside the allowed directories', async () => {
    const alt = sb.repo('allowed/with-alternates', { 'y.txt': 'y\n' });
    writeFileSync(join(alt, '.git', 'objects', 'info', 'alternates'), `${join(outside, '.git', 'objects')}\n`);
    const c = await connectGit([allowed], sb.env);
    expect(await fails(c, 'git_show', { repo_path: alt, revision: sb.git(outside, ['rev-parse', 'HEAD']).trim() })).toMatch(/outside the allowed directories/);
    await c.close();
  });

  it('reports a folder that is not a repository, and a file', async () => {
    const plain = join(allowed, 'plain');
    mkdirSync(plain);
    const c = await connectGit([allowed], sb.env);
    expect(await fails(c, 'git_status', { repo_path: plain })).toMatch(/not a git repository[\s\S]*Try:/);
    expect(await fails(c, 'git_status', { repo_path: join(inside, 'a.txt') })).toMatch(/is a file/);
    expect(await fails(c, 'git_status', { repo_path: join(allowed, 'missing') })).toMatch(/does not exist/);
    await c.close();
  });

  // Giving a repository to another user needs root.
  it.skipIf(process.getuid?.() !== 0)("refuses a repository owned by another user (git's safe.directory), without overriding it", async () => {
    const foreign = sb.repo('allowed/foreign', { 'f.txt': 'f\n' });
    const chownAll = (p: string) => {
      chownSync(p, 65534, 65534);
    };
    chownAll(foreign);
    chownAll(join(foreign, '.git'));
    const c = await connectGit([allowed], sb.env);
    expect(await fails(c, 'git_status', { repo_path: foreign })).toMatch(/owned by another user[\s\S]*safe.directory/);
    await c.close();
  });
});

describe('file arguments stay inside the repository', () => {
  it('refuses ../ and absolute paths outside, in every tool that takes paths', async () => {
    const c = await connectGit([sb.dir.path], sb.env);
    const escapes = ['../outside/secret.txt', '../../outside/secret.txt', join(outside, 'secret.txt'), 'sub/../../x', '.git/config'];
    for (const p of escapes) {
      expect(await fails(c, 'git_add', { repo_path: inside, files: [p] })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_restore', { repo_path: inside, paths: [p] })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_show', { repo_path: inside, revision: 'HEAD', path: p })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_blame', { repo_path: inside, path: p })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_log', { repo_path: inside, path: p })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_diff', { repo_path: inside, target: 'HEAD', paths: [p] })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_grep', { repo_path: inside, pattern: 'secret', paths: [p] })).toMatch(/outside the repository|\.git directory/);
      expect(await fails(c, 'git_stash', { repo_path: inside, action: 'push', paths: [p] })).toMatch(/outside the repository|\.git directory/);
    }
    expect(sb.git(inside, ['status', '--porcelain'])).toBe('');
    await c.close();
  });

  it('refuses a path through a symlinked folder that leads out of the repository', async () => {
    const repo = sb.repo('allowed/symlinked-dir', { 'k.txt': 'k\n' });
    symlinkSync(outside, join(repo, 'escape'));
    const c = await connectGit([sb.dir.path], sb.env);
    expect(await fails(c, 'git_add', { repo_path: repo, files: ['escape/secret.txt'] })).toMatch(/outside the repository through a symbolic link/);
    expect(await fails(c, 'git_show', { repo_path: repo, revision: 'HEAD', path: 'escape/secret.txt' })).toMatch(/symbolic link/);
    await c.close();
  });

  it('treats option-looking paths as file names, never as options', async () => {
    const repo = sb.repo('allowed/dashes', { 'k.txt': 'k\n' });
    const c = await connectGit([allowed], sb.env);
    const marker = join(sb.dir.path, 'option-marker');
    for (const p of [`--output=${marker}`, '-A', '--all', `--pathspec-from-file=${join(outside, 'secret.txt')}`]) {
      expect(await fails(c, 'git_add', { repo_path: repo, files: [p] })).toMatch(/nothing was staged/);
    }
    expect(await fails(c, 'git_diff', { repo_path: repo, target: `--output=${marker}` })).toMatch(/starts with "-"/);
    await ok(c, 'git_diff_unstaged', { repo_path: repo, paths: [`--output=${marker}`] });
    await ok(c, 'git_log', { repo_path: repo, path: `--output=${marker}` });
    expect(existsSync(marker)).toBe(false);
    // A file really named like an option is staged as a file.
    writeFileSync(join(repo, '--all'), 'dash\n');
    writeFileSync(join(repo, 'other.txt'), 'o\n');
    await ok(c, 'git_add', { repo_path: repo, files: ['--all'] });
    expect(sb.git(repo, ['diff', '--cached', '--name-only'])).toBe('--all\n');
    expect(readFileSync(join(repo, '--all'), 'utf8')).toBe('dash\n');
    await c.close();
  });
});

describe('client roots narrow, never widen', () => {
  it('hides repositories outside the client roots and keeps those inside', async () => {
    const other = sb.repo('allowed/other', { 'o.txt': 'o\n' });
    const c = await connectGit([allowed], sb.env, { roots: [{ uri: pathToFileURL(inside).href }] });
    await ok(c, 'git_status', { repo_path: inside });
    expect(await fails(c, 'git_status', { repo_path: other })).toMatch(/outside the allowed/);
    const listed = await ok<{ repositories: Array<{ path: string }> }>(c, 'git_list_repositories', {});
    expect(listed.s.repositories.map((r) => r.path)).toEqual([inside]);
    await c.close();
    const wider = await connectGit([inside], sb.env, { roots: [{ uri: pathToFileURL(sb.dir.path).href }] });
    expect(await fails(wider, 'git_status', { repo_path: outside })).toMatch(/outside the allowed/);
    await ok(wider, 'git_status', { repo_path: inside });
    await wider.close();
  });
});
