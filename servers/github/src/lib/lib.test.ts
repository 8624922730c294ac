import { describe, expect, it } from 'vitest';
import { RepositoryAllowList } from './allowlist.js';
import { gitBlobSha } from './contents.js';
import { explainGitHubError, rateLimitWait } from './errors.js';
import { nextPageHint, pageInfo, parseLinkHeader, resolvePaging, searchPageInfo } from './paging.js';
import { encodePath, repoBase, repoPathProblem } from './paths.js';
import { fixtureHeaders, fixtureResponse } from '../testing/fake-github.js';

describe('RepositoryAllowList', () => {
  it('matches exact names and owner/* patterns, case-insensitively', () => {
    const list = new RepositoryAllowList(['acme/widgets', 'other/*']);
    expect(list.allows('acme', 'widgets')).toBe(true);
    expect(list.allows('ACME', 'Widgets')).toBe(true);
    expect(list.allows('other', 'anything')).toBe(true);
    expect(list.allows('acme', 'secret')).toBe(false);
    expect(list.allowsFullName('acme/widgets/extra')).toBe(false);
    expect(list.allowsFullName(null)).toBe(false);
    expect(new RepositoryAllowList([]).allows('x', 'y')).toBe(true);
    expect(() => list.assert('acme', 'secret')).toThrow(/acme\/secret is outside/);
  });

  it('validates operator patterns', () => {
    expect(RepositoryAllowList.problemWith('acme')).toMatch(/not owner\/repo/);
    expect(RepositoryAllowList.problemWith('acme/..')).toMatch(/not a repository name/);
    expect(RepositoryAllowList.problemWith('ac me/x')).toMatch(/not a GitHub owner/);
    expect(RepositoryAllowList.problemWith('*/*')).toBeUndefined();
  });
});

describe('paging', () => {
  it('reads next and last pages from a recorded Link header (paginate-issues fixture)', () => {
    const link = fixtureHeaders('paginate-issues', 0).link;
    expect(parseLinkHeader(link)).toEqual({ next: 2, last: 5 });
    expect(pageInfo(1, 3, link)).toEqual({ page: 1, per_page: 3, next_page: 2, last_page: 5 });
    expect(nextPageHint(pageInfo(1, 3, link))).toContain('call again with page=2');
    expect(parseLinkHeader(undefined)).toEqual({ next: null, last: null });
  });

  it('accepts perPage and per_page, clamped', () => {
    expect(resolvePaging({ perPage: 5 })).toEqual({ page: 1, per_page: 5 });
    expect(resolvePaging({ per_page: 500, page: 0 })).toEqual({ page: 1, per_page: 100 });
    expect(resolvePaging({})).toEqual({ page: 1, per_page: 30 });
  });

  it('search paging caps at the 1000 reachable results', () => {
    expect(searchPageInfo(10, 100, 50_000, undefined)).toMatchObject({ next_page: null, last_page: 10 });
    expect(searchPageInfo(1, 30, 31, undefined)).toMatchObject({ next_page: 2 });
  });
});

describe('paths', () => {
  it('encodes every segment on its own', () => {
    expect(encodePath('/docs/a b#?.md/')).toBe('docs/a%20b%23%3F.md');
    expect(encodePath('{x}/%')).toBe('%7Bx%7D/%25');
    expect(repoBase('a', 'b.c')).toBe('/repos/a/b.c');
    expect(repoPathProblem('a/../b')).toMatch(/\.\./);
    expect(repoPathProblem('a/b')).toBeUndefined();
  });
});

describe('explainGitHubError', () => {
  const err = (status: number, data: unknown, headers: Record<string, string> = {}) => ({ status, message: 'x', response: { data, headers } });

  it('spells out the recorded 422 (errors fixture) with the field', () => {
    const recorded = fixtureResponse('errors', 0);
    const e = explainGitHubError(err(422, recorded), 'creating a label');
    expect(e.message).toBe('GitHub rejected the input for creating a label (422 Validation Failed). field "color" of Label: the value is not valid.');
    expect(e.code).toBe('validation_failed');
  });

  it('404, 409, 401, 5xx', () => {
    expect(explainGitHubError(err(404, { message: 'Not Found' }), 'repository a/b').message).toMatch(/^repository a\/b was not found, or the token has no access/);
    expect(explainGitHubError(err(409, { message: 'Git Repository is empty.' }), 'x').message).toMatch(/409 Conflict.*Git Repository is empty/);
    expect(explainGitHubError(err(401, { message: 'Bad credentials' }), 'x').code).toBe('unauthorized');
    expect(explainGitHubError(err(503, 'unavailable'), 'x').code).toBe('upstream_error');
  });

  it('rate limits carry the reset time', () => {
    const reset = 2_000_000_000;
    const e = explainGitHubError(err(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }), 'listing');
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain(new Date(reset * 1000).toISOString());
    expect(rateLimitWait({ 'retry-after': '30' }, 0)).toEqual({ seconds: 30, at: new Date(30_000) });
  });

  it('a scope the token has is not reported as missing', () => {
    const e = explainGitHubError(err(403, { message: 'Forbidden' }, { 'x-accepted-oauth-scopes': 'repo', 'x-oauth-scopes': 'repo, user' }), 'x');
    expect(e.code).toBe('forbidden');
  });
});

describe('gitBlobSha', () => {
  it('is the object id git gives the same bytes (values from `git hash-object`, SHA-1 and SHA-256 repositories)', () => {
    expect(gitBlobSha(Buffer.from('hello\n'), 'sha1')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(gitBlobSha(Buffer.from('hello\n'), 'sha256')).toBe('2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4');
  });
});
