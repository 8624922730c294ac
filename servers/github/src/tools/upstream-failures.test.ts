/**
 * When GitHub fails or hangs: writes are sent once and reported as "may have happened", timeouts are not
 * retried, a tool call stays within its time budget, and get_pull_request_status never reports a verdict
 * better than what GitHub says. Timeouts are shrunk to milliseconds; no assertion depends on how long
 * anything took.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '@portico/test-utils';
import { RepositoryAllowList } from '../lib/allowlist.js';
import { GitHubClient } from '../lib/client.js';
import { GitHubApiError } from '../lib/errors.js';
import { startFakeGitHub } from '../testing/fake-github.js';
import { canaryToken, startHarness, textOf, type Harness } from '../testing/harness.js';
import { expectNoTokenLeak } from '../testing/leaks.js';

const widgets = { owner: 'acme', repo: 'widgets' };
const isIssuePost = (q: RecordedRequest) => q.method === 'POST' && q.url === '/repos/acme/widgets/issues';

describe('writes are never repeated when their outcome is unknown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timing: { requestTimeoutMs: 300, callTimeoutMs: 10_000 } });
    await h.call('get_me');
  });
  afterAll(async () => {
    expectNoTokenLeak(h);
    await h.close();
  });
  const posts = () => h.fake.server.requests.filter(isIssuePost).length;

  it('create_issue answered 502: sent once, and the model is told it may have happened and how to check', async () => {
    const before = posts();
    // One 502; a repeated POST would reach the fake's real route and open the issue.
    h.fake.intercept(isIssuePost, { status: 502, body: { message: 'Server Error' } }, 1);
    const r = await h.call('create_issue', { ...widgets, title: 'Flaky upstream' });
    expect(r.isError).toBe(true);
    expect(posts() - before).toBe(1);
    const text = textOf(r);
    expect(text).toMatch(/HTTP 502 while creating an issue in acme\/widgets.*MAY have happened.*not sent again/);
    expect(text).toMatch(/Try: check first \(list_issues on acme\/widgets with sort=created.*"Flaky upstream"\)/);
    expect(text).not.toMatch(/try again in a little while/);
  });

  it('create_issue that gets no answer in time: sent once, "may have happened", no retry of the timeout', async () => {
    const before = posts();
    h.fake.intercept(isIssuePost, { status: 0, hang: true }, 1);
    const r = await h.call('create_issue', { ...widgets, title: 'Slow upstream' });
    expect(r.isError).toBe(true);
    expect(posts() - before).toBe(1);
    expect(textOf(r)).toMatch(/did not answer within 300 ms while creating an issue.*MAY have happened/);
  });

  it('other writes too: add_issue_comment answered 503 is sent once', async () => {
    const isComment = (q: RecordedRequest) => q.method === 'POST' && q.url.endsWith('/issues/1/comments');
    h.fake.intercept(isComment, { status: 503, body: { message: 'Service Unavailable' } }, 1);
    const r = await h.call('add_issue_comment', { ...widgets, issue_number: 1, body: 'hello' });
    expect(r.isError).toBe(true);
    expect(h.fake.server.requests.filter(isComment)).toHaveLength(1);
    expect(textOf(r)).toMatch(/MAY have happened.*list_issue_comments on #1/s);
  });

  it('a read that gets no answer in time is not retried either, and says so', async () => {
    const isIssue = (q: RecordedRequest) => q.method === 'GET' && q.url === '/repos/acme/widgets/issues/2';
    h.fake.intercept(isIssue, { status: 0, hang: true }, 1);
    const r = await h.call('get_issue', { ...widgets, issue_number: 2 });
    expect(r.isError).toBe(true);
    expect(h.fake.server.requests.filter(isIssue)).toHaveLength(1);
    expect(textOf(r)).toMatch(/did not answer within 300 ms while working on issue #2 in acme\/widgets/);
  });

  it('a read whose answer stalls halfway is an error, not an empty success', async () => {
    const isIssue = (q: RecordedRequest) => q.method === 'GET' && q.url === '/repos/acme/widgets/issues/1';
    h.fake.intercept(isIssue, { status: 200, body: { number: 1, title: 'First issue', state: 'open', body: 'x'.repeat(2000) }, stallBody: true }, 1);
    const r = await h.call('get_issue', { ...widgets, issue_number: 1 });
    expect(r.isError, textOf(r)).toBe(true);
    expect(textOf(r)).toMatch(/did not answer within 300 ms while working on issue #1 in acme\/widgets/);
    expect(h.fake.server.requests.filter(isIssue)).toHaveLength(1);
  });

  it('a write whose answer stalls halfway is sent once and reported as "may have happened"', async () => {
    const before = posts();
    h.fake.intercept(isIssuePost, { status: 201, body: { number: 99, title: 'Half answer', html_url: 'https://github.com/acme/widgets/issues/99' }, stallBody: true }, 1);
    const r = await h.call('create_issue', { ...widgets, title: 'Half answer' });
    expect(r.isError, textOf(r)).toBe(true);
    expect(posts() - before).toBe(1);
    expect(textOf(r)).toMatch(/MAY have happened/);
  });

  it('a read answered 5xx is still retried (GET is safe to repeat)', async () => {
    const isIssue = (q: RecordedRequest) => q.method === 'GET' && q.url === '/repos/acme/widgets/issues/3';
    h.fake.intercept(isIssue, { status: 502, body: { message: 'Server Error' } }, 1);
    const r = await h.call('get_issue', { ...widgets, issue_number: 3 });
    expect(r.isError).toBeFalsy();
    expect(h.fake.server.requests.filter(isIssue)).toHaveLength(2);
  });
});

describe('a write that never left this machine', () => {
  it('a refused connection says GitHub could not be reached, not "may have happened"', async () => {
    // A port nothing listens on any more, over a fresh connection (a kept-alive socket to a server that just
    // closed would fail after sending, which rightly counts as "may have happened").
    const token = canaryToken();
    const gone = await startFakeGitHub({ token });
    await gone.close();
    const gh = new GitHubClient({ token, apiUrl: gone.url, allowList: new RepositoryAllowList([]), maxRateLimitWaitSeconds: 0, log: { debug() {}, info() {}, warn() {}, error() {} }, userAgent: 'test', retries: 0 });
    const error = await gh.request('POST', '/repos/acme/widgets/issues', { body: { title: 'x' }, what: 'creating an issue in acme/widgets', skipTokenCheck: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).code).toBe('unreachable');
    expect((error as GitHubApiError).message).toMatch(/could not reach the GitHub API while working on creating an issue/);
    expect((error as GitHubApiError).message).not.toContain(token);
  });
});

describe('the time budget of one tool call', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    if (h) {
      expectNoTokenLeak(h);
      await h.close();
    }
    h = undefined;
  });

  it('stops a call whose requests hang at the call budget, even when each request may take longer', async () => {
    h = await startHarness({ timing: { requestTimeoutMs: 60_000, callTimeoutMs: 300 } });
    await h.call('get_me');
    const isPull = (q: RecordedRequest) => q.url === '/repos/acme/widgets/pulls/6';
    h.fake.intercept(isPull, { status: 0, hang: true }, 1);
    const r = await h.call('get_pull_request_status', { ...widgets, pull_number: 6 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/did not answer within 300 ms while working on pull request #6/);
    expect(h.fake.server.requests.filter(isPull)).toHaveLength(1);
  });

  it('sends nothing more once the budget is spent (a retry after back-off is not sent)', async () => {
    // Back-off of 2 s (waitUnitMs 2000) after a 502; the budget of 800 ms runs out during it (and not during
    // the first request, which the fake answers at once).
    h = await startHarness({ timing: { waitUnitMs: 2000, callTimeoutMs: 800 } });
    await h.call('get_me');
    const isIssue = (q: RecordedRequest) => q.url === '/repos/acme/widgets/issues/4';
    h.fake.intercept(isIssue, { status: 502, body: { message: 'Server Error' } }, 1);
    const r = await h.call('get_issue', { ...widgets, issue_number: 4 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/ran out of its 800 ms time budget before issue #4 in acme\/widgets was sent to GitHub, so nothing was done/);
    expect(h.fake.server.requests.filter(isIssue)).toHaveLength(1);
  });

  it('reports a rate limit whose wait would overrun the budget instead of waiting', async () => {
    // Real seconds here (waitUnitMs 1000): a 5 s wait does not fit a 2 s budget, so it is never started.
    h = await startHarness({ maxRateLimitWait: '15', timing: { waitUnitMs: 1000, callTimeoutMs: 2_000 } });
    await h.call('get_me');
    const isTags = (q: RecordedRequest) => q.url.startsWith('/repos/acme/widgets/tags');
    h.fake.intercept(isTags, { status: 429, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '5' } }, 1);
    const r = await h.call('list_tags', widgets);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/secondary \(abuse\) rate limit \(HTTP 429\)\. It resets at .* \(in 5 s\)/);
    expect(h.fake.server.requests.filter(isTags)).toHaveLength(1);
  });
});

describe('get_pull_request_status never reports better than GitHub', () => {
  let h: Harness;
  let head: string;
  beforeAll(async () => {
    h = await startHarness();
    head = h.fake.branchHead('acme/widgets', 'feature')!;
  });
  afterAll(async () => {
    expectNoTokenLeak(h);
    await h.close();
  });
  const pr6 = { ...widgets, pull_number: 6 };
  const ok = (i: number) => ({ id: i, name: `check-${i}`, status: 'completed', conclusion: 'success', app: { name: 'GitHub Actions' } });
  const setStatuses = (n: number, failingAt?: number) =>
    h.fake.repo('acme/widgets').statuses.set(head, Array.from({ length: n }, (_, i) => ({ context: `ci/${i}`, state: i === failingAt ? 'failure' : 'success', description: 'ok' })));
  const setChecks = (n: number, failingAt?: number) =>
    h.fake.repo('acme/widgets').checkRuns.set(head, Array.from({ length: n }, (_, i) => (i === failingAt ? { ...ok(i), conclusion: 'failure' } : ok(i))));
  type Status = { overall: string; combined_state: string; statuses: unknown[]; statuses_total: number; check_runs: unknown[]; check_runs_total: number | null; incomplete: boolean };

  it('a failing status after the first 30 makes it a failure (statuses are read 100 a page)', async () => {
    setStatuses(31, 30);
    setChecks(2);
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as Status;
    expect(s.overall).toBe('failure');
    expect(s.combined_state).toBe('failure');
    expect(s.statuses).toHaveLength(31);
    expect(s.incomplete).toBe(false);
    const query = h.fake.server.requests.filter((q) => q.url.includes(`/commits/${head}/status`)).pop()!.url;
    expect(query).toContain('per_page=100');
  });

  it("GitHub's combined state counts even when the failing status itself is not listed", async () => {
    setChecks(2);
    const isStatus = (q: RecordedRequest) => q.url.includes(`/commits/${head}/status`);
    const statuses = Array.from({ length: 30 }, (_, i) => ({ context: `ci/${i}`, state: 'success' }));
    h.fake.intercept(isStatus, { status: 200, body: { state: 'failure', sha: head, total_count: 31, statuses } }, 1);
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as Status & { incomplete_note: string };
    expect(s.overall).toBe('failure');
    expect(s.statuses_total).toBe(31);
    expect(s.incomplete).toBe(true);
    expect(textOf(r)).toMatch(/: failure \(GitHub's combined status: failure\)/);
    expect(textOf(r)).toMatch(/only 30 of 31 statuses were read/);
  });

  it('a failing check run on the second page of check runs makes it a failure', async () => {
    setStatuses(1);
    setChecks(150, 120);
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as Status;
    expect(s.check_runs).toHaveLength(150);
    expect(s.overall).toBe('failure');
  });

  it('more check runs than are read: never "success", and it says what was not read', async () => {
    setStatuses(1);
    setChecks(350);
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as Status;
    expect(s.check_runs).toHaveLength(300);
    expect(s.check_runs_total).toBe(350);
    expect(s.overall).toBe('incomplete');
    expect(s.incomplete).toBe(true);
    expect(textOf(r)).toMatch(/only 300 of 350 check runs were read/);
  });

  it('no statuses at all: GitHub\'s "pending" for an empty combined status does not count', async () => {
    setStatuses(0);
    setChecks(3);
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as Status;
    expect(s.combined_state).toBe('pending');
    expect(s.overall).toBe('success');
  });
});
