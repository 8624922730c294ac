/** One page of a GitHub list endpoint, mapped to compact items, with the Link header's next page. */
import type { GitHubClient } from './client.js';
import type { Json } from './compact.js';
import { pageInfo, type PageInfo } from './paging.js';

export interface Page<T> {
  items: T[];
  paging: PageInfo;
}

export async function listPage<T>(
  gh: GitHubClient,
  path: string,
  options: { query?: Record<string, string | number | boolean | undefined>; page: number; per_page: number; what: string; signal?: AbortSignal | undefined; pick?: (data: unknown) => unknown[] },
  map: (item: Json) => T,
): Promise<Page<T> & { data: unknown }> {
  const response = await gh.request<unknown>('GET', path, {
    query: { ...options.query, page: options.page, per_page: options.per_page },
    what: options.what,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const raw = options.pick ? options.pick(response.data) : Array.isArray(response.data) ? response.data : [];
  return { items: (raw as Json[]).map(map), paging: pageInfo(options.page, options.per_page, response.headers.link), data: response.data };
}
