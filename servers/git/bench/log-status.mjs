#!/usr/bin/env node
/**
 * Benchmark: git_log over a 10,000-commit history and git_status on a 50,000-file working tree, through the
 * built bin over stdio with the real MCP client (what a host sees). Run after `npx tsc -p tsconfig.build.json`:
 *   node bench/log-status.mjs            (prints a table; exits 0)
 * Fixtures are made with the git CLI in a temp dir (history via fast-import) and removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connectStdio } from '@portico/protocol/testing';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'portico-git-bench-'));
const home = join(root, 'home');
mkdirSync(home);
const env = {
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@portico.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@portico.invalid',
};
const git = (cwd, args, input) => execFileSync('git', args, { cwd, env: { ...process.env, ...env }, input, maxBuffer: 1 << 30 });

function historyRepo(commits) {
  const dir = join(root, 'history');
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  const parts = [];
  for (let i = 1; i <= commits; i++) {
    const content = `change ${i}\n`;
    const message = `commit number ${i}\n\nBody of commit ${i}.\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@portico.invalid> ${1_600_000_000 + i * 60} +0000\n` +
        `data ${Buffer.byteLength(message)}\n${message}\n` +
        (i > 1 ? `from :${i - 1}\n` : '') +
        `M 100644 inline file${i % 50}.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  git(dir, ['fast-import', '--quiet'], parts.join(''));
  git(dir, ['reset', '-q', '--hard', 'main']);
  return dir;
}

function wideRepo(files) {
  const dir = join(root, 'wide');
  mkdirSync(dir);
  git(dir, ['init', '-q', '-b', 'main']);
  for (let d = 0; d < files / 500; d++) {
    const sub = join(dir, `dir${d}`);
    mkdirSync(sub);
    for (let f = 0; f < 500; f++) writeFileSync(join(sub, `file${f}.txt`), `file ${d}/${f}\n`);
  }
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'wide']);
  git(dir, ['status', '--porcelain']); // refresh the index once, as any user would have
  return dir;
}

let pages = 0;
async function time(label, fn, runs = 5) {
  await fn(); // warm-up
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { label, median_ms: Math.round(samples[Math.floor(runs / 2)]), min_ms: Math.round(samples[0]), max_ms: Math.round(samples[runs - 1]) };
}

try {
  let t = performance.now();
  const history = historyRepo(10_000);
  const wide = wideRepo(50_000);
  console.error(`fixtures ready in ${Math.round(performance.now() - t)} ms`);
  const c = await connectStdio({ bin, args: [history, wide], env });
  const call = async (name, args) => {
    const r = await c.callTool(name, args);
    if (r.isError) throw new Error(`${name}: ${JSON.stringify(r.content)}`);
    return r;
  };
  const results = [];
  results.push(await time('git_log first page (10 of 10,000 commits)', () => call('git_log', { repo_path: history })));
  results.push(await time('git_log one page of 1,000 commits', () => call('git_log', { repo_path: history, max_count: 1000 })));
  results.push(
    await time(
      'git_log all 10,000 commits (max_count 1,000, following next_skip)',
      async () => {
        let skip = 0;
        let n = 0;
        let i = 0;
        for (; i < 200 && skip !== null; i++) {
          const r = await call('git_log', { repo_path: history, max_count: 1000, skip });
          n += r.structuredContent.commits.length;
          skip = r.structuredContent.next_skip;
        }
        if (n !== 10_000) throw new Error(`walked ${n} commits`);
        pages = i;
      },
      3,
    ),
  );
  results.at(-1).pages = pages;
  results.push(await time('git_log with path filter over 10,000 commits', () => call('git_log', { repo_path: history, path: 'file7.txt', max_count: 50 })));
  results.push(await time('git_status, 50,000 files, clean', () => call('git_status', { repo_path: wide })));
  for (let i = 0; i < 100; i++) writeFileSync(join(wide, `dir${i}`, 'file1.txt'), `modified ${i}\n`);
  results.push(await time('git_status, 50,000 files, 100 modified', () => call('git_status', { repo_path: wide })));
  // Baselines: the bare git command for the same work, without the server or the protocol.
  results.push(await time('baseline: git status --porcelain=v2 (50,000 files, 100 modified)', () => git(wide, ['--no-optional-locks', 'status', '--porcelain=v2', '-z'])));
  results.push(await time('baseline: git log -n 1000 (10,000 commits)', () => git(history, ['log', '-n', '1000', '--format=%H%x00%an%x00%s%x00%b', '-z'])));
  await c.close();
  console.table(results);
  console.log(JSON.stringify({ node: process.version, git: execFileSync('git', ['--version']).toString().trim(), results }, null, 2));
} finally {
  rmSync(root, { recursive: true, force: true });
}
