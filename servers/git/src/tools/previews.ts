/**
 * What a destructive git call would lose, worked out with read-only git commands before the user is asked to
 * confirm it (issue 13). Every list is bounded: a confirmation names at most MAX_LISTED files and says how
 * many more there are.
 */
import { SAFE_DIFF_ARGS } from '../lib/diff.js';
import type { Repo } from '../lib/repo.js';
import { readStatus, type StatusEntry } from '../lib/status.js';

export const MAX_LISTED = 20;

/** "a.txt, b.txt and 3 more". */
export function listBounded(items: readonly string[], max = MAX_LISTED): string {
  const shown = items.slice(0, max);
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "main at 1a2b3c4d5e6f", "a detached HEAD at ...", "main (no commits yet)". */
async function headDescription(repo: Repo): Promise<string> {
  const [branch, unborn] = await Promise.all([repo.currentBranch(), repo.isUnborn()]);
  if (unborn) return `${branch ?? 'HEAD'} (no commits yet: the index becomes empty)`;
  const head = (await repo.headCommit()).slice(0, 12);
  return branch ? `${branch} at ${head}` : `a detached HEAD at ${head}`;
}

/**
 * git_reset (the mixed reset to HEAD this server offers: no commit moves, the working tree is untouched).
 * What is lost is the staging itself, and for files whose staged version differs from the working tree,
 * that staged version. Undefined when nothing is staged: the reset would change nothing.
 */
export async function resetPreview(repo: Repo): Promise<string | undefined> {
  const status = await readStatus(repo);
  const staged = status.entries.filter((e) => e.kind !== 'untracked' && e.staged !== 'unchanged');
  if (staged.length === 0) return undefined;
  const describe = (e: StatusEntry) => (e.kind === 'unmerged' ? `${e.path} (conflict: ${e.staged})` : `${e.staged} ${e.old_path ? `${e.old_path} -> ` : ''}${e.path}`);
  const lines = [
    `Reset the index of the repository ${repo.top} to HEAD (${await headDescription(repo)}): mode mixed, target HEAD.`,
    'No commit moves and no file in the working tree is changed.',
    `Unstaged: ${plural(staged.length, 'file')}: ${listBounded(staged.map(describe))}.`,
  ];
  const lost = staged.filter((e) => e.kind === 'unmerged' || e.unstaged !== 'unchanged').map((e) => e.path);
  if (lost.length) {
    lines.push(`Lost: the staged versions of ${listBounded(lost)} (they differ from the working tree, which keeps its own version; conflict stages are dropped).`);
  }
  return lines.join('\n');
}

/**
 * git_restore: the files among `rels` whose content would be replaced, i.e. those that differ between what is
 * restored and where it is taken from. Undefined when none differs.
 */
export async function restorePreview(
  repo: Repo,
  rels: string[],
  options: { staged: boolean; worktree: boolean; source?: string | undefined; sourceLabel?: string | undefined },
): Promise<string | undefined> {
  const names = async (args: string[]) =>
    (await repo.readText(['diff', ...SAFE_DIFF_ARGS, '--name-only', '-z', ...args, '--', ...rels])).split('\0').filter(Boolean);
  // Working tree vs the index (default) or vs the source commit; the index vs HEAD or vs the source commit.
  const worktreeFiles = options.worktree ? await names(options.source ? [options.source] : []) : [];
  const indexFiles = options.staged ? await names(['--cached', ...(options.source ? [options.source] : (await repo.isUnborn()) ? [] : ['HEAD'])]) : [];
  if (worktreeFiles.length === 0 && indexFiles.length === 0) return undefined;
  const from = options.source ? ` from ${options.sourceLabel ?? options.source} (${options.source.slice(0, 12)})` : '';
  const lines = [`Restore files in the repository ${repo.top}${from}.`];
  if (worktreeFiles.length) {
    lines.push(
      `Working tree: the uncommitted changes to ${plural(worktreeFiles.length, 'file')} are discarded and cannot be recovered: ${listBounded(worktreeFiles)}.`,
    );
  }
  if (indexFiles.length) {
    lines.push(`Index: the staged changes to ${plural(indexFiles.length, 'file')} are unstaged${options.worktree ? '' : ' (the working-tree files keep their content)'}: ${listBounded(indexFiles)}.`);
  }
  return lines.join('\n');
}
