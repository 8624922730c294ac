/** Pull requests: read, create, review, merge, status (combined statuses plus check runs), diff. */
import type { GitHubClient } from './client.js';
import { compactPull, compactPullFile, compactReview, compactReviewComment, type Json } from './compact.js';
import { GitHubApiError } from './errors.js';
import { listPage } from './listing.js';
import { encodeSegment, repoBase } from './paths.js';

type Signal = AbortSignal | undefined;
const opt = (signal: Signal) => (signal ? { signal } : {});
interface PullRef {
  owner: string;
  repo: string;
  pull_number: number;
}
const pullPath = (a: PullRef) => `${repoBase(a.owner, a.repo)}/pulls/${a.pull_number}`;
const pullName = (a: PullRef) => `pull request #${a.pull_number} in ${a.owner}/${a.repo}`;

export async function getPull(gh: GitHubClient, a: PullRef, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('GET', pullPath(a), { what: pullName(a), ...opt(signal) });
  return compactPull(r.data, true);
}

export function listPulls(
  gh: GitHubClient,
  a: { owner: string; repo: string; state?: string | undefined; head?: string | undefined; base?: string | undefined; sort?: string | undefined; direction?: string | undefined; page: number; per_page: number },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/pulls`, { query: { state: a.state, head: a.head, base: a.base, sort: a.sort, direction: a.direction }, page: a.page, per_page: a.per_page, what: `pull requests of ${a.owner}/${a.repo}`, signal }, (p) => compactPull(p));
}

export async function createPull(
  gh: GitHubClient,
  a: { owner: string; repo: string; title: string; body?: string | undefined; head: string; base: string; draft?: boolean | undefined; maintainer_can_modify?: boolean | undefined },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const body: Json = { title: a.title, head: a.head, base: a.base };
  if (a.body !== undefined) body.body = a.body;
  if (a.draft !== undefined) body.draft = a.draft;
  if (a.maintainer_can_modify !== undefined) body.maintainer_can_modify = a.maintainer_can_modify;
  const r = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/pulls`, { body, what: `creating a pull request from ${a.head} into ${a.base} in ${a.owner}/${a.repo}`, ...opt(signal) });
  return compactPull(r.data, true);
}

export function listPullFiles(gh: GitHubClient, a: PullRef & { page: number; per_page: number; maxPatchChars: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${pullPath(a)}/files`, { page: a.page, per_page: a.per_page, what: `files of ${pullName(a)}`, signal }, (f) => compactPullFile(f, a.maxPatchChars));
}

export function listPullReviewComments(gh: GitHubClient, a: PullRef & { page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${pullPath(a)}/comments`, { page: a.page, per_page: a.per_page, what: `review comments of ${pullName(a)}`, signal }, compactReviewComment);
}

export function listPullReviews(gh: GitHubClient, a: PullRef & { page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${pullPath(a)}/reviews`, { page: a.page, per_page: a.per_page, what: `reviews of ${pullName(a)}`, signal }, compactReview);
}

export async function createReview(
  gh: GitHubClient,
  a: PullRef & { body?: string | undefined; event: string; commit_id?: string | undefined; comments?: { path: string; body: string; line?: number | undefined; position?: number | undefined; side?: string | undefined }[] | undefined },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const body: Json = { event: a.event };
  if (a.body !== undefined) body.body = a.body;
  if (a.commit_id !== undefined) body.commit_id = a.commit_id;
  if (a.comments?.length) body.comments = a.comments;
  const r = await gh.request<Json>('POST', `${pullPath(a)}/reviews`, { body, what: `reviewing ${pullName(a)}`, ...opt(signal) });
  return compactReview(r.data);
}

export async function mergePull(gh: GitHubClient, a: PullRef & { commit_title?: string | undefined; commit_message?: string | undefined; merge_method?: string | undefined; sha?: string | undefined }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const body: Json = {};
  if (a.commit_title !== undefined) body.commit_title = a.commit_title;
  if (a.commit_message !== undefined) body.commit_message = a.commit_message;
  if (a.merge_method !== undefined) body.merge_method = a.merge_method;
  if (a.sha !== undefined) body.sha = a.sha;
  const r = await gh.request<Json>('PUT', `${pullPath(a)}/merge`, { body, what: `merging ${pullName(a)}`, ...opt(signal) });
  return { merged: r.data.merged === true, sha: typeof r.data.sha === 'string' ? r.data.sha : null, message: String(r.data.message ?? '') };
}

export async function updatePullBranch(gh: GitHubClient, a: PullRef & { expected_head_sha?: string | undefined }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('PUT', `${pullPath(a)}/update-branch`, {
    body: a.expected_head_sha ? { expected_head_sha: a.expected_head_sha } : {},
    what: `updating the branch of ${pullName(a)}`,
    ...opt(signal),
  });
  return { message: String(r.data.message ?? 'Updating pull request branch.'), url: typeof r.data.url === 'string' ? r.data.url : null };
}

const SEVERITY: Record<string, number> = { success: 0, neutral: 0, skipped: 0, pending: 1, queued: 1, in_progress: 1, action_required: 2, stale: 2, cancelled: 2, timed_out: 3, failure: 3, error: 3 };

export async function pullStatus(gh: GitHubClient, a: PullRef, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const pr = await gh.request<Json>('GET', pullPath(a), { what: pullName(a), ...opt(signal) });
  const sha = String((pr.data.head as Json | undefined)?.sha ?? '');
  if (!sha) throw new GitHubApiError(`${pullName(a)} has no head commit.`, 'upstream_error', undefined, undefined);
  const combined = await gh.request<Json>('GET', `${repoBase(a.owner, a.repo)}/commits/${encodeSegment(sha)}/status`, { what: `statuses of ${sha.slice(0, 7)} in ${a.owner}/${a.repo}`, ...opt(signal) });
  let checkRuns: Json[] | null = null;
  let checkRunsNote: string | null = null;
  try {
    const checks = await gh.request<Json>('GET', `${repoBase(a.owner, a.repo)}/commits/${encodeSegment(sha)}/check-runs`, { query: { per_page: 100 }, what: `check runs of ${sha.slice(0, 7)} in ${a.owner}/${a.repo}`, ...opt(signal) });
    checkRuns = Array.isArray(checks.data.check_runs) ? (checks.data.check_runs as Json[]) : [];
  } catch (error) {
    // Check runs need checks:read on fine-grained tokens; the combined status still answers the question.
    if (!(error instanceof GitHubApiError) || !['forbidden', 'missing_scope', 'not_found'].includes(error.code)) throw error;
    checkRunsNote = `check runs unavailable: ${error.message}`;
  }
  const statuses = (Array.isArray(combined.data.statuses) ? (combined.data.statuses as Json[]) : []).map((s) => ({
    context: String(s.context ?? ''),
    state: String(s.state ?? ''),
    description: typeof s.description === 'string' ? s.description : null,
    target_url: typeof s.target_url === 'string' ? s.target_url : null,
  }));
  const checks = (checkRuns ?? []).map((c) => ({
    name: String(c.name ?? ''),
    status: String(c.status ?? ''),
    conclusion: typeof c.conclusion === 'string' ? c.conclusion : null,
    app: typeof (c.app as Json | undefined)?.name === 'string' ? String((c.app as Json).name) : null,
    details_url: typeof c.details_url === 'string' ? c.details_url : null,
  }));
  // Overall: the worst of the combined status and every check run (a pending check keeps it pending).
  const states = [...statuses.map((s) => s.state), ...checks.map((c) => (c.status === 'completed' ? (c.conclusion ?? 'neutral') : 'pending'))];
  let overall = statuses.length || checks.length ? 'success' : 'none';
  let worst = -1;
  for (const s of states) {
    const level = SEVERITY[s] ?? 1;
    if (level > worst) {
      worst = level;
      overall = level === 0 ? 'success' : level === 1 ? 'pending' : 'failure';
    }
  }
  return { sha, overall, combined_state: String(combined.data.state ?? ''), statuses, check_runs: checks, check_runs_note: checkRunsNote };
}

export async function pullDiff(gh: GitHubClient, a: PullRef, signal: Signal): Promise<string> {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<unknown>('GET', pullPath(a), { headers: { accept: 'application/vnd.github.diff' }, what: `the diff of ${pullName(a)}`, ...opt(signal) });
  if (typeof r.data === 'string') return r.data;
  if (r.data instanceof ArrayBuffer) return Buffer.from(r.data).toString('utf8');
  throw new GitHubApiError(`GitHub did not return a diff for ${pullName(a)}.`, 'upstream_error', undefined, undefined);
}
