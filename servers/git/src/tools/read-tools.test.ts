/** Every read tool against real repositories made with the git CLI, through a real MCP client. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestClient } from '@portico/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../test-support/fixtures.js';
import { connectGit, fails, ok } from '../test-support/server.js';

let sb: Sandbox;
let repo: string;
let c: TestClient;
const hashes: Record<string, string> = {};

beforeAll(async () => {
  sb = await makeSandbox();
  repo = sb.repo('project', { 'README.md': '# project\n', 'docs/guide.md': 'guide\n' });
  const commit = (message: string, author?: string) => sb.git(repo, ['commit', '-q', '-m', message, ...(author ? [`--author=${author}`] : [])]);
  hashes.c1 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  mkdirSync(join(repo, 'src'));
  writeFileSync(join(repo, 'src', 'app.ts'), 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
  writeFileSync(join(repo, 'img.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
  sb.git(repo, ['add', '.']);
  commit('add app\n\nWith a body line.', 'Ada Lovelace <ada@example.com>');
  hashes.c2 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  sb.git(repo, ['tag', '-a', 'v1.0', '-m', 'release one']);
  sb.git(repo, ['branch', 'feature']);
  writeFileSync(join(repo, 'src', 'app.ts'), 'export const a = 1;\nexport const b = 20;\nexport const c = 3;\n');
  writeFileSync(join(repo, 'img.bin'), Buffer.from([0, 9, 9, 9, 0, 255]));
  sb.git(repo, ['add', '.']);
  commit('fix bug in app', 'Bob Builder <bob@example.com>');
  hashes.c3 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  sb.git(repo, ['tag', 'light']);
  sb.git(repo, ['checkout', '-q', 'feature']);
  writeFileSync(join(repo, 'feature.txt'), 'feature\n');
  sb.git(repo, ['add', '.']);
  commit('feature work');
  hashes.f1 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  sb.git(repo, ['checkout', '-q', 'main']);
  sb.git(repo, ['remote', 'add', 'origin', 'https://user:s3cret-token@example.com/project.git']);
  sb.git(repo, ['update-ref', 'refs/remotes/origin/main', hashes.c2!]);
  c = await connectGit([repo], sb.env);
});

afterAll(async () => {
  await c.close();
  await sb.cleanup();
});

describe('git_status', () => {
  it('reports a clean tree on a branch', async () => {
    const { s, text } = await ok<{ clean: boolean; branch: { name: string; detached: boolean } }>(c, 'git_status', { repo_path: repo });
    expect(s.clean).toBe(true);
    expect(s.branch).toMatchObject({ name: 'main', detached: false });
    expect(text).toMatch(/^Repository status:/);
    expect(text).toMatch(/working tree clean/);
  });

  it('lists staged, unstaged and untracked files, paged', async () => {
    writeFileSync(join(repo, 'README.md'), '# changed\n');
    writeFileSync(join(repo, 'new.txt'), 'new\n');
    writeFileSync(join(repo, 'docs', 'guide.md'), 'guide 2\n');
    sb.git(repo, ['add', 'docs/guide.md']);
    try {
      const { s, text } = await ok<{ entries: Array<{ path: string; kind: string; staged: string; unstaged: string }>; total_entries: number }>(c, 'git_status', { repo_path: repo });
      expect(s.entries).toEqual(
        expect.arrayContaining([
          { path: 'README.md', kind: 'changed', staged: 'unchanged', unstaged: 'modified' },
          { path: 'docs/guide.md', kind: 'changed', staged: 'modified', unstaged: 'unchanged' },
          { path: 'new.txt', kind: 'untracked', staged: 'unchanged', unstaged: 'untracked' },
        ]),
      );
      expect(text).toMatch(/Changes to be committed:\n  modified: docs\/guide.md/);
      const page = await ok<{ entries: unknown[]; next_offset: number | null }>(c, 'git_status', { repo_path: repo, max_entries: 1 });
      expect(page.s.entries).toHaveLength(1);
      expect(page.s.next_offset).toBe(1);
      expect(page.text).toMatch(/offset=1/);
    } finally {
      sb.git(repo, ['reset', '-q']);
      sb.git(repo, ['checkout', '-q', '--', '.']);
      sb.git(repo, ['clean', '-qfd']);
    }
  });

  it('accepts a folder inside the repository as repo_path', async () => {
    const { s } = await ok<{ branch: { name: string } }>(c, 'git_status', { repo_path: join(repo, 'src') });
    expect(s.branch.name).toBe('main');
  });
});

describe('git_log', () => {
  it('returns structured commits, newest first, with the official text shape', async () => {
    const { s, text } = await ok<{ commits: Array<{ hash: string; subject: string; body: string; author_name: string; refs: string[] }>; next_skip: number | null }>(c, 'git_log', { repo_path: repo });
    expect(s.commits.map((x) => x.hash)).toEqual([hashes.c3, hashes.c2, hashes.c1]);
    expect(s.commits[1]).toMatchObject({ subject: 'add app', body: 'With a body line.', author_name: 'Ada Lovelace' });
    expect(s.commits[0]!.refs).toEqual(expect.arrayContaining(['HEAD -> main', 'tag: light']));
    expect(s.next_skip).toBeNull();
    expect(text).toMatch(/^Commit history:\nCommit: [0-9a-f]{40}/);
    expect(text).toContain('Author: Bob Builder <bob@example.com>');
  });

  it('pages with max_count and skip', async () => {
    const first = await ok<{ commits: Array<{ hash: string }>; next_skip: number | null }>(c, 'git_log', { repo_path: repo, max_count: 2 });
    expect(first.s.commits.map((x) => x.hash)).toEqual([hashes.c3, hashes.c2]);
    expect(first.s.next_skip).toBe(2);
    expect(first.text).toMatch(/skip=2/);
    const second = await ok<{ commits: Array<{ hash: string }>; next_skip: number | null }>(c, 'git_log', { repo_path: repo, max_count: 2, skip: 2 });
    expect(second.s.commits.map((x) => x.hash)).toEqual([hashes.c1]);
    expect(second.s.next_skip).toBeNull();
  });

  it('filters by author, message, path, revision, all branches and dates', async () => {
    const byAuthor = await ok<{ commits: Array<{ hash: string }> }>(c, 'git_log', { repo_path: repo, author: 'ada' });
    expect(byAuthor.s.commits.map((x) => x.hash)).toEqual([hashes.c2]);
    const byMessage = await ok<{ commits: Array<{ hash: string }> }>(c, 'git_log', { repo_path: repo, message: 'BUG' });
    expect(byMessage.s.commits.map((x) => x.hash)).toEqual([hashes.c3]);
    const byPath = await ok<{ commits: Array<{ hash: string }> }>(c, 'git_log', { repo_path: repo, path: 'docs/guide.md' });
    expect(byPath.s.commits.map((x) => x.hash)).toEqual([hashes.c1]);
    const fromFeature = await ok<{ commits: Array<{ hash: string }> }>(c, 'git_log', { repo_path: repo, revision: 'feature', max_count: 1 });
    expect(fromFeature.s.commits[0]!.hash).toBe(hashes.f1);
    const all = await ok<{ commits: Array<{ hash: string }> }>(c, 'git_log', { repo_path: repo, all: true, max_count: 50 });
    expect(all.s.commits.map((x) => x.hash)).toContain(hashes.f1);
    const future = await ok<{ commits: unknown[] }>(c, 'git_log', { repo_path: repo, start_timestamp: '2099-01-01' });
    expect(future.s.commits).toEqual([]);
    const past = await ok<{ commits: unknown[] }>(c, 'git_log', { repo_path: repo, start_timestamp: '2000-01-01T00:00:00', end_timestamp: 'now' });
    expect(past.s.commits).toHaveLength(3);
  });

  it('says so for an unknown revision and for a repository without commits', async () => {
    expect(await fails(c, 'git_log', { repo_path: repo, revision: 'no-such-branch' })).toMatch(/not a known branch, tag or commit[\s\S]*Try: /);
    const empty = sb.repo('empty-log', {});
    const c2 = await connectGit([empty], sb.env);
    const { s, text } = await ok<{ commits: unknown[] }>(c2, 'git_log', { repo_path: empty });
    expect(s.commits).toEqual([]);
    expect(text).toMatch(/no commits yet/);
    await c2.close();
  });
});

describe('diff tools', () => {
  it('git_diff_unstaged and git_diff_staged show the right side, with the official headings', async () => {
    writeFileSync(join(repo, 'README.md'), '# project\nmore\n');
    writeFileSync(join(repo, 'docs', 'guide.md'), 'guide\nstaged line\n');
    sb.git(repo, ['add', 'docs/guide.md']);
    try {
      const unstaged = await ok<{ files: Array<{ path: string; added: number }>; patch: string }>(c, 'git_diff_unstaged', { repo_path: repo });
      expect(unstaged.s.files).toEqual([{ path: 'README.md', added: 1, deleted: 0, binary: false }]);
      expect(unstaged.text).toMatch(/^Unstaged changes:\ndiff --git a\/README.md/);
      expect(unstaged.s.patch).toContain('+more');
      const staged = await ok<{ files: Array<{ path: string }>; patch: string }>(c, 'git_diff_staged', { repo_path: repo, context_lines: 0 });
      expect(staged.s.files.map((f) => f.path)).toEqual(['docs/guide.md']);
      expect(staged.text).toMatch(/^Staged changes:/);
      expect(staged.s.patch).toContain('+staged line');
      expect(staged.s.patch).toContain('@@ -1,0 +2 @@');
      const none = await ok<{ files: unknown[] }>(c, 'git_diff_unstaged', { repo_path: repo, paths: ['docs'] });
      expect(none.s.files).toEqual([]);
      expect(none.text).toMatch(/No changes/);
    } finally {
      sb.git(repo, ['reset', '-q']);
      sb.git(repo, ['checkout', '-q', '--', '.']);
    }
  });

  it('git_diff compares revisions, ranges, merge bases, with paths and stat; binary files are summarised', async () => {
    const two = await ok<{ files: Array<{ path: string; binary: boolean; added: number | null }>; patch: string }>(c, 'git_diff', { repo_path: repo, target: 'v1.0', to: 'main' });
    expect(two.s.files).toEqual(
      expect.arrayContaining([
        { path: 'img.bin', added: null, deleted: null, binary: true },
        { path: 'src/app.ts', added: 1, deleted: 1, binary: false },
      ]),
    );
    expect(two.s.patch).toMatch(/Binary files a\/img.bin and b\/img.bin differ/);
    expect(two.s.patch).not.toContain('\u0000');
    const range = await ok<{ files: unknown[] }>(c, 'git_diff', { repo_path: repo, target: 'v1.0..main' });
    expect(range.s.files).toEqual(two.s.files);
    const mergeBase = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff', { repo_path: repo, target: 'main...feature' });
    expect(mergeBase.s.files.map((f) => f.path)).toEqual(['feature.txt']);
    const filtered = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff', { repo_path: repo, target: hashes.c1, to: 'main', paths: ['src'] });
    expect(filtered.s.files.map((f) => f.path)).toEqual(['src/app.ts']);
    const stat = await ok<{ patch: string }>(c, 'git_diff', { repo_path: repo, target: 'v1.0', to: 'main', stat: true });
    expect(stat.s.patch).toContain('src/app.ts | +1 -1');
    expect(stat.s.patch).toContain('img.bin | binary');
    expect(stat.s.patch).not.toContain('@@');
    const worktree = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff', { repo_path: repo, target: 'HEAD~1' });
    expect(worktree.text).toMatch(/^Diff with HEAD~1:/);
    expect(worktree.s.files.map((f) => f.path).sort()).toEqual(['img.bin', 'src/app.ts']);
  });

  it('cuts a long diff to max_chars and continues from next_offset', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    writeFileSync(join(repo, 'README.md'), `${lines}\n`);
    try {
      const full = await ok<{ patch: string; truncated: boolean }>(c, 'git_diff_unstaged', { repo_path: repo, max_chars: 400_000 });
      expect(full.s.truncated).toBe(false);
      let offset = 0;
      let joined = '';
      for (let i = 0; i < 100; i++) {
        const page = await ok<{ patch: string; next_offset: number | null }>(c, 'git_diff_unstaged', { repo_path: repo, max_chars: 20_000, offset });
        const cut = page.s.patch.replace(/\n\[Diff truncated[^\]]*\]$/, '');
        joined += cut;
        if (page.s.next_offset === null) break;
        expect(page.text).toMatch(new RegExp(`offset=${page.s.next_offset}`));
        offset = page.s.next_offset;
      }
      expect(joined).toBe(full.s.patch);
    } finally {
      sb.git(repo, ['checkout', '-q', '--', '.']);
    }
  });

  it('refuses unknown and option-looking targets', async () => {
    expect(await fails(c, 'git_diff', { repo_path: repo, target: 'nope' })).toMatch(/not a known branch/);
    expect(await fails(c, 'git_diff', { repo_path: repo, target: '--output=/tmp/portico-x' })).toMatch(/starts with "-"/);
  });
});

describe('git_show', () => {
  it('shows a commit with metadata, files and patch', async () => {
    const { s, text } = await ok<{ commit: { hash: string; subject: string }; files: Array<{ path: string }>; content: string }>(c, 'git_show', { repo_path: repo, revision: 'HEAD' });
    expect(s.commit.hash).toBe(hashes.c3);
    expect(s.files.map((f) => f.path).sort()).toEqual(['img.bin', 'src/app.ts']);
    expect(s.content).toContain('-export const b = 2;');
    expect(text).toMatch(/^Commit: [0-9a-f]{40}/);
    const root = await ok<{ files: Array<{ path: string }> }>(c, 'git_show', { repo_path: repo, revision: hashes.c1 });
    expect(root.s.files.map((f) => f.path).sort()).toEqual(['README.md', 'docs/guide.md']);
  });

  it('shows a file, a folder and a binary file at a revision', async () => {
    const file = await ok<{ content: string; file: { size: number } }>(c, 'git_show', { repo_path: repo, revision: 'v1.0', path: 'src/app.ts' });
    expect(file.s.content).toBe('export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
    const folder = await ok<{ file: { type: string; entries: Array<{ name: string; type: string }> } }>(c, 'git_show', { repo_path: repo, revision: 'HEAD', path: '.' });
    expect(folder.s.file.type).toBe('folder');
    expect(folder.s.file.entries).toEqual(expect.arrayContaining([{ name: 'src', type: 'folder' }, { name: 'README.md', type: 'file' }]));
    const bin = await ok<{ file: { binary: boolean; size: number }; content: string }>(c, 'git_show', { repo_path: repo, revision: 'HEAD', path: 'img.bin' });
    expect(bin.s.file).toMatchObject({ binary: true, size: 6 });
    expect(bin.s.content).toBe('');
    expect(await fails(c, 'git_show', { repo_path: repo, revision: hashes.c1, path: 'src/app.ts' })).toMatch(/does not exist in commit/);
  });

  it('shows a merge commit as its diff against the first parent, the same files in text and structuredContent', async () => {
    const merged = sb.repo('merged', { 'base.txt': 'base\n' });
    sb.git(merged, ['checkout', '-q', '-b', 'side']);
    writeFileSync(join(merged, 'side.txt'), 'from side\n');
    sb.git(merged, ['add', '.']);
    sb.git(merged, ['commit', '-q', '-m', 'side work']);
    sb.git(merged, ['checkout', '-q', 'main']);
    writeFileSync(join(merged, 'main.txt'), 'from main\n');
    sb.git(merged, ['add', '.']);
    sb.git(merged, ['commit', '-q', '-m', 'main work']);
    sb.git(merged, ['merge', '-q', '--no-ff', '--no-edit', 'side']);
    const wide = await connectGit([sb.dir.path], sb.env);
    const { s, text } = await ok<{ files: Array<{ path: string }>; content: string }>(wide, 'git_show', { repo_path: merged, revision: 'HEAD' });
    expect(s.files.map((f) => f.path)).toEqual(['side.txt']);
    expect(s.content).toContain('+from side');
    expect(text).toContain('+from side');
    await wide.close();
  });

  it('refuses unknown revisions', async () => {
    expect(await fails(c, 'git_show', { repo_path: repo, revision: 'deadbeef' })).toMatch(/not a known/);
  });
});

describe('git_branch', () => {
  it('lists local, remote and all branches with contains filters', async () => {
    const local = await ok<{ branches: Array<{ name: string; current: boolean }>; current: string }>(c, 'git_branch', { repo_path: repo, branch_type: 'local' });
    expect(local.s.branches.map((b) => b.name)).toEqual(['feature', 'main']);
    expect(local.s.branches.find((b) => b.name === 'main')!.current).toBe(true);
    expect(local.s.current).toBe('main');
    const remote = await ok<{ branches: Array<{ name: string; remote: boolean }> }>(c, 'git_branch', { repo_path: repo, branch_type: 'remote' });
    expect(remote.s.branches).toEqual([expect.objectContaining({ name: 'origin/main', remote: true })]);
    const all = await ok<{ branches: unknown[] }>(c, 'git_branch', { repo_path: repo, branch_type: 'all' });
    expect(all.s.branches).toHaveLength(3);
    const contains = await ok<{ branches: Array<{ name: string }> }>(c, 'git_branch', { repo_path: repo, branch_type: 'all', contains: hashes.c3 });
    expect(contains.s.branches.map((b) => b.name)).toEqual(['main']);
    const notContains = await ok<{ branches: Array<{ name: string }> }>(c, 'git_branch', { repo_path: repo, branch_type: 'local', not_contains: hashes.c3 });
    expect(notContains.s.branches.map((b) => b.name)).toEqual(['feature']);
    expect(await fails(c, 'git_branch', { repo_path: repo, branch_type: 'everything' })).toMatch(/local, remote, all/);
  });
});

describe('git_blame', () => {
  it('blames a line range, at a revision or in the working tree', async () => {
    const { s, text } = await ok<{ lines: Array<{ line: number; commit: string; author: string; content: string }>; next_start_line: number | null }>(c, 'git_blame', { repo_path: repo, path: 'src/app.ts', start_line: 2, end_line: 3 });
    expect(s.lines).toEqual([
      expect.objectContaining({ line: 2, commit: hashes.c3, author: 'Bob Builder', content: 'export const b = 20;' }),
      expect.objectContaining({ line: 3, commit: hashes.c2, author: 'Ada Lovelace', content: 'export const c = 3;' }),
    ]);
    expect(text).toContain('Bob Builder');
    const old = await ok<{ lines: Array<{ commit: string }>; next_start_line: number | null }>(c, 'git_blame', { repo_path: repo, path: 'src/app.ts', revision: 'v1.0', end_line: 100 });
    expect(old.s.lines).toHaveLength(3);
    expect(old.s.lines.every((l) => l.commit === hashes.c2)).toBe(true);
    expect(old.s.next_start_line).toBeNull();
    expect(await fails(c, 'git_blame', { repo_path: repo, path: 'src/app.ts', start_line: 50 })).toMatch(/past the end/);
    expect(await fails(c, 'git_blame', { repo_path: repo, path: 'missing.ts' })).toMatch(/not a tracked file|does not exist/);
  });
});

describe('git_grep', () => {
  it('finds matches in the working tree or a revision, literal or regex', async () => {
    const { s } = await ok<{ matches: Array<{ path: string; line: number; text: string }>; truncated: boolean }>(c, 'git_grep', { repo_path: repo, pattern: 'const b' });
    expect(s.matches).toEqual([{ path: 'src/app.ts', line: 2, text: 'export const b = 20;' }]);
    const old = await ok<{ matches: Array<{ path: string; text: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'b = 2;', fixed_strings: true, revision: 'v1.0' });
    expect(old.s.matches).toEqual([{ path: 'src/app.ts', line: 2, text: 'export const b = 2;' }]);
    const regex = await ok<{ matches: unknown[]; truncated: boolean }>(c, 'git_grep', { repo_path: repo, pattern: '^export const [a-c]', max_results: 2 });
    expect(regex.s.matches).toHaveLength(2);
    expect(regex.s.truncated).toBe(true);
    const none = await ok<{ matches: unknown[] }>(c, 'git_grep', { repo_path: repo, pattern: 'no such text', paths: ['docs'] });
    expect(none.s.matches).toEqual([]);
    expect(await fails(c, 'git_grep', { repo_path: repo, pattern: 'a(' })).toMatch(/pattern/);
    const dashed = await ok<{ matches: unknown[] }>(c, 'git_grep', { repo_path: repo, pattern: '--output=/tmp/x' });
    expect(dashed.s.matches).toEqual([]);
  });
});

describe('tags, stashes, remotes, merge bases, repositories', () => {
  it('git_tag_list lists tags newest first with their commits', async () => {
    const { s } = await ok<{ tags: Array<{ name: string; commit: string; annotated: boolean }> }>(c, 'git_tag_list', { repo_path: repo });
    expect(s.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'v1.0', commit: hashes.c2, annotated: true }), expect.objectContaining({ name: 'light', commit: hashes.c3, annotated: false })]));
  });

  it('git_stash_list lists nothing in a fresh repository', async () => {
    const { s, text } = await ok<{ stashes: unknown[] }>(c, 'git_stash_list', { repo_path: repo });
    expect(s.stashes).toEqual([]);
    expect(text).toMatch(/empty/);
  });

  it('git_remote_list hides credentials', async () => {
    const { s, text } = await ok<{ remotes: Array<{ name: string; url: string }> }>(c, 'git_remote_list', { repo_path: repo });
    expect(s.remotes).toEqual([{ name: 'origin', url: 'https://***@example.com/project.git', push_url: null }]);
    expect(text).not.toContain('s3cret');
  });

  it('git_merge_base finds the fork point', async () => {
    const { s } = await ok<{ merge_bases: string[]; a_is_ancestor_of_b: boolean; b_is_ancestor_of_a: boolean }>(c, 'git_merge_base', { repo_path: repo, a: 'main', b: 'feature' });
    expect(s.merge_bases).toEqual([hashes.c2]);
    expect(s.a_is_ancestor_of_b).toBe(false);
    const ff = await ok<{ a_is_ancestor_of_b: boolean }>(c, 'git_merge_base', { repo_path: repo, a: 'v1.0', b: 'main' });
    expect(ff.s.a_is_ancestor_of_b).toBe(true);
  });

  it('git_list_repositories shows the allowed repositories', async () => {
    const { s } = await ok<{ repositories: Array<{ path: string; is_repository: boolean }> }>(c, 'git_list_repositories', {});
    expect(s.repositories).toEqual([{ path: repo, is_repository: true }]);
  });
});
