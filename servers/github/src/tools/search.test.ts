import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../testing/harness.js';
import { expectNoTokenLeak } from '../testing/leaks.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expectNoTokenLeak(h);
  await h.close();
});

describe('search without an allow-list', () => {
  it('search_repositories takes query/page/perPage (archived names)', async () => {
    const r = await h.call('search_repositories', { query: 'widgets', perPage: 2 });
    const s = r.structuredContent as { repositories: { full_name: string }[]; total_count: number; paging: { next_page: number | null } };
    expect(s.total_count).toBe(3);
    expect(s.repositories).toHaveLength(2);
    expect(s.paging.next_page).toBe(2);
    expect(h.fake.server.requests.some((q) => q.url.startsWith('/search/repositories?q=widgets'))).toBe(true);
  });

  it('search_code finds file contents', async () => {
    const r = await h.call('search_code', { q: 'library repo:acme/widgets' });
    const s = r.structuredContent as { items: { repository: string; path: string }[] };
    expect(s.items).toEqual([expect.objectContaining({ repository: 'acme/widgets', path: 'README.md' })]);
  });

  it('search_issues returns recorded-shape results with their repository', async () => {
    const r = await h.call('search_issues', { q: 'widgets', sort: 'created', order: 'asc' });
    const s = r.structuredContent as { items: { repository: string; title: string }[] };
    expect(s.items.map((i) => `${i.repository}: ${i.title}`)).toEqual(['acme/secret: Secret widgets issue']);
    expect(textOf(r)).toContain('Secret widgets issue');
  });

  it('search_users', async () => {
    const r = await h.call('search_users', { q: 'fixture', sort: 'followers', per_page: 1 });
    const s = r.structuredContent as { items: { login: string; type: string }[]; paging: { next_page: number | null } };
    expect(s.items).toEqual([{ login: 'octokit-fixture-user-a', type: 'User', html_url: 'https://github.com/octokit-fixture-user-a' }]);
    expect(s.paging.next_page).toBe(2);
  });

  it('an empty query is refused by the schema', async () => {
    const r = await h.call('search_code', { q: '' });
    expect(r.isError).toBe(true);
  });
});
