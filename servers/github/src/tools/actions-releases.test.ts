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

describe('actions', () => {
  it('list_workflow_runs with filters, and by workflow file', async () => {
    const all = await h.call('list_workflow_runs', widgets);
    expect((all.structuredContent as { runs: { id: number }[] }).runs.map((r) => r.id)).toEqual([101, 100]);
    const failed = await h.call('list_workflow_runs', { ...widgets, branch: 'main', status: 'failure' });
    expect((failed.structuredContent as { runs: { id: number; conclusion: string }[] }).runs).toEqual([expect.objectContaining({ id: 101, conclusion: 'failure' })]);
    const byFile = await h.call('list_workflow_runs', { ...widgets, workflow_id: 'ci.yml', per_page: 1 });
    const s = byFile.structuredContent as { runs: unknown[]; paging: { next_page: number | null } };
    expect(s.runs).toHaveLength(1);
    expect(s.paging.next_page).toBe(2);
  });

  it('get_workflow_run lists jobs and failed steps', async () => {
    const r = await h.call('get_workflow_run', { ...widgets, run_id: 101 });
    expect(r.structuredContent).toMatchObject({ run: { id: 101, conclusion: 'failure' }, jobs: [{ id: 201, name: 'test', conclusion: 'failure', failed_steps: ['Run tests'] }] });
    expect(textOf(r)).toContain('failed steps: Run tests');
  });

  it('get_job_logs returns the tail within the budget, fetched from storage without the token', async () => {
    const r = await h.call('get_job_logs', { ...widgets, job_id: 201, tail_lines: 5 });
    const s = r.structuredContent as { log: string; lines_returned: number; truncated: boolean };
    expect(s.lines_returned).toBe(5);
    expect(s.truncated).toBe(true);
    expect(s.log.split('\n').pop()).toBe('Error: expected 1 to be 2');
    expect(s.log).not.toContain('\u001b[');
    const budget = await h.call('get_job_logs', { ...widgets, job_id: 201, tail_lines: 10_000, max_chars: 500 });
    expect((budget.structuredContent as { log: string }).log.length).toBeLessThanOrEqual(500);
    expect(h.fake.logServer.requests.length).toBe(2);
    for (const q of h.fake.logServer.requests) {
      expect(q.headers.authorization).toBeUndefined();
      expect(JSON.stringify(q.headers)).not.toContain(h.token);
    }
  });

  it('rerun_workflow, and re-running a running workflow is explained', async () => {
    const r = await h.call('rerun_workflow', { ...widgets, run_id: 101, failed_only: true });
    expect(r.structuredContent).toEqual({ run_id: 101, failed_only: true });
    expect(h.fake.server.requests.some((q) => q.method === 'POST' && q.url.endsWith('/actions/runs/101/rerun-failed-jobs'))).toBe(true);
    const again = await h.call('rerun_workflow', { ...widgets, run_id: 101 });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/403 Forbidden.*already running/);
  });
});

describe('releases', () => {
  it('list_releases, get_latest_release (skips pre-releases), create_release', async () => {
    const list = await h.call('list_releases', widgets);
    expect((list.structuredContent as { releases: { tag_name: string }[] }).releases.map((r) => r.tag_name)).toEqual(['v1.1.0-rc.1', 'v1.0.0']);
    const latest = await h.call('get_latest_release', widgets);
    expect(latest.structuredContent).toMatchObject({ tag_name: 'v1.0.0', body: 'First release', prerelease: false });
    const created = await h.call('create_release', { ...widgets, tag_name: 'v2.0.0', name: 'Two', body: 'Notes', target_commitish: 'main' });
    expect(created.structuredContent).toMatchObject({ tag_name: 'v2.0.0', name: 'Two', body: 'Notes' });
    const dup = await h.call('create_release', { ...widgets, tag_name: 'v2.0.0' });
    expect(dup.isError).toBe(true);
    expect(textOf(dup)).toMatch(/field "tag_name" of Release: already exists/);
  });

  it('get_latest_release when there is none', async () => {
    const r = await h.call('get_latest_release', { owner: 'other', repo: 'thing' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/latest published release of other\/thing was not found/);
  });
});
