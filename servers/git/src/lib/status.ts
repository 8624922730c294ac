/** Working-tree status from `git status --porcelain=v2 -z`, as structured entries. */
import type { InProgress, Repo } from './repo.js';

export interface BranchStatus {
  /** Branch name, or null when HEAD is detached. */
  name: string | null;
  detached: boolean;
  /** HEAD commit, or null in a repository without commits. */
  commit: string | null;
  upstream: string | null;
  ahead: number | null;
  behind: number | null;
}

export type EntryKind = 'changed' | 'renamed' | 'unmerged' | 'untracked';

export interface StatusEntry {
  path: string;
  /** Source path of a rename or copy. */
  old_path?: string;
  kind: EntryKind;
  /** Index (staged) state: modified, added, deleted, renamed, copied, type_changed, unmerged, or unchanged. */
  staged: string;
  /** Working-tree (unstaged) state, same words. */
  unstaged: string;
}

export interface RepoStatus {
  branch: BranchStatus;
  in_progress: InProgress;
  entries: StatusEntry[];
  clean: boolean;
}

const STATE_WORDS: Record<string, string> = {
  '.': 'unchanged',
  M: 'modified',
  T: 'type_changed',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  U: 'unmerged',
};

const UNMERGED_WORDS: Record<string, string> = {
  DD: 'both deleted',
  AU: 'added by us',
  UD: 'deleted by them',
  UA: 'added by them',
  DU: 'deleted by us',
  AA: 'both added',
  UU: 'both modified',
};

export async function readStatus(repo: Repo): Promise<RepoStatus> {
  const raw = await repo.readText(['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=normal', '--ignore-submodules=dirty']);
  const status = parseStatus(raw);
  return { ...status, in_progress: repo.inProgress() };
}

export function parseStatus(raw: string): Omit<RepoStatus, 'in_progress'> {
  const branch: BranchStatus = { name: null, detached: false, commit: null, upstream: null, ahead: null, behind: null };
  const entries: StatusEntry[] = [];
  const tokens = raw.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const line = tokens[i]!;
    if (!line) continue;
    if (line.startsWith('# ')) {
      const [key, ...rest] = line.slice(2).split(' ');
      const value = rest.join(' ');
      if (key === 'branch.oid') branch.commit = value === '(initial)' ? null : value;
      else if (key === 'branch.head') {
        branch.detached = value === '(detached)';
        branch.name = branch.detached ? null : value;
      } else if (key === 'branch.upstream') branch.upstream = value;
      else if (key === 'branch.ab') {
        const m = /^\+(\d+) -(\d+)$/.exec(value);
        if (m) {
          branch.ahead = Number(m[1]);
          branch.behind = Number(m[2]);
        }
      }
      continue;
    }
    const type = line[0];
    if (type === '1') {
      // 1 XY sub mH mI mW hH hI path
      const parts = line.split(' ');
      const xy = parts[1]!;
      entries.push({ path: parts.slice(8).join(' '), kind: 'changed', staged: STATE_WORDS[xy[0]!] ?? xy[0]!, unstaged: STATE_WORDS[xy[1]!] ?? xy[1]! });
    } else if (type === '2') {
      // 2 XY sub mH mI mW hH hI Xscore path \0 origPath
      const parts = line.split(' ');
      const xy = parts[1]!;
      const oldPath = tokens[++i] ?? '';
      entries.push({ path: parts.slice(9).join(' '), old_path: oldPath, kind: 'renamed', staged: STATE_WORDS[xy[0]!] ?? xy[0]!, unstaged: STATE_WORDS[xy[1]!] ?? xy[1]! });
    } else if (type === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const parts = line.split(' ');
      const xy = parts[1]!;
      const word = UNMERGED_WORDS[xy] ?? 'unmerged';
      entries.push({ path: parts.slice(10).join(' '), kind: 'unmerged', staged: word, unstaged: word });
    } else if (type === '?') {
      entries.push({ path: line.slice(2), kind: 'untracked', staged: 'unchanged', unstaged: 'untracked' });
    }
  }
  return { branch, entries, clean: entries.length === 0 };
}

export function renderStatus(s: RepoStatus, shown: StatusEntry[], omitted: number): string {
  const lines: string[] = [];
  const b = s.branch;
  if (b.detached) lines.push(`HEAD detached at ${b.commit?.slice(0, 12) ?? '?'} (not on any branch).`);
  else if (!b.commit) lines.push(`On branch ${b.name}. No commits yet.`);
  else lines.push(`On branch ${b.name}.`);
  if (b.upstream) lines.push(`Upstream ${b.upstream}: ahead ${b.ahead ?? 0}, behind ${b.behind ?? 0}.`);
  if (s.in_progress) lines.push(`A ${s.in_progress} is in progress: resolve any conflicts, stage the result with git_add, then commit (or abort it with the git CLI).`);
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push('', `${title}:`, ...items.map((x) => `  ${x}`));
  };
  section('Unmerged paths (conflicts)', shown.filter((e) => e.kind === 'unmerged').map((e) => `${e.staged}: ${e.path}`));
  section(
    'Changes to be committed',
    shown.filter((e) => e.kind !== 'unmerged' && e.kind !== 'untracked' && e.staged !== 'unchanged').map((e) => `${e.staged}: ${e.old_path ? `${e.old_path} -> ` : ''}${e.path}`),
  );
  section(
    'Changes not staged for commit',
    shown.filter((e) => e.kind !== 'unmerged' && e.kind !== 'untracked' && e.unstaged !== 'unchanged').map((e) => `${e.unstaged}: ${e.path}`),
  );
  section('Untracked files', shown.filter((e) => e.kind === 'untracked').map((e) => e.path));
  if (s.clean) lines.push('', 'Nothing to commit, working tree clean.');
  if (omitted > 0) lines.push('', `[${omitted} more entries not shown.]`);
  return lines.join('\n');
}
