/** Releases: list, latest, create. */
import type { GitHubClient } from './client.js';
import { compactRelease, type Json } from './compact.js';
import { listPage } from './listing.js';
import { repoBase } from './paths.js';

type Signal = AbortSignal | undefined;

export function listReleases(gh: GitHubClient, a: { owner: string; repo: string; page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/releases`, { page: a.page, per_page: a.per_page, what: `releases of ${a.owner}/${a.repo}`, signal }, (r) => compactRelease(r));
}

export async function latestRelease(gh: GitHubClient, a: { owner: string; repo: string }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('GET', `${repoBase(a.owner, a.repo)}/releases/latest`, { what: `the latest published release of ${a.owner}/${a.repo}`, ...(signal ? { signal } : {}) });
  return compactRelease(r.data, true);
}

export async function createRelease(
  gh: GitHubClient,
  a: { owner: string; repo: string; tag_name: string; target_commitish?: string | undefined; name?: string | undefined; body?: string | undefined; draft?: boolean | undefined; prerelease?: boolean | undefined; generate_release_notes?: boolean | undefined },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const body: Json = { tag_name: a.tag_name };
  for (const k of ['target_commitish', 'name', 'body', 'draft', 'prerelease', 'generate_release_notes'] as const) if (a[k] !== undefined) body[k] = a[k];
  const r = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/releases`, {
    body,
    what: `creating release ${a.tag_name} in ${a.owner}/${a.repo}`,
    verify: `list_releases on ${a.owner}/${a.repo} shows whether ${a.tag_name} exists`,
    ...(signal ? { signal } : {}),
  });
  return compactRelease(r.data, true);
}
