/**
 * A repository whose own config names a program for everything git can run (fixtures.makeHostileRepo):
 * every read tool, and every write tool without --allow-hooks, must leave zero markers. With --allow-hooks
 * the commit hooks do run (the positive control that the corpus is live is in lib/hardening.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileRepo, makeSandbox, markers, type Sandbox } from '../test-support/fixtures.js';
import { connectGit, ok } from '../test-support/server.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

describe('a repository configured to run commands', () => {
  it('runs none of them in any read tool', async () => {
    const markerDir = join(sb.dir.path, 'markers-read');
    const repo = makeHostileRepo(sb, 'hostile', markerDir);
    sb.git(repo, ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', 'update-ref', 'refs/remotes/origin/main', 'HEAD']);
    sb.git(repo, ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'tag.gpgSign=false', 'tag', 'v1']);
    const c = await connectGit([sb.dir.path], sb.env, { readOnly: true });
    const tools = (await c.listTools()).map((t) => t.name);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['git_status', {}],
      ['git_diff_unstaged', {}],
      ['git_diff_unstaged', { stat: true }],
      ['git_diff_staged', {}],
      ['git_diff', { target: 'HEAD~1' }],
      ['git_diff', { target: 'HEAD~1', to: 'HEAD' }],
      ['git_log', { max_count: 5 }],
      ['git_log', { path: 'a.txt', author: 'portico', message: 'attr' }],
      ['git_show', { revision: 'HEAD' }],
      ['git_show', { revision: 'HEAD~1' }],
      ['git_show', { revision: 'HEAD', path: 'a.txt' }],
      ['git_show', { revision: 'HEAD', path: 'b.bin' }],
      ['git_branch', { branch_type: 'all', contains: 'HEAD~1' }],
      ['git_blame', { path: 'a.txt' }],
      ['git_blame', { path: 'a.txt', revision: 'HEAD' }],
      ['git_grep', { pattern: 'o' }],
      ['git_grep', { pattern: 'o', revision: 'HEAD' }],
      ['git_merge_base', { a: 'HEAD', b: 'origin/main' }],
      ['git_stash_list', {}],
      ['git_tag_list', {}],
      ['git_remote_list', {}],
      ['git_list_repositories', {}],
    ];
    for (const [tool, args] of calls) {
      await ok(c, tool, tool === 'git_list_repositories' ? args : { repo_path: repo, ...args });
      expect(markers(markerDir), `after ${tool}`).toEqual([]);
    }
    // Every read tool was exercised.
    expect(new Set(calls.map(([t]) => t))).toEqual(new Set(tools));
    await c.close();
  });

  it('runs none of them in write tools without --allow-hooks', async () => {
    const markerDir = join(sb.dir.path, 'markers-write');
    const repo = makeHostileRepo(sb, 'hostile-w', markerDir);
    const c = await connectGit([sb.dir.path], sb.env);
    await ok(c, 'git_add', { repo_path: repo, files: ['a.txt'] });
    await ok(c, 'git_reset', { repo_path: repo });
    await ok(c, 'git_add', { repo_path: repo, files: ['.'] });
    await ok(c, 'git_commit', { repo_path: repo, message: 'hostile commit' });
    await ok(c, 'git_create_branch', { repo_path: repo, branch_name: 'side', base_branch: 'HEAD~1' });
    await ok(c, 'git_checkout', { repo_path: repo, branch_name: 'side' });
    await ok(c, 'git_checkout', { repo_path: repo, branch_name: 'main' });
    writeFileSync(join(repo, 'a.txt'), 'stash me\n');
    await ok(c, 'git_stash', { repo_path: repo, action: 'push' });
    await ok(c, 'git_stash', { repo_path: repo, action: 'pop' });
    await ok(c, 'git_restore', { repo_path: repo, paths: ['a.txt'] });
    await ok(c, 'git_restore', { repo_path: repo, paths: ['a.txt'], source: 'HEAD~1' });
    await ok(c, 'git_tag', { repo_path: repo, action: 'create', name: 'v2', message: 'annotated' });
    expect(markers(markerDir)).toEqual([]);
    // The content went in as is (no clean filter) and the commit is not signed.
    expect(sb.git(repo, ['-c', 'log.showSignature=false', 'log', '-1', '--format=%s%n%G?'])).toBe('hostile commit\nN\n');
    await c.close();
  });

  it('runs the repository hooks on commit with --allow-hooks', async () => {
    const markerDir = join(sb.dir.path, 'markers-hooks');
    const repo = makeHostileRepo(sb, 'hostile-h', markerDir);
    const c = await connectGit([sb.dir.path], sb.env, { allowHooks: true });
    await ok(c, 'git_status', { repo_path: repo });
    expect(markers(markerDir)).toEqual([]);
    sb.git(repo, ['config', '--unset', 'commit.gpgSign']);
    await ok(c, 'git_add', { repo_path: repo, files: ['a.txt'] });
    await ok(c, 'git_commit', { repo_path: repo, message: 'with hooks' });
    expect(markers(markerDir)).toEqual(expect.arrayContaining(['hook-pre-commit', 'hook-commit-msg', 'hook-post-commit']));
    await c.close();
  });
});
