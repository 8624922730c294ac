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
  const r = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/pulls`, {
    body,
    what: `creating a pull request from ${a.head} into ${a.base} in ${a.owner}/${a.repo}`,
    verify: `list_pull_requests on ${a.owner}/${a.repo} with head=${a.head} shows whether it was opened`,
    ...opt(signal),
  });
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
  const r = await gh.request<Json>('POST', `${pullPath(a)}/reviews`, { body, what: `reviewing ${pullName(a)}`, verify: `get_pull_request_reviews on #${a.pull_number} shows whether the review was submitted`, ...opt(signal) });
  return compactReview(r.data);
}

export async function mergePull(gh: GitHubClient, a: PullRef & { commit_title?: string | undefined; commit_message?: string | undefined; merge_method?: string | undefined; sha?: string | undefined }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const body: Json = {};
  if (a.commit_title !== undefined) body.commit_title = a.commit_title;
  if (a.commit_message !== undefined) body.commit_message = a.commit_message;
  if (a.merge_method !== undefined) body.merge_method = a.merge_method;
  if (a.sha !== undefined) body.sha = a.sha;
  const r = await gh.request<Json>('PUT', `${pullPath(a)}/merge`, { body, what: `merging ${pullName(a)}`, verify: `get_pull_request #${a.pull_number} shows whether it is merged`, ...opt(signal) });
  return { merged: r.data.merged === true, sha: typeof r.data.sha === 'string' ? r.data.sha : null, message: String(r.data.message ?? '') };
}

export async function updatePullBranch(gh: GitHubClient, a: PullRef & { expected_head_sha?: string | undefined }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('PUT', `${pullPath(a)}/update-branch`, {
    body: a.expected_head_sha ? { expected_head_sha: a.expected_head_sha } : {},
    what: `updating the branch of ${pullName(a)}`,
    verify: `get_pull_request #${a.pull_number} shows the head sha; it changes when the update went through`,
    ...opt(signal),
  });
  return { message: String(r.data.message ?? 'Updating pull request branch.'), url: typeof r.data.url === 'string' ? r.data.url : null };
}

const SEVERITY: Record<string, number> = { success: 0, neutral: 0, skipped: 0, pending: 1, queued: 1, in_progress: 1, action_required: 2, stale: 2, cancelled: 2, timed_out: 3, failure: 3, error: 3 };

/** Items per page (GitHub's maximum) and pages read at most, of statuses and of check runs each. */
const STATUS_PAGE_SIZE = 100;
export const STATUS_MAX_PAGES = 3;

/**
 * Reads `key` (statuses or check_runs) page by page, at most STATUS_MAX_PAGES pages: GitHub returns 30 by
 * default, and a verdict from the first 30 alone missed failures further down. `total` is GitHub's
 * total_count, so the caller can say when not everything was read.
 */
async function readPages(gh: GitHubClient, path: string, key: 'statuses' | 'check_runs', what: string, signal: Signal): Promise<{ first: Json; items: Json[]; total: number }> {
  let first: Json = {};
  const items: Json[] = [];
  const seen = new Set<unknown>();
  let total = 0;
  for (let page = 1; page <= STATUS_MAX_PAGES; page += 1) {
    const r = await gh.request<Json>('GET', path, { query: { per_page: STATUS_PAGE_SIZE, page }, what, ...opt(signal) });
    if (page === 1) first = r.data;
    const batch = Array.isArray(r.data[key]) ? (r.data[key] as Json[]) : [];
    for (const item of batch) {
      // A check run added between two pages shifts the list: never count one twice.
      if (item.id !== undefined && seen.has(item.id)) continue;
      if (item.id !== undefined) seen.add(item.id);
      items.push(item);
    }
    total = typeof r.data.total_count === 'number' ? r.data.total_count : items.length;
    if (batch.length < STATUS_PAGE_SIZE || items.length >= total) break;
  }
  return { first, items, total: Math.max(total, items.length) };
}

export async function pullStatus(gh: GitHubClient, a: PullRef, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const pr = await gh.request<Json>('GET', pullPath(a), { what: pullName(a), ...opt(signal) });
  const sha = String((pr.data.head as Json | undefined)?.sha ?? '');
  if (!sha) throw new GitHubApiError(`${pullName(a)} has no head commit.`, 'upstream_error', undefined, undefined);
  const commitPath = `${repoBase(a.owner, a.repo)}/commits/${encodeSegment(sha)}`;
  const combined = await readPages(gh, `${commitPath}/status`, 'statuses', `statuses of ${sha.slice(0, 7)} in ${a.owner}/${a.repo}`, signal);
  let checkRuns: { items: Json[]; total: number } | null = null;
  let checkRunsNote: string | null = null;
  try {
    checkRuns = await readPages(gh, `${commitPath}/check-runs`, 'check_runs', `check runs of ${sha.slice(0, 7)} in ${a.owner}/${a.repo}`, signal);
  } catch (error) {
    // Check runs need checks:read on fine-grained tokens; the combined status still answers the question.
    if (!(error instanceof GitHubApiError) || !['forbidden', 'missing_scope', 'not_found'].includes(error.code)) throw error;
    checkRunsNote = `check runs unavailable: ${error.message}`;
  }
  const statuses = combined.items.map((s) => ({
    context: String(s.context ?? ''),
    state: String(s.state ?? ''),
    description: typeof s.description === 'string' ? s.description : null,
    target_url: typeof s.target_url === 'string' ? s.target_url : null,
  }));
  const checks = (checkRuns?.items ?? []).map((c) => ({
    name: String(c.name ?? ''),
    status: String(c.status ?? ''),
    conclusion: typeof c.conclusion === 'string' ? c.conclusion : null,
    app: typeof (c.app as Json | undefined)?.name === 'string' ? String((c.app as Json).name) : null,
    details_url: typeof c.details_url === 'string' ? c.details_url : null,
  }));
  const combinedState = String(combined.first.state ?? '');
  const statusesTotal = combined.total;
  const checkRunsTotal = checkRuns ? checkRuns.total : null;
  // Overall: the worst of GitHub's combined state (it covers every status, also those not read here), every
  // status read and every check run read; a pending check keeps it pending. GitHub says "pending" when a
  // commit has no statuses at all, so the combined state counts only when there are some.
  const states = [
    ...(statusesTotal > 0 && combinedState ? [combinedState] : []),
    ...statuses.map((s) => s.state),
    ...checks.map((c) => (c.status === 'completed' ? (c.conclusion ?? 'neutral') : 'pending')),
  ];
  let overall = statusesTotal > 0 || checks.length ? 'success' : 'none';
  let worst = -1;
  for (const s of states) {
    const level = SEVERITY[s] ?? 1;
    if (level > worst) {
      worst = level;
      overall = level === 0 ? 'success' : level === 1 ? 'pending' : 'failure';
    }
  }
  const checkRunsUnread = checkRunsTotal !== null ? checkRunsTotal - checks.length : 0;
  // Check runs have no combined state: unread ones may be failing, so "success" cannot be claimed.
  if (checkRunsUnread > 0 && (overall === 'success' || overall === 'none')) overall = 'incomplete';
  const notes: string[] = [];
  if (statusesTotal > statuses.length) notes.push(`only ${statuses.length} of ${statusesTotal} statuses were read; GitHub's combined state (${combinedState}) covers them all`);
  if (checkRunsUnread > 0) notes.push(`only ${checks.length} of ${checkRunsTotal} check runs were read; the rest were not seen (see the pull request's Checks tab)`);
  return {
    sha,
    overall,
    combined_state: combinedState,
    statuses,
    statuses_total: statusesTotal,
    check_runs: checks,
    check_runs_total: checkRunsTotal,
    incomplete: notes.length > 0,
    incomplete_note: notes.length ? notes.join('; ') : null,
    check_runs_note: checkRunsNote,
  };
}

export async function pullDiff(gh: GitHubClient, a: PullRef, signal: Signal): Promise<string> {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<unknown>('GET', pullPath(a), { headers: { accept: 'application/vnd.github.diff' }, what: `the diff of ${pullName(a)}`, ...opt(signal) });
  if (typeof r.data === 'string') return r.data;
  if (r.data instanceof ArrayBuffer) return Buffer.from(r.data).toString('utf8');
  throw new GitHubApiError(`GitHub did not return a diff for ${pullName(a)}.`, 'upstream_error', undefined, undefined);
}
