/**
 * Diffs: the patch text (cut to a budget, with an offset to continue) and a per-file summary from
 * --numstat in which binary files are flagged instead of dumped. Never an external diff program or a
 * textconv filter: the repository could name any program there.
 */
import type { Repo } from './repo.js';

/**
 * Options every diff-producing command gets. `--ignore-submodules=dirty` (as git_status has): to tell whether
 * a checked-out submodule has local changes, git would start another git inside it, under the submodule's
 * own config (its includes, excludes and attributes files, its filter drivers), none of which is checked.
 * Submodule commits that differ are still shown.
 */
export const SAFE_DIFF_ARGS = ['--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=dirty'];

export interface DiffSpec {
  /** `unstaged` = working tree vs index; `staged` = index vs HEAD; `commits` = between two commits or one commit and the working tree. */
  kind: 'unstaged' | 'staged' | 'commits';
  /** Resolved commit hashes for kind=commits: [from] (vs working tree) or [from, to]. */
  commits?: string[];
  /** `a...b`: compare b with the merge base of a and b. */
  mergeBase?: boolean;
  contextLines: number;
  /** Pathspecs with their magic spelled out (access.ts repoPathspecs): git reads them with literal pathspecs off. */
  paths?: string[] | undefined;
}

export interface FileChange {
  path: string;
  /** For renames and copies, the path before. */
  old_path?: string;
  /** Lines added; null for binary files. */
  added: number | null;
  /** Lines deleted; null for binary files. */
  deleted: number | null;
  binary: boolean;
}

function specArgs(spec: DiffSpec): string[] {
  const args: string[] = [];
  if (spec.kind === 'staged') args.push('--cached');
  if (spec.kind === 'commits') {
    const [a, b] = spec.commits ?? [];
    if (a && b && spec.mergeBase) args.push(`${a}...${b}`);
    else if (a && b) args.push(a, b);
    else if (a) args.push(a);
  }
  args.push('--');
  if (spec.paths) args.push(...spec.paths);
  return args;
}

/** The patch, reading at most `maxBytes` of git's output. */
export async function diffPatch(repo: Repo, spec: DiffSpec, maxBytes: number): Promise<{ text: string; complete: boolean }> {
  const r = await repo.read(['diff', ...SAFE_DIFF_ARGS, `--unified=${spec.contextLines}`, ...specArgs(spec)], { maxOutputBytes: maxBytes, literalPathspecs: false });
  return { text: decodeCut(r.stdout, r.truncated), complete: !r.truncated };
}

/** Per-file added/deleted counts; binary files have null counts and binary=true. */
export async function diffFiles(repo: Repo, spec: DiffSpec): Promise<FileChange[]> {
  const r = await repo.read(['diff', ...SAFE_DIFF_ARGS, '--numstat', '-z', '-M', ...specArgs(spec)], { literalPathspecs: false });
  return parseNumstat(r.stdout.toString('utf8'));
}

/**
 * `--numstat -z`: "added\tdeleted\tpath\0" or, for renames, "added\tdeleted\t\0old\0new\0".
 * Binary files show "-" for both counts.
 */
export function parseNumstat(raw: string): FileChange[] {
  const tokens = raw.split('\0');
  const files: FileChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n/, '');
    if (!token) continue;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(token);
    if (!m) continue;
    const binary = m[1] === '-' && m[2] === '-';
    const counts = { added: binary ? null : Number(m[1]), deleted: binary ? null : Number(m[2]), binary };
    if (m[3] === '') {
      const oldPath = tokens[++i] ?? '';
      const newPath = tokens[++i] ?? '';
      files.push({ path: newPath, old_path: oldPath, ...counts });
    } else {
      files.push({ path: m[3]!, ...counts });
    }
  }
  return files;
}

export function renderFileSummary(files: FileChange[]): string {
  return files
    .map((f) => {
      const name = f.old_path ? `${f.old_path} => ${f.path}` : f.path;
      return f.binary ? `${name} | binary` : `${name} | +${f.added} -${f.deleted}`;
    })
    .join('\n');
}

/** Decodes UTF-8, dropping a multi-byte character that the cut split in two. */
export function decodeCut(buffer: Buffer, cut: boolean): string {
  const text = buffer.toString('utf8');
  return cut && text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
}
