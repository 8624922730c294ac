/** Commit history as structured records, paged with skip/max_count. */
import type { Repo } from './repo.js';
import { checkDate, checkText } from './validate.js';

export interface Commit {
  hash: string;
  short_hash: string;
  parents: string[];
  author_name: string;
  author_email: string;
  /** Author date, ISO 8601. */
  date: string;
  committer_name: string;
  /** Committer date, ISO 8601. */
  committed_at: string;
  subject: string;
  /** The message after the subject line (may be empty). */
  body: string;
  /** Decorations: branches and tags pointing here. */
  refs: string[];
}

// One field per placeholder, separated by NUL; `-z` separates commits by NUL too, so a commit is exactly
// FIELDS tokens. Commit messages cannot contain NUL, so the split is exact.
const FORMAT = ['%H', '%h', '%P', '%an', '%ae', '%aI', '%cn', '%cI', '%s', '%b', '%D'].join('%x00');
const FIELDS = 11;

export const COMMIT_FORMAT_ARGS = [`--format=${FORMAT}`, '-z'];

export function parseCommits(raw: string): Commit[] {
  const tokens = raw.split('\0');
  const commits: Commit[] = [];
  for (let i = 0; i + FIELDS <= tokens.length; i += FIELDS) {
    const t = tokens.slice(i, i + FIELDS);
    // With -z, the separator between commits replaces the newline git would put after the format.
    const hash = t[0]!.replace(/^\n/, '');
    if (!/^[0-9a-f]{40,64}$/.test(hash)) break;
    commits.push({
      hash,
      short_hash: t[1]!,
      parents: t[2] ? t[2].split(' ') : [],
      author_name: t[3]!,
      author_email: t[4]!,
      date: t[5]!,
      committer_name: t[6]!,
      committed_at: t[7]!,
      subject: t[8]!,
      body: t[9]!.replace(/\n+$/, ''),
      refs: t[10] ? t[10].split(', ').filter(Boolean) : [],
    });
  }
  return commits;
}

export interface LogQuery {
  maxCount: number;
  skip: number;
  /** A resolved commit hash to start from (default HEAD). */
  from?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Literal substring of the author name or e-mail. */
  author?: string | undefined;
  /** Literal substring of the commit message. */
  grep?: string | undefined;
  /** Pathspecs with their magic spelled out (access.ts repoPathspecs): git reads them with literal pathspecs off. */
  paths?: string[] | undefined;
  /** Include commits reachable from every branch and tag, not only from `from`. */
  all?: boolean | undefined;
}

export interface LogPage {
  commits: Commit[];
  /** Skip value for the next page, or null when this was the last. */
  nextSkip: number | null;
}

export async function readLog(repo: Repo, q: LogQuery): Promise<LogPage> {
  const args = ['log', ...COMMIT_FORMAT_ARGS, '--no-color', `--max-count=${q.maxCount + 1}`, `--skip=${q.skip}`];
  if (q.since) args.push(`--since=${checkDate(q.since, 'start_timestamp')}`);
  if (q.until) args.push(`--until=${checkDate(q.until, 'end_timestamp')}`);
  if (q.author !== undefined || q.grep !== undefined) args.push('--fixed-strings', '--regexp-ignore-case');
  if (q.author !== undefined) args.push(`--author=${checkText(q.author, 'author', 500)}`);
  if (q.grep !== undefined) args.push(`--grep=${checkText(q.grep, 'message', 500)}`);
  if (q.all) args.push('--all');
  else args.push(q.from ?? 'HEAD');
  args.push('--');
  if (q.paths) args.push(...q.paths);
  const raw = await repo.readText(args, { literalPathspecs: false });
  const commits = parseCommits(raw);
  const more = commits.length > q.maxCount;
  return { commits: commits.slice(0, q.maxCount), nextSkip: more ? q.skip + q.maxCount : null };
}

export async function readCommit(repo: Repo, oid: string): Promise<Commit> {
  const raw = await repo.readText(['log', ...COMMIT_FORMAT_ARGS, '--no-color', '--max-count=1', oid, '--']);
  const [commit] = parseCommits(raw);
  if (!commit) throw new Error(`git log printed no commit for ${oid}`);
  return commit;
}

/** The official server's rendering, kept so drop-in users see the same shape. */
export function renderCommit(c: Commit): string {
  const refs = c.refs.length ? ` (${c.refs.join(', ')})` : '';
  const message = c.body ? `${c.subject}\n\n${c.body}` : c.subject;
  return `Commit: ${c.hash}${refs}\nAuthor: ${c.author_name} <${c.author_email}>\nDate: ${c.date}\nMessage: ${message}\n`;
}
