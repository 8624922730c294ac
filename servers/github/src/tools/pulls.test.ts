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

const widgets = { owner: 'acme', repo: 'widgets' };
const pr6 = { ...widgets, pull_number: 6 };

describe('pull requests', () => {
  it('get_pull_request and list_pull_requests', async () => {
    const r = await h.call('get_pull_request', pr6);
    expect(r.structuredContent).toMatchObject({ number: 6, title: 'Add feature', head: { ref: 'feature', repo: 'acme/widgets' }, base: { ref: 'main' }, mergeable: true, body: 'Adds the feature.', requested_reviewers: ['octokit-fixture-user-b'], labels: ['enhancement'] });
    const list = await h.call('list_pull_requests', { ...widgets, state: 'open', per_page: 10 });
    expect((list.structuredContent as { pull_requests: { number: number }[] }).pull_requests.map((p) => p.number)).toContain(6);
  });

  it('get_pull_request_files, _comments, _reviews', async () => {
    const files = await h.call('get_pull_request_files', pr6);
    const f = (files.structuredContent as { files: { filename: string; patch: string }[] }).files;
    expect(f[0]!.filename).toBe('src/feature.ts');
    expect(f[0]!.patch).toContain('+export const feature = true;');
    const comments = await h.call('get_pull_request_comments', pr6);
    expect(comments.structuredContent).toMatchObject({ comments: [{ id: 800, path: 'src/feature.ts', line: 1, body: 'Nice name' }] });
    const reviews = await h.call('get_pull_request_reviews', pr6);
    expect(reviews.structuredContent).toMatchObject({ reviews: [{ id: 700, state: 'APPROVED', author: 'octokit-fixture-user-b' }] });
  });

  it('get_pull_request_status combines statuses (recorded fixture) and check runs', async () => {
    const r = await h.call('get_pull_request_status', pr6);
    const s = r.structuredContent as { overall: string; statuses: { context: string; state: string }[]; check_runs: { name: string; conclusion: string }[] };
    expect(s.statuses.map((x) => `${x.context}:${x.state}`)).toEqual(['example/1:failure', 'example/2:success']);
    expect(s.check_runs.map((c) => `${c.name}:${c.conclusion}`)).toEqual(['build:success', 'lint:failure']);
    expect(s.overall).toBe('failure');
    expect(textOf(r)).toContain('check lint: failure');
  });

  it('get_pull_request_diff slices with a continuation', async () => {
    const first = await h.call('get_pull_request_diff', { ...pr6, max_chars: 1000 });
    const a = first.structuredContent as { diff: string; next_start: number | null; total_chars: number };
    expect(a.diff.startsWith('diff --git a/src/feature.ts')).toBe(true);
    expect(a.next_start).toBe(1000);
    expect(textOf(first)).toContain('start=1000');
    const rest = await h.call('get_pull_request_diff', { ...pr6, start: 1000, max_chars: 100_000 });
    const b = rest.structuredContent as { diff: string; next_start: number | null };
    expect(b.next_start).toBeNull();
    expect((a.diff + b.diff).length).toBe(a.total_chars);
    expect(h.fake.server.requests.some((q) => q.url === '/repos/acme/widgets/pulls/6' && String(q.headers.accept).includes('diff'))).toBe(true);
  });

  it('create_pull_request, review, update branch', async () => {
    const created = await h.call('create_pull_request', { ...widgets, title: 'Develop to main', head: 'develop', base: 'main', draft: true, maintainer_can_modify: true });
    const pr = created.structuredContent as { number: number; draft: boolean; head: { sha: string } };
    expect(pr.draft).toBe(true);
    const review = await h.call('create_pull_request_review', { ...widgets, pull_number: pr.number, body: 'Please fix', event: 'REQUEST_CHANGES', comments: [{ path: 'README.md', line: 1, body: 'typo' }] });
    expect(review.structuredContent).toMatchObject({ state: 'CHANGES_REQUESTED', body: 'Please fix' });
    const comments = await h.call('get_pull_request_comments', { ...widgets, pull_number: pr.number });
    expect((comments.structuredContent as { comments: { body: string }[] }).comments.map((c) => c.body)).toEqual(['typo']);
    const ok = await h.call('update_pull_request_branch', { ...widgets, pull_number: pr.number, expected_head_sha: pr.head.sha });
    expect(ok.structuredContent).toMatchObject({ message: 'Updating pull request branch.' });
    const stale = await h.call('update_pull_request_branch', { ...widgets, pull_number: pr.number, expected_head_sha: 'f'.repeat(40) });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/422 Validation Failed.*does not match/);
  });

  it('create_pull_request with a missing head names the field', async () => {
    const r = await h.call('create_pull_request', { ...widgets, title: 'x', head: 'no-such-branch', base: 'main' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/field "head" of PullRequest/);
  });

  it('merge_pull_request: stale sha is a 409, then merges, then 405 not mergeable', async () => {
    const stale = await h.call('merge_pull_request', { ...pr6, sha: 'e'.repeat(40) });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/409 Conflict.*Head branch was modified/);
    const merged = await h.call('merge_pull_request', { ...pr6, merge_method: 'squash', commit_title: 'Feature (#6)' });
    expect(merged.structuredContent).toMatchObject({ merged: true });
    const body = JSON.parse(h.fake.server.requests.filter((q) => q.url.endsWith('/pulls/6/merge')).pop()!.body) as Record<string, unknown>;
    expect(body).toEqual({ merge_method: 'squash', commit_title: 'Feature (#6)' });
    const again = await h.call('merge_pull_request', pr6);
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/405 Method Not Allowed.*not mergeable/);
  });
});
