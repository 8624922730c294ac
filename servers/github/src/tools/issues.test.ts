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
type Paged = { issues: { number: number; labels: string[]; is_pull_request: boolean }[]; paging: { page: number; next_page: number | null; last_page: number | null } };

describe('issues', () => {
  it('list_issues follows the Link header page by page', async () => {
    const seen: number[] = [];
    let page: number | null = 1;
    for (let guard = 0; page !== null && guard < 10; guard++) {
      const r = await h.call('list_issues', { ...widgets, state: 'open', per_page: 2, page });
      const s = r.structuredContent as Paged;
      seen.push(...s.issues.map((i) => i.number));
      if (s.paging.next_page !== null) expect(textOf(r)).toContain(`page=${s.paging.next_page}`);
      page = s.paging.next_page;
    }
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = await h.call('list_issues', { ...widgets, perPage: 2 });
    expect((first.structuredContent as Paged).paging.last_page).toBe(3);
    const pr = (await h.call('list_issues', { ...widgets, per_page: 100 })).structuredContent as Paged;
    expect(pr.issues.find((i) => i.number === 6)!.is_pull_request).toBe(true);
    expect(pr.issues.find((i) => i.number === 1)!.is_pull_request).toBe(false);
  });

  it('list_issues filters by labels (sent comma-joined)', async () => {
    const r = await h.call('list_issues', { ...widgets, labels: ['bug'], direction: 'asc' });
    expect((r.structuredContent as Paged).issues.map((i) => i.number)).toEqual([1, 3, 5]);
    const enhancement = await h.call('list_issues', { ...widgets, labels: ['enhancement'] });
    expect((enhancement.structuredContent as Paged).issues.map((i) => i.number)).toEqual([6]);
    expect(h.fake.server.requests.some((q) => q.url.includes('labels=bug') && q.url.includes('direction=asc'))).toBe(true);
  });

  it('get_issue returns the body; compact fields only', async () => {
    const r = await h.call('get_issue', { ...widgets, issue_number: 2 });
    const s = r.structuredContent as Record<string, unknown>;
    expect(s).toMatchObject({ number: 2, title: 'Test issue 2', body: 'Body of issue 2', state: 'open', repository: 'acme/widgets' });
    expect(s).not.toHaveProperty('events_url');
    expect(JSON.stringify(s).length).toBeLessThan(1000);
  });

  it('create_issue, update_issue (only given fields), add_issue_comment, list_issue_comments', async () => {
    const created = await h.call('create_issue', { ...widgets, title: 'New bug', body: 'Steps', labels: ['bug'], assignees: ['octokit-fixture-user-b'] });
    const issue = created.structuredContent as { number: number; labels: string[]; assignees: string[] };
    expect(issue.labels).toEqual(['bug']);
    expect(issue.assignees).toEqual(['octokit-fixture-user-b']);

    const updated = await h.call('update_issue', { ...widgets, issue_number: issue.number, state: 'closed' });
    expect(updated.structuredContent).toMatchObject({ state: 'closed', title: 'New bug', body: 'Steps' });
    const patch = h.fake.server.requests.filter((q) => q.method === 'PATCH').pop()!;
    expect(JSON.parse(patch.body)).toEqual({ state: 'closed' });

    const comment = await h.call('add_issue_comment', { ...widgets, issue_number: issue.number, body: 'Fixed in main' });
    expect(comment.structuredContent).toMatchObject({ body: 'Fixed in main', author: h.fake.me });
    const list = await h.call('list_issue_comments', { ...widgets, issue_number: issue.number });
    expect((list.structuredContent as { comments: { body: string }[] }).comments.map((c) => c.body)).toEqual(['Fixed in main']);
  });

  it('comments from others are sanitized', async () => {
    const list = await h.call('list_issue_comments', { ...widgets, issue_number: 1 });
    expect((list.structuredContent as { comments: { body: string }[] }).comments[0]!.body).toBe('First comment');
  });

  it('a 422 names the field GitHub rejected', async () => {
    const r = await h.call('update_issue', { ...widgets, issue_number: 1, milestone: 99 });
    expect(r.isError).toBeFalsy();
    h.fake.intercept((q) => q.method === 'POST' && q.url.endsWith('/issues'), { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'invalid', field: 'assignees' }] } });
    const bad = await h.call('create_issue', { ...widgets, title: 'x', assignees: ['nobody'] });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/422 Validation Failed\)\. field "assignees" of Issue: the value is not valid/);
  });

  it('an unknown repository is a 404 spelled out', async () => {
    const r = await h.call('get_issue', { owner: 'acme', repo: 'missing', issue_number: 1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/issue #1 in acme\/missing was not found, or the token has no access to it \(404/);
  });
});
