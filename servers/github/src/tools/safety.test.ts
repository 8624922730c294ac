/** The guarantees: allow-list, token checks and secrecy, rate limits, error wording, tool selection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropInProblems, toolInvariantProblems } from '@portico/protocol/testing';
import { startHarness, textOf, type Harness } from '../testing/harness.js';
import { expectNoTokenLeak } from '../testing/leaks.js';
import { DROP_IN_PARAMS } from '../testing/drop-in.js';
import { RepositoryNotAllowedError } from '../lib/allowlist.js';

describe('GITHUB_REPOSITORIES allow-list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ repositories: 'acme/widgets,other/*' });
  });
  afterAll(async () => {
    expectNoTokenLeak(h);
    await h.close();
  });

  const secret = { owner: 'acme', repo: 'secret' };
  const calls: [string, Record<string, unknown>][] = [
    ['get_file_contents', { ...secret, path: 'plans.md' }],
    ['create_or_update_file', { ...secret, path: 'x', content: 'x', message: 'x', branch: 'main' }],
    ['push_files', { ...secret, branch: 'main', message: 'x', files: [{ path: 'x', content: 'x' }] }],
    ['create_branch', { ...secret, branch: 'x' }],
    ['list_commits', secret],
    ['get_commit', { ...secret, sha: 'main' }],
    ['list_branches', secret],
    ['list_tags', secret],
    ['fork_repository', secret],
    ['list_issues', secret],
    ['get_issue', { ...secret, issue_number: 1 }],
    ['create_issue', { ...secret, title: 'x' }],
    ['update_issue', { ...secret, issue_number: 1, state: 'closed' }],
    ['add_issue_comment', { ...secret, issue_number: 1, body: 'x' }],
    ['list_issue_comments', { ...secret, issue_number: 1 }],
    ['get_pull_request', { ...secret, pull_number: 1 }],
    ['list_pull_requests', secret],
    ['create_pull_request', { ...secret, title: 'x', head: 'a', base: 'b' }],
    ['create_pull_request_review', { ...secret, pull_number: 1, body: 'x', event: 'APPROVE' }],
    ['merge_pull_request', { ...secret, pull_number: 1 }],
    ['get_pull_request_files', { ...secret, pull_number: 1 }],
    ['get_pull_request_status', { ...secret, pull_number: 1 }],
    ['update_pull_request_branch', { ...secret, pull_number: 1 }],
    ['get_pull_request_comments', { ...secret, pull_number: 1 }],
    ['get_pull_request_reviews', { ...secret, pull_number: 1 }],
    ['get_pull_request_diff', { ...secret, pull_number: 1 }],
    ['list_workflow_runs', secret],
    ['get_workflow_run', { ...secret, run_id: 1 }],
    ['get_job_logs', { ...secret, job_id: 1 }],
    ['rerun_workflow', { ...secret, run_id: 1 }],
    ['list_releases', secret],
    ['get_latest_release', secret],
    ['create_release', { ...secret, tag_name: 'v1' }],
  ];

  it('refuses every repository tool outside the list, sending zero requests there', async () => {
    for (const [name, args] of calls) {
      const r = await h.call(name, args);
      expect(r.isError, name).toBe(true);
      expect(textOf(r), name).toMatch(/acme\/secret is outside the repositories this server may use .*No request was sent/);
    }
    expect(h.fake.requestsFor('acme/secret')).toEqual([]);
  });

  it('the fetch layer refuses a disallowed repository on its own too, at once and without a request', async () => {
    const before = h.fake.server.requests.length;
    // The guard's own error comes back (not a wrapped RequestError), so neither plugin retried it.
    await expect(h.deps.github.octokit.request('GET /repos/{owner}/{repo}/issues', { owner: 'acme', repo: 'secret' })).rejects.toBeInstanceOf(RepositoryNotAllowedError);
    expect(h.fake.server.requests.length).toBe(before);
  });

  it('allows listed repositories and patterns, case-insensitively', async () => {
    expect((await h.call('get_issue', { owner: 'ACME', repo: 'Widgets', issue_number: 1 })).isError).toBeFalsy();
    expect((await h.call('list_commits', { owner: 'other', repo: 'thing' })).isError).toBeFalsy();
  });

  it('forks and new repositories must land inside the list too', async () => {
    const fork = await h.call('fork_repository', { owner: 'acme', repo: 'widgets', organization: 'elsewhere' });
    expect(fork.isError).toBe(true);
    expect(textOf(fork)).toMatch(/elsewhere\/widgets is outside/);
    const created = await h.call('create_repository', { name: 'anything' });
    expect(created.isError).toBe(true);
    expect(textOf(created)).toMatch(/octokit-fixture-user-a\/anything is outside/);
    expect(h.fake.server.requests.some((q) => q.method === 'POST' && (q.url.endsWith('/forks') || q.url === '/user/repos'))).toBe(false);
  });

  it('filters search results outside the list and says how many', async () => {
    const repos = await h.call('search_repositories', { query: 'widgets' });
    const r = repos.structuredContent as { repositories: { full_name: string }[]; hidden_outside_allowlist: number };
    expect(r.repositories.map((x) => x.full_name).sort()).toEqual(['acme/widgets', 'other/thing']);
    expect(r.hidden_outside_allowlist).toBe(1);
    expect(textOf(repos)).not.toContain('acme/secret');

    const issues = await h.call('search_issues', { q: 'widgets' });
    expect(issues.structuredContent).toMatchObject({ items: [], hidden_outside_allowlist: 1 });
    expect(JSON.stringify(issues)).not.toContain('Secret widgets issue');

    const code = await h.call('search_code', { q: 'widget' });
    const c = code.structuredContent as { items: { repository: string }[]; hidden_outside_allowlist: number };
    expect(c.items.every((i) => i.repository !== 'acme/secret')).toBe(true);
    expect(c.hidden_outside_allowlist).toBe(1);
  });

  it('get_me reports the limit', async () => {
    const r = await h.call('get_me');
    expect(r.structuredContent).toMatchObject({ login: 'octokit-fixture-user-a', repositories: ['acme/widgets', 'other/*'], scopes: ['repo', 'user', 'workflow'] });
  });
});

describe('the token', () => {
  it('is checked once, at first use', async () => {
    const h = await startHarness();
    try {
      await h.call('get_issue', { owner: 'acme', repo: 'widgets', issue_number: 1 });
      await h.call('get_issue', { owner: 'acme', repo: 'widgets', issue_number: 2 });
      expect(h.fake.server.requests.filter((q) => q.url === '/user').length).toBe(1);
      expect(h.fake.server.requests[0]!.url).toBe('/user');
      for (const q of h.fake.server.requests) expect(q.headers.authorization).toBe(`token ${h.token}`);
      expectNoTokenLeak(h);
    } finally {
      await h.close();
    }
  });

  it('a rejected token fails every call with a clear sentence and no other request', async () => {
    const h = await startHarness({ serverToken: 'ghp_WRONGwrongWRONGwrong1234' });
    try {
      const r = await h.call('list_issues', { owner: 'acme', repo: 'widgets' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/GitHub rejected GITHUB_PERSONAL_ACCESS_TOKEN at its first use \(401 Unauthorized\): the token is invalid, expired or revoked/);
      const again = await h.call('get_me');
      expect(again.isError).toBe(true);
      expect(h.fake.server.requests.map((q) => q.url)).toEqual(['/user', '/user']);
      expect(JSON.stringify(h.results)).not.toContain('WRONGwrong');
      expect(h.logs.join('')).not.toContain('WRONGwrong');
    } finally {
      await h.close();
    }
  });

  it('is never sent to another origin, even when asked directly', async () => {
    const h = await startHarness();
    try {
      await expect(h.deps.github.octokit.request({ method: 'GET', url: `${h.fake.logServer.url}/logs/201` } as never)).rejects.toThrow(/refusing to send the GitHub token/);
      expect(h.fake.logServer.requests.length).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('errors and rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxRateLimitWait: '5' });
    await h.call('get_me');
  });
  afterAll(async () => {
    expectNoTokenLeak(h);
    await h.close();
  });
  const widgets = { owner: 'acme', repo: 'widgets' };
  const tagsUrl = (q: { url: string }) => q.url.startsWith('/repos/acme/widgets/tags');
  const tagRequests = () => h.fake.server.requests.filter(tagsUrl).length;
  const now = () => Math.floor(Date.now() / 1000);

  it('waits out a short primary rate limit (403, x-ratelimit-reset) and retries', async () => {
    const before = tagRequests();
    h.fake.intercept(tagsUrl, () => ({ status: 403, body: { message: 'API rate limit exceeded for user ID 1.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now() + 1) } }));
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBeFalsy();
    expect(tagRequests() - before).toBe(2);
    expect(h.logs.join('')).toMatch(/primary rate limit .* waiting/);
  });

  it('waits out a short secondary limit (429, retry-after) and retries', async () => {
    const before = tagRequests();
    h.fake.intercept(tagsUrl, { status: 429, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': '1' } });
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBeFalsy();
    expect(tagRequests() - before).toBe(2);
  });

  it('reports a long primary limit with its reset time, without waiting', async () => {
    const reset = now() + 3600;
    const before = tagRequests();
    h.fake.intercept(tagsUrl, { status: 403, body: { message: 'API rate limit exceeded for user ID 1.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(`primary rate limit (HTTP 403). It resets at ${new Date(reset * 1000).toISOString()}`);
    expect(tagRequests() - before).toBe(1);
  });

  it('reports a long secondary limit (403 with retry-after)', async () => {
    h.fake.intercept(tagsUrl, { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '600' } });
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/secondary \(abuse\) rate limit \(HTTP 403\)\. It resets at .* \(in 600 s\)/);
  });

  it('gives up after two short waits (bounded)', async () => {
    const before = tagRequests();
    h.fake.intercept(tagsUrl, { status: 429, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '1' } }, 3);
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBe(true);
    expect(tagRequests() - before).toBe(3);
  });

  it('retries a 5xx once, then succeeds', async () => {
    const before = tagRequests();
    h.fake.intercept(tagsUrl, { status: 502, body: { message: 'Server Error' } });
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBeFalsy();
    expect(tagRequests() - before).toBe(2);
  });

  it('names the missing classic scope from X-Accepted-OAuth-Scopes', async () => {
    h.fake.intercept((q) => q.url.includes('/rerun'), { status: 403, body: { message: 'Must have admin rights to Repository.' }, headers: { 'x-accepted-oauth-scopes': 'workflow', 'x-oauth-scopes': 'repo, read:user' } });
    const r = await h.call('rerun_workflow', { ...widgets, run_id: 100 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/lacks the scope .* accepts "workflow", the token has "repo", "read:user"/);
    expect(textOf(r)).toMatch(/Try: the operator must add the "workflow" scope/);
  });

  it('names the missing fine-grained permission', async () => {
    h.fake.intercept((q) => q.method === 'POST' && q.url.endsWith('/releases'), { status: 403, body: { message: 'Resource not accessible by personal access token' }, headers: { 'x-accepted-github-permissions': 'contents=write', 'x-oauth-scopes': '' } });
    const r = await h.call('create_release', { ...widgets, tag_name: 'v9' });
    expect(textOf(r)).toMatch(/needs the fine-grained permission contents=write/);
  });

  it('a 401 mid-session says the token is invalid or expired', async () => {
    h.fake.intercept(tagsUrl, { status: 401, body: { message: 'Bad credentials' } });
    const r = await h.call('list_tags', widgets);
    expect(textOf(r)).toMatch(/401 Unauthorized.*invalid, expired or revoked/);
  });

  it('an unreachable API is explained', async () => {
    const h2 = await startHarness();
    await h2.fake.close();
    try {
      const r = await h2.call('get_me');
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/could not reach the GitHub API/);
    } finally {
      await h2.client.close();
    }
  });
});

describe('tool selection and schemas', () => {
  it('every tool satisfies the contract and the archived names and parameters are all there', async () => {
    const h = await startHarness();
    try {
      const tools = await h.client.listTools();
      expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
      expect(dropInProblems(tools, DROP_IN_PARAMS)).toEqual([]);
      expect(tools).toHaveLength(39);
    } finally {
      await h.close();
    }
  });

  it('--read-only removes every writer (from the annotations)', async () => {
    const h = await startHarness({ readOnly: true });
    try {
      const tools = await h.client.listTools();
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      const names = tools.map((t) => t.name);
      for (const writer of ['push_files', 'create_or_update_file', 'merge_pull_request', 'create_release', 'rerun_workflow', 'create_repository']) expect(names).not.toContain(writer);
      expect(names).toContain('get_file_contents');
      expect(names).toHaveLength(25);
    } finally {
      await h.close();
    }
  });

  it('--toolsets picks groups', async () => {
    const h = await startHarness({ toolsets: ['actions', 'context'] });
    try {
      expect((await h.client.listTools()).map((t) => t.name).sort()).toEqual(['get_job_logs', 'get_me', 'get_workflow_run', 'list_workflow_runs', 'rerun_workflow']);
    } finally {
      await h.close();
    }
  });
});
