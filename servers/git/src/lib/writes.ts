/**
 * Operations that change a repository. Each one either completes or leaves the index and working tree as
 * they were: arguments are checked before git runs, and the git commands used here check their own
 * preconditions (pathspecs match, local changes would not be overwritten) before writing anything.
 * Commits run without hooks unless the operator passed --allow-hooks, and are never signed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAFE_DIFF_ARGS } from './diff.js';
import { RepoError } from './errors.js';
import { GitCommandError, firstLines } from './git-runner.js';
import { refExists } from './refs.js';
import type { Repo } from './repo.js';
import { readStatus } from './status.js';
import { checkNewRefName, checkText } from './validate.js';

export async function stage(repo: Repo, rels: string[]): Promise<void> {
  // git add stages the other paths and then fails on an ignored one; check first so that nothing is staged.
  const ignored = await ignoredUntracked(repo, rels);
  if (ignored.length > 0) {
    const list = ignored.slice(0, 10).map((p) => `"${p}"`).join(', ') + (ignored.length > 10 ? ` and ${ignored.length - 10} more` : '');
    throw new RepoError(
      'ignored_path',
      `nothing was staged: ${list} ${ignored.length === 1 ? 'is' : 'are'} ignored by .gitignore and not tracked.`,
      'leave ignored paths out of files; git_add does not force-add them. If the file should be tracked, its .gitignore rule has to change first.',
    );
  }
  try {
    await repo.write(['add', '--', ...rels]);
  } catch (error) {
    if (error instanceof GitCommandError && /did not match any files/.test(error.stderr)) {
      const m = /pathspec '(.*)' did not match/.exec(error.stderr);
      throw new RepoError('not_found', `nothing was staged: ${m ? `"${m[1]}"` : 'a path'} does not exist and is not tracked.`, 'check the paths with git_status; paths are relative to the repository top level.');
    }
    throw error;
  }
}

/** The paths among `rels` that .gitignore rules ignore and git does not track (tracked files are never ignored). */
async function ignoredUntracked(repo: Repo, rels: readonly string[]): Promise<string[]> {
  // check-ignore refuses the literal-pathspec switch; a "./" prefix keeps a name like ":!x" from being read as
  // pathspec magic instead. Exit code 1: none is ignored. (-z needs --stdin, which the runner does not feed;
  // the names are only shown.)
  const r = await repo.read(['check-ignore', '--', ...rels.map((rel) => `./${rel}`)], { okExitCodes: [0, 1], literalPathspecs: false });
  return r.exitCode === 0 ? r.stdout.toString('utf8').split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '')) : [];
}

/** Unstages everything (index = HEAD); the working tree is untouched. Works in a repository without commits. */
export async function unstageAll(repo: Repo): Promise<void> {
  await repo.write(['reset', '--quiet']);
}

export async function commit(repo: Repo, message: string): Promise<{ commit: string; branch: string | null }> {
  checkText(message, 'message');
  if (message.trim() === '') throw new RepoError('invalid_argument', 'the commit message is empty.', 'pass a message that says what changed and why.');
  const progress = repo.inProgress();
  const args = ['commit', '--quiet', '--no-gpg-sign', '--cleanup=whitespace', `--message=${message}`];
  if (!repo.policy.allowHooks) args.push('--no-verify');
  try {
    await repo.write(args);
  } catch (error) {
    if (error instanceof GitCommandError) {
      const all = `${error.stdout}\n${error.stderr}`;
      if (/unmerged files|unresolved conflict/i.test(all)) {
        throw new RepoError('merge_conflict', `nothing was committed: some files still have unresolved conflicts${progress ? ` (a ${progress} is in progress)` : ''}.`, 'edit the conflicted files (see git_status), stage them with git_add, then commit.');
      }
      if (/nothing (added )?to commit|no changes added to commit|nothing to commit/i.test(all)) {
        throw new RepoError('nothing_staged', 'nothing was committed: no changes are staged.', 'stage changes with git_add first (git_status shows what changed).');
      }
      if (/tell me who you are|empty ident|unable to auto-detect email/i.test(all)) {
        throw new RepoError('no_identity', 'nothing was committed: git does not know the author name and e-mail.', 'the operator should set user.name and user.email (git config --global), or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL for the server.');
      }
      if (/hook/i.test(all)) {
        throw new RepoError('hook_failed', `nothing was committed: a hook refused the commit: ${firstLines(all, 5)}`, 'fix what the hook reports and commit again.');
      }
    }
    throw error;
  }
  const oid = (await repo.readText(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  return { commit: oid, branch: await repo.currentBranch() };
}

export async function createBranch(repo: Repo, name: string, base: string): Promise<void> {
  checkNewRefName(name, 'branch');
  if (await refExists(repo, `refs/heads/${name}`)) {
    throw new RepoError('already_exists', `a branch named "${name}" already exists.`, 'choose another name, or switch to it with git_checkout.');
  }
  await repo.write(['branch', '--no-track', '--end-of-options', name, base]);
}

export type CheckoutResult = { kind: 'branch'; branch: string; commit: string } | { kind: 'detached'; commit: string };

/** Switches to a local branch, or detaches at a commit. Refuses (changing nothing) when local changes would be lost. */
export async function checkout(repo: Repo, target: string, resolveCommit: (rev: string) => Promise<string>): Promise<CheckoutResult> {
  const isBranch = !target.startsWith('-') && !/[\u0000-\u001f]/.test(target) && (await refExists(repo, `refs/heads/${target}`));
  const args = isBranch ? ['checkout', '--quiet', '--no-guess', target, '--'] : ['checkout', '--quiet', '--detach', await resolveCommit(target), '--'];
  try {
    await repo.write(args);
  } catch (error) {
    if (error instanceof GitCommandError && /would be overwritten|Please commit your changes or stash them|resolve your current index first|you need to resolve/i.test(error.stderr)) {
      const files = error.stderr
        .split('\n')
        .filter((l) => /^\t/.test(l))
        .map((l) => l.trim());
      throw new RepoError(
        'local_changes',
        `did not switch: local changes${files.length ? ` to ${files.slice(0, 20).join(', ')}` : ''} would be overwritten, or conflicts are unresolved. Nothing was changed.`,
        'commit the changes (git_add + git_commit), stash them (git_stash action=push), or discard them (git_restore), then try again.',
      );
    }
    throw error;
  }
  const commit = (await repo.readText(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  return isBranch ? { kind: 'branch', branch: target, commit } : { kind: 'detached', commit };
}

export async function restore(repo: Repo, rels: string[], options: { staged: boolean; worktree: boolean; source?: string | undefined }): Promise<void> {
  const args = ['restore'];
  if (options.source) args.push(`--source=${options.source}`);
  if (options.staged) args.push('--staged');
  if (options.worktree) args.push('--worktree');
  args.push('--', ...rels);
  try {
    await repo.write(args);
  } catch (error) {
    if (error instanceof GitCommandError && /did not match any file/.test(error.stderr)) {
      const m = /pathspec '(.*)' did not match/.exec(error.stderr);
      throw new RepoError('not_found', `nothing was restored: ${m ? `"${m[1]}"` : 'a path'} is not known to git${options.source ? ' at that source' : ''}.`, 'check the paths with git_status; paths are relative to the repository top level.');
    }
    if (error instanceof GitCommandError && /could not resolve HEAD/i.test(error.stderr)) {
      throw new RepoError('empty_repository', 'nothing was restored: the repository has no commits yet, so there is no staged state to go back to.', 'use git_reset to unstage everything.');
    }
    throw error;
  }
}

export interface StashEntry {
  index: number;
  /** e.g. stash@{0} */
  ref: string;
  commit: string;
  message: string;
  date: string;
}

export async function stashList(repo: Repo): Promise<StashEntry[]> {
  const raw = await repo.readText(['stash', 'list', '--format=%gd%x00%H%x00%gs%x00%cI']);
  return raw
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref, commit, message, date] = line.split('\0');
      const index = Number(/\{(\d+)\}/.exec(ref ?? '')?.[1] ?? NaN);
      return { index, ref: ref!, commit: commit!, message: message ?? '', date: date ?? '' };
    });
}

export async function stashPush(repo: Repo, options: { message?: string | undefined; includeUntracked: boolean; paths?: string[] | undefined }): Promise<StashEntry | null> {
  if (await repo.isUnborn()) throw new RepoError('empty_repository', 'cannot stash: the repository has no commits yet.', 'create a first commit with git_add and git_commit.');
  if (!repo.policy.allowHooks) await refuseCheckedOutSubmodules(repo);
  const before = (await stashList(repo))[0]?.commit;
  const args = ['stash', 'push', '--quiet'];
  if (options.includeUntracked) args.push('--include-untracked');
  if (options.message !== undefined) args.push(`--message=${checkText(options.message, 'message', 10_000)}`);
  args.push('--');
  // Literal pathspecs must be off for stash (it uses pathspec magic itself), so each path says so instead.
  if (options.paths) args.push(...options.paths.map((p) => `:(literal)${p}`));
  try {
    await repo.write(args, { literalPathspecs: false });
  } catch (error) {
    const m = error instanceof GitCommandError ? /pathspec '(?::\([^)]*\))?(.*)' did not match/.exec(error.stderr) : null;
    if (!m) throw error;
    throw new RepoError(
      'not_found',
      `nothing was stashed: "${m[1]}" is not a tracked file with changes${options.includeUntracked ? ' or an untracked file' : ''}.`,
      options.includeUntracked ? 'check the paths with git_status; paths are relative to the repository top level.' : 'to stash an untracked file, pass include_untracked=true; check the paths with git_status.',
    );
  }
  const top = (await stashList(repo))[0];
  return top && top.commit !== before ? top : null;
}

/**
 * `git stash push` looks for changes inside every checked-out submodule by starting another git there, under
 * the submodule's own config (its filter drivers, includes, excludes and attributes files), and git has no
 * option to stop it. None of that config is checked, so without --allow-hooks (which trusts the repositories'
 * own programs) a repository with a checked-out submodule is not stashed. The index lists submodules as
 * gitlinks (mode 160000); one is checked out when its folder has a .git.
 */
async function refuseCheckedOutSubmodules(repo: Repo): Promise<void> {
  const staged = await repo.read(['ls-files', '--stage', '-z']);
  const checkedOut: string[] = [];
  for (const entry of staged.stdout.toString('utf8').split('\0')) {
    if (!entry.startsWith('160000 ')) continue;
    const path = entry.slice(entry.indexOf('\t') + 1);
    if (existsSync(join(repo.location.top, path, '.git'))) checkedOut.push(path);
  }
  if (checkedOut.length === 0) return;
  throw new RepoError(
    'untrusted_submodule',
    `cannot stash: this repository has ${checkedOut.length === 1 ? 'a checked-out submodule' : 'checked-out submodules'} (${checkedOut.slice(0, 5).join(', ')}${checkedOut.length > 5 ? ', ...' : ''}); git stash would run git inside ${checkedOut.length === 1 ? 'it' : 'them'} under ${checkedOut.length === 1 ? 'its' : 'their'} own configuration (filter programs, files it names), which this server does not check.`,
    'keep the changes with git_commit on a branch (git_create_branch, git_checkout), or undo them with git_restore; the operator can start the server with --allow-hooks to trust the repositories\' own programs.',
  );
}

export async function stashPop(repo: Repo, index: number): Promise<void> {
  const entries = await stashList(repo);
  if (!entries.some((e) => e.index === index)) {
    throw new RepoError('not_found', entries.length ? `there is no stash entry stash@{${index}} (there are ${entries.length}).` : 'the stash is empty.', 'list entries with git_stash_list.');
  }
  // git restores a stash's untracked files before it notices that tracked changes would be overwritten,
  // and then stops half-way. Check first, so a refused pop changes nothing.
  const ref = `stash@{${index}}`;
  const touched = new Set((await repo.readText(['diff', ...SAFE_DIFF_ARGS, '--name-only', '-z', `${ref}^1`, ref, '--'])).split('\0').filter(Boolean));
  const hasUntracked = (await repo.read(['rev-parse', '--verify', '--quiet', `${ref}^3`], { okExitCodes: [0, 1] })).exitCode === 0;
  const untracked = hasUntracked ? (await repo.readText(['ls-tree', '-r', '-z', '--name-only', `${ref}^3`])).split('\0').filter(Boolean) : [];
  const local = (await readStatus(repo)).entries.filter((e) => touched.has(e.path) || untracked.includes(e.path)).map((e) => e.path);
  const inTheWay = untracked.filter((p) => existsSync(join(repo.top, p)));
  const blocked = [...new Set([...local, ...inTheWay])];
  if (blocked.length) {
    throw new RepoError(
      'local_changes',
      `the stash was not applied: local changes to ${blocked.slice(0, 20).join(', ')} would be overwritten. Nothing was changed and ${ref} is kept.`,
      'commit, stash or restore those changes first (or remove the untracked files in the way).',
    );
  }
  try {
    await repo.write(['stash', 'pop', '--quiet', ref]);
  } catch (error) {
    if (error instanceof GitCommandError) {
      const all = `${error.stdout}\n${error.stderr}`;
      if (/would be overwritten|Please commit your changes or stash them|needs merge|could not restore untracked|already exists, no checkout/i.test(all)) {
        throw new RepoError('local_changes', `the stash was not applied: local changes would be overwritten. Nothing was changed and stash@{${index}} is kept.`, 'commit, stash or restore the local changes first.');
      }
      if (/conflict/i.test(all)) {
        throw new RepoError(
          'merge_conflict',
          `the stash was applied with conflicts; stash@{${index}} was kept. Conflicted files: ${firstLines(all.split('\n').filter((l) => /CONFLICT/.test(l)).join('\n'), 10)}`,
          'resolve the conflicts (git_status lists them) and stage the result with git_add, or discard them with git_restore.',
        );
      }
    }
    throw error;
  }
}

export async function createTag(repo: Repo, name: string, oid: string, message: string | undefined): Promise<void> {
  checkNewRefName(name, 'tag');
  if (await refExists(repo, `refs/tags/${name}`)) {
    throw new RepoError('already_exists', `a tag named "${name}" already exists.`, 'choose another name (tags are not moved by this server).');
  }
  const args = ['tag'];
  if (message !== undefined) args.push('--annotate', `--message=${checkText(message, 'message', 10_000)}`);
  args.push('--end-of-options', name, oid);
  await repo.write(args);
}
