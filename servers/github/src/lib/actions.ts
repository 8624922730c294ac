/** GitHub Actions: runs, jobs, logs (tail within a budget, downloaded without the token), re-runs. */
import type { GitHubClient } from './client.js';
import { compactJob, compactWorkflowRun, type Json } from './compact.js';
import { GitHubApiError } from './errors.js';
import { listPage } from './listing.js';
import { encodeSegment, repoBase } from './paths.js';

type Signal = AbortSignal | undefined;
const opt = (signal: Signal) => (signal ? { signal } : {});

export function listWorkflowRuns(
  gh: GitHubClient,
  a: { owner: string; repo: string; workflow_id?: string | undefined; branch?: string | undefined; status?: string | undefined; event?: string | undefined; page: number; per_page: number },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const path = a.workflow_id ? `${repoBase(a.owner, a.repo)}/actions/workflows/${encodeSegment(a.workflow_id)}/runs` : `${repoBase(a.owner, a.repo)}/actions/runs`;
  return listPage(
    gh,
    path,
    { query: { branch: a.branch, status: a.status, event: a.event }, page: a.page, per_page: a.per_page, what: `workflow runs of ${a.owner}/${a.repo}`, signal, pick: (d) => ((d as Json).workflow_runs as unknown[]) ?? [] },
    compactWorkflowRun,
  );
}

export async function getWorkflowRun(gh: GitHubClient, a: { owner: string; repo: string; run_id: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const base = `${repoBase(a.owner, a.repo)}/actions/runs/${a.run_id}`;
  const run = await gh.request<Json>('GET', base, { what: `workflow run ${a.run_id} of ${a.owner}/${a.repo}`, ...opt(signal) });
  const jobs = await gh.request<Json>('GET', `${base}/jobs`, { query: { per_page: 100 }, what: `jobs of workflow run ${a.run_id}`, ...opt(signal) });
  const list = Array.isArray(jobs.data.jobs) ? (jobs.data.jobs as Json[]) : [];
  return { run: compactWorkflowRun(run.data), jobs: list.map(compactJob), jobs_total: Number(jobs.data.total_count ?? list.length) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export interface JobLogTail {
  text: string;
  lines_returned: number;
  total_bytes: number;
  truncated: boolean;
}

/**
 * The last `tailLines` lines, at most `maxChars` characters. GitHub answers with a redirect to short-lived
 * storage; that URL is fetched without the token (it is signed), so the token never leaves GITHUB_API_URL.
 */
export async function jobLogTail(gh: GitHubClient, a: { owner: string; repo: string; job_id: number; tailLines: number; maxChars: number }, signal: Signal): Promise<JobLogTail> {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<unknown>('GET', `${repoBase(a.owner, a.repo)}/actions/jobs/${a.job_id}/logs`, { what: `logs of job ${a.job_id} in ${a.owner}/${a.repo}`, ...opt(signal) });
  let raw: string;
  let totalBytes: number;
  const location = r.headers.location;
  if (r.status >= 300 && r.status < 400 && location) {
    // Keep 4 bytes per wanted character: enough for multi-byte text, bounded for huge logs.
    const got = await gh.downloadTail(location, a.maxChars * 4, signal);
    raw = got.tail.toString('utf8');
    totalBytes = got.totalBytes;
  } else if (typeof r.data === 'string') {
    raw = r.data;
    totalBytes = Buffer.byteLength(raw);
  } else {
    throw new GitHubApiError(`GitHub returned no logs for job ${a.job_id} (HTTP ${r.status}).`, 'upstream_error', 'the logs may have expired (GitHub keeps them 90 days by default).', r.status);
  }
  const lines = raw.replace(ANSI, '').replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let picked = lines.slice(-a.tailLines);
  let text = picked.join('\n');
  while (text.length > a.maxChars && picked.length > 1) {
    picked = picked.slice(1);
    text = picked.join('\n');
  }
  if (text.length > a.maxChars) text = text.slice(-a.maxChars);
  const truncated = picked.length < lines.length || totalBytes > Buffer.byteLength(raw);
  return { text, lines_returned: picked.length, total_bytes: totalBytes, truncated };
}

export async function rerunWorkflow(gh: GitHubClient, a: { owner: string; repo: string; run_id: number; failed_only: boolean }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  await gh.request('POST', `${repoBase(a.owner, a.repo)}/actions/runs/${a.run_id}/${a.failed_only ? 'rerun-failed-jobs' : 'rerun'}`, {
    body: {},
    what: `re-running workflow run ${a.run_id} of ${a.owner}/${a.repo}`,
    verify: `get_workflow_run ${a.run_id} shows whether it is queued or running again`,
    ...opt(signal),
  });
  return { run_id: a.run_id, failed_only: a.failed_only };
}
