/**
 * Path filters of the read tools (git_log, git_diff*, git_grep) over the built bin on a real repository: plain
 * entries are literal (Next.js-style `[id].tsx` and a `*` in a file name mean themselves), `:(glob)` entries are
 * git globs, and a pattern is confined like a path. Any other pathspec magic is refused.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
  sb = await makeSandbox('portico-git-pathspec-');
  repo = sb.repo('site', { 'README.md': '# site\n' });
  mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
  mkdirSync(join(repo, 'pages'));
  mkdirSync(join(repo, 'docs'));
  writeFileSync(join(repo, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(repo, 'src', 'deep', 'b.ts'), 'export const b = 1;\n');
  writeFileSync(join(repo, 'pages', '[id].tsx'), 'export default function Page() {}\n');
  writeFileSync(join(repo, 'pages', 'i.tsx'), 'export default function I() {}\n');
  writeFileSync(join(repo, 'docs', 'guide.md'), 'guide\n');
  writeFileSync(join(repo, 'odd*name.txt'), 'odd\n');
  writeFileSync(join(repo, 'oddXname.txt'), 'not odd\n');
  sb.git(repo, ['add', '.']);
  sb.git(repo, ['commit', '-q', '-m', 'add site']);
  hashes.c2 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  writeFileSync(join(repo, 'src', 'deep', 'b.ts'), 'export const b = 2;\n');
  writeFileSync(join(repo, 'pages', '[id].tsx'), 'export default function Page() { return null; }\n');
  sb.git(repo, ['commit', '-q', '-am', 'change b and the id page']);
  hashes.c3 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  writeFileSync(join(repo, 'oddXname.txt'), 'changed\n');
  writeFileSync(join(repo, 'docs', 'guide.md'), 'guide, changed\n');
  sb.git(repo, ['commit', '-q', '-am', 'change oddXname and the guide']);
  hashes.c4 = sb.git(repo, ['rev-parse', 'HEAD']).trim();
  // A folder inside the repository that leads outside it.
  mkdirSync(join(sb.dir.path, 'outside'));
  writeFileSync(join(sb.dir.path, 'outside', 'secret.ts'), 'secret\n');
  symlinkSync(join(sb.dir.path, 'outside'), join(repo, 'out'));
  c = await connectGit([repo], sb.env);
});

afterAll(async () => {
  await c?.close();
  await sb?.cleanup();
});

const subjects = async (paths: string[]) => (await ok<{ commits: Array<{ subject: string }> }>(c, 'git_log', { repo_path: repo, paths })).s.commits.map((x) => x.subject);

describe('read tools: path filters', () => {
  it('plain entries are literal: brackets and stars in file names mean themselves', async () => {
    expect(await subjects(['pages/[id].tsx'])).toEqual(['change b and the id page', 'add site']);
    expect(await subjects(['odd*name.txt'])).toEqual(['add site']);
  });

  it(':(glob) entries are git globs: * stays within a folder, ** crosses folders, [..] is a class', async () => {
    expect(await subjects([':(glob)src/**/*.ts'])).toEqual(['change b and the id page', 'add site']);
    // README.md came with the repository's first commit; docs/guide.md with "add site".
    expect(await subjects([':(glob)*.md'])).toEqual(['initial commit']);
    expect(await subjects([':(glob)**/*.md'])).toEqual(['change oddXname and the guide', 'add site', 'initial commit']);
    // [id] is the class of i and d (pages/i.tsx came in "add site"); git also matches a pattern's own text
    // literally, so pages/[id].tsx (changed in the second commit) matches too.
    expect(await subjects([':(glob)pages/[id].tsx'])).toEqual(['change b and the id page', 'add site']);
    expect(await subjects([':(glob)pages/[xi].tsx'])).toEqual(['add site']);
    expect(await subjects([':(glob)odd*name.txt'])).toEqual(['change oddXname and the guide', 'add site']);
  });

  it('git_diff and git_grep take the same filters', async () => {
    const diff = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff', { repo_path: repo, target: hashes.c2, to: hashes.c4, paths: [':(glob)**/*.ts'] });
    expect(diff.s.files.map((f) => f.path)).toEqual(['src/deep/b.ts']);
    const literal = await ok<{ files: Array<{ path: string }> }>(c, 'git_diff', { repo_path: repo, target: hashes.c2, to: hashes.c4, paths: ['pages/[id].tsx'] });
    expect(literal.s.files.map((f) => f.path)).toEqual(['pages/[id].tsx']);
    const grep = await ok<{ matches: Array<{ path: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'export', paths: [':(glob)src/**'] });
    expect(grep.s.matches.map((m) => m.path).sort()).toEqual(['src/a.ts', 'src/deep/b.ts']);
    const inRevision = await ok<{ matches: Array<{ path: string }> }>(c, 'git_grep', { repo_path: repo, pattern: 'export', revision: hashes.c2, paths: [':(glob)pages/*.tsx'] });
    expect(inRevision.s.matches.map((m) => m.path).sort()).toEqual(['pages/[id].tsx', 'pages/i.tsx']);
  });

  it('a pattern is confined like a path, and other pathspec magic is refused', async () => {
    expect(await fails(c, 'git_log', { repo_path: repo, paths: [':(glob)../*'] })).toMatch(/outside the repository/);
    expect(await fails(c, 'git_grep', { repo_path: repo, pattern: 'secret', paths: [':(glob)out/*.ts'] })).toMatch(/resolves \(through a symbolic link\) to a location outside the allowed directories/);
    expect(await fails(c, 'git_diff', { repo_path: repo, target: 'HEAD', paths: [':(glob).git/*'] })).toMatch(/\.git directory/);
    for (const magic of [':(exclude)src', ':!src', ':^src', ':/src', ':(icase)SRC', ':(glob,icase)SRC/*']) {
      expect(await fails(c, 'git_log', { repo_path: repo, paths: [magic] })).toMatch(/uses pathspec magic, and only :\(glob\) is accepted/);
    }
  });
});
