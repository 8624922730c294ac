/**
 * Real repositories for the tests, made with the git CLI in temp dirs, with git isolated from the machine's
 * own config. Not part of the build.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, isolatedGitEnv, makeGitRepo, makeTempDir, type TempDir } from '@portico/test-utils';
import type { GitPolicy } from '../lib/hardening.js';
import { locateRepository, Repo } from '../lib/repo.js';

export const testPolicy: GitPolicy = { allowHooks: false, timeoutMs: 30_000 };

export interface Sandbox {
  dir: TempDir;
  /** isolatedGitEnv: HOME and global config inside the temp dir, a fixed identity. */
  env: NodeJS.ProcessEnv;
  /** Runs the git CLI directly (no hardening): for building fixtures and checking results. */
  git(cwd: string, args: string[]): string;
  repo(name: string, files?: Record<string, string>): string;
  cleanup(): Promise<void>;
}

export async function makeSandbox(prefix = 'portico-git-'): Promise<Sandbox> {
  const dir = await makeTempDir(prefix);
  const home = join(dir.path, 'home');
  mkdirSync(home);
  const env = isolatedGitEnv(home);
  return {
    dir,
    env,
    git: (cwd, args) => git(cwd, args, env),
    repo(name, files = { 'README.md': '# test\n' }) {
      const path = join(dir.path, name);
      makeGitRepo(path, files, env);
      return path;
    },
    cleanup: () => dir.cleanup(),
  };
}

/** A Repo on a directory without the sandbox layer (lib tests). */
export async function openRepo(dir: string, env: NodeJS.ProcessEnv, policy: GitPolicy = testPolicy): Promise<Repo> {
  const location = await locateRepository(dir, undefined, { policy, baseEnv: env });
  return new Repo(location, { policy, baseEnv: env });
}

export function write(path: string, content: string): void {
  writeFileSync(path, content);
}

/**
 * A repository whose own config names a program for everything git can be told to run: fsmonitor, pager,
 * external diff, textconv, diff command, clean/smudge/process filters, merge driver, every hook (in
 * .git/hooks and in a core.hooksPath folder), ssh, askpass, credential helper, gpg (with signatures
 * turned on), editors. Each program only creates a file named after itself in `markerDir`.
 * It also has a modified tracked file, so diff/status must look at content.
 */
export function makeHostileRepo(sb: Sandbox, name: string, markerDir: string): string {
  mkdirSync(markerDir, { recursive: true });
  const script = join(sb.dir.path, `${name}-marker.sh`);
  // Writes the marker, then passes stdin through (so it also "works" as a filter or textconv).
  writeFileSync(script, `#!/bin/sh\ntouch "${markerDir}/$1"\ncat 2>/dev/null || true\nexit 0\n`);
  chmodSync(script, 0o755);
  const cmd = (label: string) => `${script} ${label}`;
  const repo = sb.repo(name, { 'a.txt': 'one\ntwo\nthree\n', 'b.bin': 'x\u0000y', 'src/c.txt': 'c\n' });
  const set = (key: string, value: string) => sb.git(repo, ['config', key, value]);
  set('core.fsmonitor', cmd('fsmonitor'));
  set('core.pager', cmd('pager'));
  set('pager.log', cmd('pager-log'));
  set('diff.external', cmd('diff-external'));
  set('diff.evil.textconv', cmd('textconv'));
  set('diff.evil.command', cmd('diff-command'));
  set('filter.evil.clean', cmd('filter-clean'));
  set('filter.evil.smudge', cmd('filter-smudge'));
  set('filter.evil.required', 'true');
  set('merge.evil.driver', cmd('merge-driver'));
  set('core.sshCommand', cmd('ssh'));
  set('core.askPass', cmd('askpass'));
  set('credential.helper', `!${cmd('credential')}`);
  set('gpg.program', cmd('gpg'));
  set('log.showSignature', 'true');
  set('commit.gpgSign', 'true');
  set('tag.gpgSign', 'true');
  set('core.editor', cmd('editor'));
  set('sequence.editor', cmd('sequence-editor'));
  set('alias.status', `!${cmd('alias')}`);
  const hooksDir = join(sb.dir.path, `${name}-hooks`);
  mkdirSync(hooksDir, { recursive: true });
  const hooks = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'pre-auto-gc', 'post-rewrite', 'post-merge'];
  for (const hook of hooks) {
    for (const dir of [hooksDir, join(repo, '.git', 'hooks')]) {
      writeFileSync(join(dir, hook), `#!/bin/sh\ntouch "${markerDir}/hook-${hook}"\nexit 0\n`);
      chmodSync(join(dir, hook), 0o755);
    }
  }
  set('core.hooksPath', hooksDir);
  // Attributes route every file through the evil drivers.
  writeFileSync(join(repo, '.gitattributes'), '* diff=evil filter=evil merge=evil\n');
  sb.git(repo, ['-c', 'core.hooksPath=/dev/null', '-c', 'filter.evil.clean=', '-c', 'filter.evil.required=false', '-c', 'core.fsmonitor=false', 'add', '.gitattributes']);
  sb.git(repo, ['-c', 'core.hooksPath=/dev/null', '-c', 'filter.evil.clean=', '-c', 'filter.evil.required=false', '-c', 'commit.gpgSign=false', '-c', 'core.fsmonitor=false', 'commit', '-q', '-m', 'attributes']);
  // Uncommitted edits so that status and diff must read content.
  writeFileSync(join(repo, 'a.txt'), 'one\nTWO\nthree\n');
  writeFileSync(join(repo, 'src', 'c.txt'), 'c changed\n');
  // Building the fixture must not count: start from an empty marker folder.
  for (const m of markers(markerDir)) rmSync(join(markerDir, m));
  return repo;
}

export function markers(markerDir: string): string[] {
  try {
    return readdirSync(markerDir).sort();
  } catch {
    return [];
  }
}
