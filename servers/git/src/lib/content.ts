/** Reading file contents out of git: a file at a revision, blame, and grep. Never through textconv. */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isPathInside } from '@portico/protocol';
import { RepoError } from './errors.js';
import { GitCommandError } from './git-runner.js';
import type { Repo } from './repo.js';

/** git's own test for binary content: a NUL byte in the first 8000 bytes. */
export function looksBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8000).includes(0);
}

export type FileAtRevision =
  | { type: 'blob'; size: number; binary: boolean; content: Buffer; complete: boolean }
  | { type: 'tree'; entries: Array<{ name: string; type: string }> };

/** The file (or folder) `rel` as it was in commit `oid`. Reads at most `maxBytes` of a blob. */
export async function fileAtRevision(repo: Repo, oid: string, rel: string, maxBytes: number): Promise<FileAtRevision> {
  const spec = `${oid}:${rel === '.' ? '' : rel}`;
  const found = await repo.read(['rev-parse', '--verify', '--quiet', '--end-of-options', spec], { okExitCodes: [0, 1, 128] });
  const object = found.stdout.toString('utf8').trim();
  if (found.exitCode !== 0 || !object) {
    throw new RepoError('not_found', `"${rel}" does not exist in commit ${oid.slice(0, 12)}.`, 'check the path with git_show (without path) or git_log with path, or list the folder by passing its path.');
  }
  const type = (await repo.readText(['cat-file', '-t', object])).trim();
  if (type === 'tree') {
    const raw = await repo.readText(['ls-tree', '-z', object]);
    const entries = raw
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const meta = line.slice(0, tab).split(' ');
        return { name: line.slice(tab + 1), type: meta[1] === 'tree' ? 'folder' : meta[1] === 'commit' ? 'submodule' : 'file' };
      });
    return { type: 'tree', entries };
  }
  if (type !== 'blob') throw new RepoError('not_a_file', `"${rel}" at ${oid.slice(0, 12)} is a ${type}, not a file.`);
  const size = Number((await repo.readText(['cat-file', '-s', object])).trim());
  const r = await repo.read(['cat-file', 'blob', object], { maxOutputBytes: maxBytes });
  return { type: 'blob', size, binary: looksBinary(r.stdout), content: r.stdout, complete: !r.truncated };
}

export interface BlameLine {
  line: number;
  commit: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  summary: string;
  content: string;
}

/** Blames lines start..end of `rel`, at commit `oid` or, when undefined, in the working tree. */
export async function blame(repo: Repo, rel: string, oid: string | undefined, start: number, end: number): Promise<{ lines: BlameLine[] }> {
  const ignoreRevs = (await ignoreRevsFilesInside(repo)).map((file) => `--ignore-revs-file=${file}`);
  const run = (from: number, to: number) =>
    repo.readText(['blame', '--porcelain', '--no-textconv', '--no-ignore-revs-file', ...ignoreRevs, `-L${from},${to}`, ...(oid ? [oid] : []), '--', rel]);
  let raw: string;
  try {
    raw = await run(start, end);
  } catch (error) {
    const m = error instanceof GitCommandError ? /has only (\d+) lines?/.exec(error.stderr) : null;
    if (!m) throw explainBlameFailure(error, rel);
    const fileLines = Number(m[1]);
    if (start > fileLines) {
      throw new RepoError('out_of_range', `start_line ${start} is past the end of ${rel} (${fileLines} lines).`, `use a start_line between 1 and ${fileLines}.`);
    }
    raw = await run(start, fileLines);
  }
  return { lines: parseBlamePorcelain(raw) };
}

/**
 * The repository's blame.ignoreRevsFile settings that name files inside it (a `.git-blame-ignore-revs` in the
 * working tree is the usual one). Blame is run with --no-ignore-revs-file and these passed back: a setting
 * naming a file elsewhere would make git read that file, and echo its first line when it is not a list of
 * commits; a missing file would make git fail.
 */
async function ignoreRevsFilesInside(repo: Repo): Promise<string[]> {
  const r = await repo.read(['config', '--null', '--path', '--get-all', 'blame.ignoreRevsFile'], { okExitCodes: [0, 1] });
  const out: string[] = [];
  for (const value of r.stdout.toString('utf8').split('\0')) {
    if (!value) continue;
    try {
      const real = realpathSync.native(resolve(repo.top, value));
      if (isPathInside(repo.top, real) && statSync(real).isFile()) out.push(real);
    } catch {
      // Missing: git would stop with an error; without it the blame simply ignores no revisions.
    }
  }
  return out;
}

function explainBlameFailure(error: unknown, rel: string): unknown {
  if (error instanceof GitCommandError && /no such path|no such ref|cannot stat/i.test(error.stderr)) {
    return new RepoError('not_found', `"${rel}" is not a tracked file at that revision.`, 'pass a file that git tracks (see git_status / git_show with path).');
  }
  return error;
}

export function parseBlamePorcelain(raw: string): BlameLine[] {
  const commits = new Map<string, { author: string; time: number; summary: string }>();
  const lines: BlameLine[] = [];
  let current: { commit: string; line: number } | undefined;
  let pending: { author: string; time: number; summary: string } = { author: '', time: 0, summary: '' };
  for (const row of raw.split('\n')) {
    if (row.startsWith('\t')) {
      if (!current) continue;
      const info = commits.get(current.commit) ?? pending;
      commits.set(current.commit, info);
      lines.push({ line: current.line, commit: current.commit, author: info.author, date: new Date(info.time * 1000).toISOString(), summary: info.summary, content: row.slice(1) });
      current = undefined;
      continue;
    }
    const header = /^([0-9a-f]{40,64}) \d+ (\d+)(?: \d+)?$/.exec(row);
    if (header) {
      current = { commit: header[1]!, line: Number(header[2]) };
      pending = commits.get(current.commit) ?? { author: '', time: 0, summary: '' };
      if (!commits.has(current.commit)) commits.set(current.commit, pending);
      continue;
    }
    const space = row.indexOf(' ');
    const key = space === -1 ? row : row.slice(0, space);
    const value = space === -1 ? '' : row.slice(space + 1);
    if (key === 'author') pending.author = value;
    else if (key === 'author-time') pending.time = Number(value);
    else if (key === 'summary') pending.summary = value;
  }
  return lines;
}

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
}

/** Searches tracked files (working tree, or commit `oid`). Returns at most `max` matches. */
export async function grep(
  repo: Repo,
  /** paths: pathspecs with their magic spelled out (access.ts repoPathspecs). */
  options: { pattern: string; fixed: boolean; ignoreCase: boolean; oid?: string | undefined; paths?: string[] | undefined; max: number },
): Promise<{ matches: GrepMatch[]; more: boolean }> {
  const args = ['grep', '-n', '-z', '-I', '--no-color', '--full-name', '--no-textconv', options.fixed ? '-F' : '-E'];
  if (options.ignoreCase) args.push('-i');
  args.push('-e', options.pattern);
  if (options.oid) args.push(options.oid);
  args.push('--');
  // In the working tree, git grep opens each tracked file by its path and would follow a tracked folder that
  // has since been replaced by a symbolic link (to anywhere). Such folders are left out, as git status
  // treats what lies beyond a link: as not there.
  const linked = options.oid ? [] : await symlinkedTrackedFolders(repo);
  // Every pathspec spells out its magic (the paths come from repoPathspecs), so literal pathspecs are off.
  args.push(...(options.paths ?? []), ...linked.map((d) => `:(exclude,literal)${d}`));
  // Generous for `max` matches of long lines; git is ended once this much has been read.
  let r;
  try {
    r = await repo.read(args, { okExitCodes: [0, 1], maxOutputBytes: Math.max(64 * 1024, options.max * 2048), literalPathspecs: false });
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 128 && /-e option|regex|regular expression|unmatched|invalid|parenthes|bracket|repetition/i.test(error.stderr)) {
      throw new RepoError('invalid_pattern', `git grep refused the pattern: ${error.stderr.trim().split('\n')[0]}`, 'fix the regular expression, or pass fixed_strings=true to search for the text literally.');
    }
    throw error;
  }
  const prefix = options.oid ? `${options.oid}:` : '';
  const matches: GrepMatch[] = [];
  let more = r.truncated;
  for (const row of r.stdout.toString('utf8').split('\n')) {
    if (!row) continue;
    const [path, line, ...rest] = row.split('\0');
    if (path === undefined || line === undefined || rest.length === 0) continue;
    if (matches.length >= options.max) {
      more = true;
      break;
    }
    const text = rest.join('\0');
    matches.push({ path: path.startsWith(prefix) ? path.slice(prefix.length) : path, line: Number(line), text: text.length > 500 ? `${text.slice(0, 500)}…` : text });
  }
  return { matches, more };
}

/** Largest `git ls-files` listing read to find linked folders (~50 bytes a path: millions of files). */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/**
 * Folders of tracked files that are symbolic links in the working tree, outermost only, relative to the top
 * level. Each folder holding tracked files is checked once with lstat, parents before children.
 */
export async function symlinkedTrackedFolders(repo: Repo): Promise<string[]> {
  const r = await repo.read(['ls-files', '-z'], { maxOutputBytes: MAX_LISTING_BYTES });
  if (r.truncated) throw new RepoError('too_large', 'the repository tracks too many files to search its working tree safely.', 'search a revision instead (pass revision, e.g. "HEAD"), or pass paths.');
  const folders = new Set<string>();
  for (const path of r.stdout.toString('utf8').split('\0')) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) folders.add(path.slice(0, slash));
  }
  const linked: string[] = [];
  const linkedSet = new Set<string>();
  const insideLinked = (folder: string) => {
    for (let slash = folder.indexOf('/'); slash !== -1; slash = folder.indexOf('/', slash + 1)) if (linkedSet.has(folder.slice(0, slash))) return true;
    return false;
  };
  // Sorted, a folder comes before the folders inside it: those of a linked one are skipped, never lstat'ed
  // through the link.
  for (const folder of [...folders].sort()) {
    if (insideLinked(folder)) continue;
    let isLink = false;
    try {
      isLink = lstatSync(join(repo.top, folder)).isSymbolicLink();
    } catch {
      // Gone from the working tree: git grep skips missing files by itself.
    }
    if (isLink) {
      linked.push(folder);
      linkedSet.add(folder);
    }
  }
  return linked;
}
