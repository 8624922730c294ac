/** Branches, tags, remotes and merge bases: reading refs, never touching the network. */
import { RepoError } from './errors.js';
import type { Repo } from './repo.js';

export interface Branch {
  name: string;
  /** Full ref name, e.g. refs/heads/main or refs/remotes/origin/main. */
  ref: string;
  remote: boolean;
  current: boolean;
  commit: string;
  upstream: string | null;
  subject: string;
}

const BRANCH_FORMAT = '%(HEAD)%00%(refname)%00%(refname:short)%00%(objectname)%00%(upstream:short)%00%(contents:subject)';

export async function listBranches(
  repo: Repo,
  options: { type: 'local' | 'remote' | 'all'; contains?: string | undefined; notContains?: string | undefined },
): Promise<Branch[]> {
  const args = ['for-each-ref', `--format=${BRANCH_FORMAT}`, '--sort=refname'];
  if (options.contains) args.push(`--contains=${options.contains}`);
  if (options.notContains) args.push(`--no-contains=${options.notContains}`);
  if (options.type !== 'remote') args.push('refs/heads/');
  if (options.type !== 'local') args.push('refs/remotes/');
  const raw = await repo.readText(args);
  const branches: Branch[] = [];
  for (const line of raw.split('\n')) {
    if (!line) continue;
    const [head, ref, short, commit, upstream, subject] = line.split('\0');
    // refs/remotes/origin/HEAD is a pointer, not a branch.
    if (!ref || ref.endsWith('/HEAD')) continue;
    branches.push({ name: short!, ref, remote: ref.startsWith('refs/remotes/'), current: head === '*', commit: commit!, upstream: upstream || null, subject: subject ?? '' });
  }
  return branches;
}

export interface Tag {
  name: string;
  /** The commit the tag points at (peeled). */
  commit: string;
  annotated: boolean;
  /** Tag message subject for annotated tags, commit subject otherwise. */
  subject: string;
  /** Creation date (tagger date for annotated tags, commit date otherwise), ISO 8601. */
  date: string;
}

const TAG_FORMAT = '%(refname:short)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)%00%(contents:subject)';

export async function listTags(repo: Repo): Promise<Tag[]> {
  const raw = await repo.readText(['for-each-ref', `--format=${TAG_FORMAT}`, '--sort=-creatordate', 'refs/tags/']);
  const tags: Tag[] = [];
  for (const line of raw.split('\n')) {
    if (!line) continue;
    const [name, type, oid, peeled, date, subject] = line.split('\0');
    tags.push({ name: name!, annotated: type === 'tag', commit: (type === 'tag' ? peeled : oid) ?? '', subject: subject ?? '', date: date ?? '' });
  }
  return tags;
}

export interface Remote {
  name: string;
  /** Fetch URL with any password or token removed. */
  url: string | null;
  push_url: string | null;
}

export async function listRemotes(repo: Repo): Promise<Remote[]> {
  const r = await repo.read(['config', '--null', '--get-regexp', '^remote\\..+\\.(url|pushurl)$'], { okExitCodes: [0, 1] });
  const remotes = new Map<string, Remote>();
  for (const entry of r.stdout.toString('utf8').split('\0')) {
    if (!entry) continue;
    const nl = entry.indexOf('\n');
    const key = nl === -1 ? entry : entry.slice(0, nl);
    const value = nl === -1 ? '' : entry.slice(nl + 1);
    const m = /^remote\.(.+)\.(url|pushurl)$/i.exec(key);
    if (!m) continue;
    const name = m[1]!;
    const remote = remotes.get(name) ?? { name, url: null, push_url: null };
    if (m[2]!.toLowerCase() === 'url') remote.url ??= redactUrl(value);
    else remote.push_url ??= redactUrl(value);
    remotes.set(name, remote);
  }
  return [...remotes.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes credentials (user:password@ or token@) from a URL; scp-like `git@host:path` stays as is. */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*@)(.*)$/i.exec(url);
  if (!m) return url;
  const userinfo = m[2]!.slice(0, -1);
  // A bare user name such as "git" is not a secret; anything with a password, or a long token, is.
  const safe = !userinfo.includes(':') && /^[a-z_][a-z0-9_.-]{0,31}$/i.test(userinfo) && userinfo.length < 20;
  return safe ? url : `${m[1]}***@${m[3]}`;
}

export async function mergeBases(repo: Repo, a: string, b: string): Promise<string[]> {
  const r = await repo.read(['merge-base', '--all', a, b], { okExitCodes: [0, 1] });
  return r.stdout.toString('utf8').split('\n').filter(Boolean);
}

export async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  const r = await repo.read(['merge-base', '--is-ancestor', a, b], { okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

export async function refExists(repo: Repo, fullRef: string): Promise<boolean> {
  const r = await repo.read(['show-ref', '--verify', '--quiet', fullRef], { okExitCodes: [0, 1] });
  return r.exitCode === 0;
}

export function requireBranchType(value: string): 'local' | 'remote' | 'all' {
  if (value === 'local' || value === 'remote' || value === 'all') return value;
  throw new RepoError('invalid_argument', `branch_type "${value}" is not one of local, remote, all.`, 'use branch_type "local", "remote" or "all".');
}
