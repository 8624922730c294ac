/** Repository-level reads and writes: commits, branches, tags, creating and forking repositories. */
import type { GitHubClient } from './client.js';
import { compactCommit, compactRepo, type Json } from './compact.js';
import { GitHubApiError } from './errors.js';
import { listPage } from './listing.js';
import { encodeSegment, repoBase } from './paths.js';
import type { RepoSummary } from './shapes.js';

type Signal = AbortSignal | undefined;

export function listCommits(gh: GitHubClient, a: { owner: string; repo: string; sha?: string | undefined; path?: string | undefined; page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/commits`, { query: { sha: a.sha, path: a.path }, page: a.page, per_page: a.per_page, what: `commits of ${a.owner}/${a.repo}${a.sha ? ` from ${a.sha}` : ''}`, signal }, compactCommit);
}

export async function getCommit(gh: GitHubClient, a: { owner: string; repo: string; ref: string; maxFiles: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const response = await gh.request<Json>('GET', `${repoBase(a.owner, a.repo)}/commits/${encodeSegment(a.ref)}`, { what: `commit ${a.ref} of ${a.owner}/${a.repo}`, ...(signal ? { signal } : {}) });
  const d = response.data;
  const stats = (d.stats ?? {}) as Json;
  const files = Array.isArray(d.files) ? (d.files as Json[]) : [];
  return {
    ...compactCommit(d),
    parents: Array.isArray(d.parents) ? (d.parents as Json[]).map((p) => String(p.sha)) : [],
    stats: { additions: Number(stats.additions ?? 0), deletions: Number(stats.deletions ?? 0), total: Number(stats.total ?? 0) },
    files: files.slice(0, a.maxFiles).map((f) => ({ filename: String(f.filename ?? ''), status: String(f.status ?? ''), additions: Number(f.additions ?? 0), deletions: Number(f.deletions ?? 0), changes: Number(f.changes ?? 0) })),
    files_total: files.length,
  };
}

export function listBranches(gh: GitHubClient, a: { owner: string; repo: string; page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/branches`, { page: a.page, per_page: a.per_page, what: `branches of ${a.owner}/${a.repo}`, signal }, (b) => ({
    name: String(b.name ?? ''),
    sha: String((b.commit as Json | undefined)?.sha ?? ''),
    protected: b.protected === true,
  }));
}

export function listTags(gh: GitHubClient, a: { owner: string; repo: string; page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/tags`, { page: a.page, per_page: a.per_page, what: `tags of ${a.owner}/${a.repo}`, signal }, (t) => ({
    name: String(t.name ?? ''),
    sha: String((t.commit as Json | undefined)?.sha ?? ''),
  }));
}

export async function createRepository(gh: GitHubClient, a: { name: string; description?: string | undefined; private?: boolean | undefined; autoInit?: boolean | undefined }, signal: Signal): Promise<RepoSummary> {
  if (gh.allowList.restricted) {
    // The new repository lands under the token's user: check that name before creating anything.
    const me = await gh.identity(signal);
    if (!me.login) throw new GitHubApiError('cannot tell which account would own the new repository, so GITHUB_REPOSITORIES cannot be checked.', 'forbidden', undefined, undefined);
    gh.assertRepo(me.login, a.name);
  }
  const response = await gh.request<Json>('POST', '/user/repos', {
    body: { name: a.name, ...(a.description !== undefined ? { description: a.description } : {}), ...(a.private !== undefined ? { private: a.private } : {}), ...(a.autoInit !== undefined ? { auto_init: a.autoInit } : {}) },
    what: `creating repository "${a.name}"`,
    verify: `search_repositories with "user:<your login> ${a.name} in:name" (get_me gives the login) shows whether it exists`,
    ...(signal ? { signal } : {}),
  });
  return compactRepo(response.data);
}

export async function forkRepository(gh: GitHubClient, a: { owner: string; repo: string; organization?: string | undefined }, signal: Signal): Promise<RepoSummary & { parent: string | null }> {
  gh.assertRepo(a.owner, a.repo);
  if (gh.allowList.restricted) {
    const destination = a.organization ?? (await gh.identity(signal)).login;
    if (!destination) throw new GitHubApiError('cannot tell which account would own the fork, so GITHUB_REPOSITORIES cannot be checked.', 'forbidden', 'pass organization explicitly.', undefined);
    gh.assertRepo(destination, a.repo);
  }
  const response = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/forks`, {
    body: a.organization ? { organization: a.organization } : {},
    what: `forking ${a.owner}/${a.repo}`,
    verify: `search_repositories with "${a.repo} fork:only" and your account or organization shows whether the fork exists`,
    ...(signal ? { signal } : {}),
  });
  return { ...compactRepo(response.data), parent: typeof (response.data.parent as Json | undefined)?.full_name === 'string' ? String((response.data.parent as Json).full_name) : `${a.owner}/${a.repo}` };
}
