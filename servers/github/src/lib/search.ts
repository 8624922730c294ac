/**
 * Search across GitHub. When GITHUB_REPOSITORIES is set, results outside it are dropped before anything is
 * returned (the count of dropped results is reported, never their content).
 */
import type { GitHubClient } from './client.js';
import { compactIssue, compactRepo, type Json } from './compact.js';
import { searchPageInfo, type PageInfo } from './paging.js';

type Signal = AbortSignal | undefined;

export interface SearchPage<T> {
  total_count: number;
  incomplete_results: boolean;
  items: T[];
  /** Results on this page left out because their repository is outside GITHUB_REPOSITORIES. */
  hidden_outside_allowlist: number;
  paging: PageInfo;
}

async function search<T>(
  gh: GitHubClient,
  kind: 'repositories' | 'code' | 'issues' | 'users',
  a: { q: string; sort?: string | undefined; order?: string | undefined; page: number; per_page: number },
  repoOf: ((item: Json) => string | null) | undefined,
  map: (item: Json) => T,
  signal: Signal,
): Promise<SearchPage<T>> {
  const r = await gh.request<Json>('GET', `/search/${kind}`, {
    query: { q: a.q, sort: a.sort, order: a.order, page: a.page, per_page: a.per_page },
    what: `searching ${kind} for "${a.q}"`,
    ...(signal ? { signal } : {}),
  });
  const raw = Array.isArray(r.data.items) ? (r.data.items as Json[]) : [];
  const kept = repoOf && gh.allowList.restricted ? raw.filter((item) => gh.allowList.allowsFullName(repoOf(item))) : raw;
  const total = Number(r.data.total_count ?? 0);
  return {
    total_count: total,
    incomplete_results: r.data.incomplete_results === true,
    items: kept.map(map),
    hidden_outside_allowlist: raw.length - kept.length,
    paging: searchPageInfo(a.page, a.per_page, total, r.headers.link),
  };
}

export const searchRepositories = (gh: GitHubClient, a: { q: string; sort?: string | undefined; order?: string | undefined; page: number; per_page: number }, signal: Signal) =>
  search(gh, 'repositories', a, (i) => (typeof i.full_name === 'string' ? i.full_name : null), compactRepo, signal);

export const searchCode = (gh: GitHubClient, a: { q: string; sort?: string | undefined; order?: string | undefined; page: number; per_page: number }, signal: Signal) =>
  search(gh, 'code', a, (i) => (typeof (i.repository as Json | undefined)?.full_name === 'string' ? String((i.repository as Json).full_name) : null), (i) => ({
    repository: String((i.repository as Json | undefined)?.full_name ?? ''),
    path: String(i.path ?? ''),
    sha: String(i.sha ?? ''),
    html_url: String(i.html_url ?? ''),
  }), signal);

export const searchIssues = (gh: GitHubClient, a: { q: string; sort?: string | undefined; order?: string | undefined; page: number; per_page: number }, signal: Signal) =>
  search(gh, 'issues', a, (i) => compactIssue(i).repository, (i) => compactIssue(i), signal);

/** Users are not repositories: the allow-list does not filter them. */
export const searchUsers = (gh: GitHubClient, a: { q: string; sort?: string | undefined; order?: string | undefined; page: number; per_page: number }, signal: Signal) =>
  search(gh, 'users', a, undefined, (u) => ({ login: String(u.login ?? ''), type: String(u.type ?? ''), html_url: String(u.html_url ?? '') }), signal);
