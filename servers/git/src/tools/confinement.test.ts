/**
 * Zero escapes: repositories outside the allowed directories, symlinked repositories, .git files and
 * core.worktree pointing elsewhere, `../` and option-looking paths, and client roots that narrow.
 */
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    expect(await fails(c, 'git_status', { repo_path: sub })).toMatch(/not a git repository[\s\S]*only when that repository's top level is allowed/);
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
    // Refused before git reads the outside config: a broken one would otherwise be named in git's error.
    const broken = sb.repo('outside-broken', { 'b.txt': 'b\n' });
    appendFileSync(join(broken, '.git', 'config'), '[[[ not config\n');
    const pointer2 = join(allowed, 'pointer2');
    mkdirSync(pointer2);
    writeFileSync(join(pointer2, '.git'), `gitdir: ${join(broken, '.git')}\n`);
    const text2 = await fails(c, 'git_status', { repo_path: pointer2 });
    expect(text2).toMatch(/git data \(a \.git file or linked worktree\) lies outside the allowed directories/);
    expect(text2).not.toMatch(/bad config|outside-broken/);
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

  it('refuses quoted and nested object alternates that lead outside', async () => {
    const secret = sb.git(outside, ['rev-parse', 'HEAD']).trim();
    const quoted = sb.repo('allowed/quoted-alternate', { 'q.txt': 'q\n' });
    writeFileSync(join(quoted, '.git', 'objects', 'info', 'alternates'), `"${join(outside, '.git', 'objects')}"\n`);
    const middle = join(allowed, 'middle-objects');
    mkdirSync(join(middle, 'info'), { recursive: true });
    writeFileSync(join(middle, 'info', 'alternates'), `${join(outside, '.git', 'objects')}\n`);
    const nested = sb.repo('allowed/nested-alternate', { 'n.txt': 'n\n' });
    writeFileSync(join(nested, '.git', 'objects', 'info', 'alternates'), `${middle}\n`);
    const c = await connectGit([allowed], sb.env);
    for (const repo of [quoted, nested]) {
      const text = await fails(c, 'git_show', { repo_path: repo, revision: secret, path: 'secret.txt' });
      expect(text).toMatch(/git data \(an object alternate\) lies outside the allowed directories/);
      expect(text).not.toContain('top secret');
    }
    await c.close();
  });

  it('refuses a repository with links inside .git that lead outside: nothing outside is read or written', async () => {
    const linkedObjects = sb.repo('allowed/linked-objects', { 'l.txt': 'l\n' });
    rmSync(join(linkedObjects, '.git', 'objects'), { recursive: true });
    rmSync(join(linkedObjects, '.git', 'refs'), { recursive: true });
    symlinkSync(join(outside, '.git', 'objects'), join(linkedObjects, '.git', 'objects'));
    symlinkSync(join(outside, '.git', 'refs'), join(linkedObjects, '.git', 'refs'));
    const victim = join(sb.dir.path, 'victim.rc');
    writeFileSync(victim, '# victim\n');
    const linkedLog = sb.repo('allowed/linked-reflog', { 'r.txt': 'r\n' });
    rmSync(join(linkedLog, '.git', 'logs', 'HEAD'));
    symlinkSync(victim, join(linkedLog, '.git', 'logs', 'HEAD'));
    writeFileSync(join(linkedLog, 'r.txt'), 'changed\n');
    sb.git(linkedLog, ['add', 'r.txt']);
    const headBefore = sb.git(linkedLog, ['rev-parse', 'HEAD']);
    const c = await connectGit([allowed], sb.env);
    const log = await fails(c, 'git_log', { repo_path: linkedObjects });
    expect(log).toMatch(/a symbolic link inside its git directory\) lies outside the allowed directories/);
    expect(log).not.toContain(outside);
    expect(await fails(c, 'git_show', { repo_path: linkedObjects, revision: 'main', path: 'secret.txt' })).not.toContain('top secret');
    expect(await fails(c, 'git_commit', { repo_path: linkedLog, message: 'appended by the model' })).toMatch(/symbolic link inside its git directory/);
    expect(readFileSync(victim, 'utf8')).toBe('# victim\n');
    expect(sb.git(linkedLog, ['rev-parse', 'HEAD'])).toBe(headBefore);
    await c.close();
  });

  it('reports a folder that is not a repository, and a file', async () => {
    const plain = join(allowed, 'plain');
    mkdirSync(plain);
    const c = await connectGit([allowed], sb.env);
    expect(await fails(c, 'git_status', { repo_path: plain })).toMatch(/not a git repository[\s\S]*Try:/);
    expect(await fails(c, 'git_status', { repo_path: join(inside, '.git') })).toMatch(/is the git data folder of a repository[\s\S]*Try: pass the folder that holds it/);
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

  it('git_grep leaves out a tracked folder that is now a symbolic link, as git status does', async () => {
    const creds = join(sb.dir.path, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'creds.txt'), 'password=hunter2\n');
    const repo = sb.repo('allowed/grep-link', { 'd/creds.txt': 'nothing here\n', 'e/plain.txt': 'password=inside\n' });
    rmSync(join(repo, 'd'), { recursive: true });
    symlinkSync(creds, join(repo, 'd'));
    const c = await connectGit([allowed], sb.env);
    const all = await ok<{ matches: Array<{ path: string; text: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'password' });
    expect(all.s.matches).toEqual([{ path: 'e/plain.txt', line: 1, text: 'password=inside' }]);
    expect(all.text).not.toContain('hunter2');
    // Paths still work alongside the exclusion, literally.
    const some = await ok<{ matches: Array<{ path: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'password', paths: ['e'] });
    expect(some.s.matches.map((m) => m.path)).toEqual(['e/plain.txt']);
    // A revision is read from git's objects, never from the working tree.
    const atHead = await ok<{ matches: Array<{ path: string; text: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'nothing', revision: 'HEAD' });
    expect(atHead.s.matches.map((m) => m.path)).toEqual(['d/creds.txt']);
    await c.close();
  });

  it('git_blame reads ignore-revs files only inside the repository', async () => {
    const creds = join(sb.dir.path, 'blame-creds.txt');
    writeFileSync(creds, 'password=hunter2\n');
    const repo = sb.repo('allowed/blame-ignore', { 'a.txt': 'one\n' });
    const first = sb.git(repo, ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(repo, 'a.txt'), 'one \n');
    sb.git(repo, ['commit', '-q', '-am', 'whitespace only']);
    const second = sb.git(repo, ['rev-parse', 'HEAD']).trim();
    sb.git(repo, ['config', 'blame.ignoreRevsFile', creds]);
    const c = await connectGit([allowed], sb.env);
    const outsideFile = await ok<{ lines: Array<{ commit: string }> }>(c, 'git_blame', { repo_path: repo, path: 'a.txt' });
    expect(outsideFile.text).not.toContain('hunter2');
    expect(outsideFile.s.lines[0]!.commit).toBe(second);
    // The usual set-up, a list inside the repository, still works.
    writeFileSync(join(repo, '.git-blame-ignore-revs'), `${second}\n`);
    sb.git(repo, ['config', '--add', 'blame.ignoreRevsFile', '.git-blame-ignore-revs']);
    const inside = await ok<{ lines: Array<{ commit: string }> }>(c, 'git_blame', { repo_path: repo, path: 'a.txt' });
    expect(inside.s.lines[0]!.commit).toBe(first);
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
