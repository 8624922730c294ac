/**
 * Mappers from GitHub's REST JSON to the compact shapes in shapes.ts. Inputs are typed loosely on purpose:
 * GitHub (and GitHub Enterprise Server versions) omit or null fields freely, and every mapper must survive
 * that rather than throw.
 */
import type { CommentSummary, CommitSummary, IssueSummary, JobSummary, PullFileSummary, PullSummary, ReleaseSummary, RepoSummary, ReviewCommentSummary, ReviewSummary, WorkflowRunSummary } from './shapes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean => v === true;
const loginOf = (user: unknown): string | null => str((user as Json | null)?.login);

/** owner/name from an API URL like https://api.github.com/repos/o/r (search results carry only that). */
export function fullNameFromRepoUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const match = /\/repos\/([^/]+)\/([^/?#]+)/.exec(url);
  return match ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` : null;
}

export function compactRepo(r: Json): RepoSummary {
  return {
    full_name: String(r.full_name ?? ''),
    description: str(r.description),
    private: bool(r.private),
    fork: bool(r.fork),
    archived: bool(r.archived),
    default_branch: str(r.default_branch),
    language: str(r.language),
    stars: num(r.stargazers_count) ?? 0,
    forks: num(r.forks_count) ?? 0,
    open_issues: num(r.open_issues_count) ?? 0,
    html_url: String(r.html_url ?? ''),
    updated_at: str(r.updated_at),
  };
}

export function compactIssue(i: Json, withBody = false): IssueSummary {
  const out: IssueSummary = {
    number: Number(i.number),
    title: String(i.title ?? ''),
    state: String(i.state ?? ''),
    state_reason: str(i.state_reason),
    is_pull_request: Boolean(i.pull_request),
    author: loginOf(i.user),
    labels: Array.isArray(i.labels) ? i.labels.map((l: unknown) => (typeof l === 'string' ? l : String((l as Json)?.name ?? ''))).filter(Boolean) : [],
    assignees: Array.isArray(i.assignees) ? i.assignees.map(loginOf).filter((x: string | null): x is string => x !== null) : [],
    milestone: str((i.milestone as Json | null)?.title),
    comments: num(i.comments) ?? 0,
    created_at: str(i.created_at),
    updated_at: str(i.updated_at),
    closed_at: str(i.closed_at),
    html_url: String(i.html_url ?? ''),
    repository: fullNameFromRepoUrl(i.repository_url),
  };
  if (withBody) out.body = str(i.body);
  return out;
}

export function compactComment(c: Json): CommentSummary {
  return {
    id: Number(c.id),
    author: loginOf(c.user),
    body: String(c.body ?? ''),
    created_at: str(c.created_at),
    updated_at: str(c.updated_at),
    html_url: String(c.html_url ?? ''),
  };
}

function ref(side: Json | undefined): PullSummary['head'] {
  return { ref: String(side?.ref ?? ''), sha: String(side?.sha ?? ''), repo: str((side?.repo as Json | null)?.full_name) };
}

export function compactPull(p: Json, withBody = false): PullSummary {
  const out: PullSummary = {
    number: Number(p.number),
    title: String(p.title ?? ''),
    state: String(p.state ?? ''),
    draft: bool(p.draft),
    merged: typeof p.merged === 'boolean' ? p.merged : p.merged_at ? true : null,
    mergeable: typeof p.mergeable === 'boolean' ? p.mergeable : null,
    mergeable_state: str(p.mergeable_state),
    author: loginOf(p.user),
    head: ref(p.head),
    base: ref(p.base),
    labels: Array.isArray(p.labels) ? p.labels.map((l: Json) => String(l?.name ?? '')).filter(Boolean) : [],
    requested_reviewers: Array.isArray(p.requested_reviewers) ? p.requested_reviewers.map(loginOf).filter((x: string | null): x is string => x !== null) : [],
    created_at: str(p.created_at),
    updated_at: str(p.updated_at),
    merged_at: str(p.merged_at),
    html_url: String(p.html_url ?? ''),
    commits: num(p.commits),
    additions: num(p.additions),
    deletions: num(p.deletions),
    changed_files: num(p.changed_files),
  };
  if (withBody) out.body = str(p.body);
  return out;
}

export function compactPullFile(f: Json, maxPatchChars: number): PullFileSummary {
  let patch = str(f.patch);
  if (patch !== null && patch.length > maxPatchChars) patch = `${patch.slice(0, maxPatchChars)}\n[patch cut at ${maxPatchChars} characters; use get_pull_request_diff for the whole diff]`;
  return {
    filename: String(f.filename ?? ''),
    status: String(f.status ?? ''),
    additions: num(f.additions) ?? 0,
    deletions: num(f.deletions) ?? 0,
    changes: num(f.changes) ?? 0,
    previous_filename: str(f.previous_filename),
    patch,
  };
}

export function compactReview(r: Json): ReviewSummary {
  return {
    id: Number(r.id),
    author: loginOf(r.user),
    state: String(r.state ?? ''),
    body: str(r.body),
    commit_id: str(r.commit_id),
    submitted_at: str(r.submitted_at),
    html_url: String(r.html_url ?? ''),
  };
}

export function compactReviewComment(c: Json): ReviewCommentSummary {
  return {
    id: Number(c.id),
    author: loginOf(c.user),
    path: str(c.path),
    line: num(c.line) ?? num(c.original_line),
    body: String(c.body ?? ''),
    in_reply_to_id: num(c.in_reply_to_id),
    created_at: str(c.created_at),
    html_url: String(c.html_url ?? ''),
  };
}

export function compactCommit(c: Json): CommitSummary {
  const commit = (c.commit ?? {}) as Json;
  return {
    sha: String(c.sha ?? ''),
    message: String(commit.message ?? ''),
    author_name: str((commit.author as Json | null)?.name),
    author_login: loginOf(c.author),
    date: str((commit.author as Json | null)?.date) ?? str((commit.committer as Json | null)?.date),
    html_url: str(c.html_url),
  };
}

export function compactRelease(r: Json, withBody = false): ReleaseSummary {
  const out: ReleaseSummary = {
    id: Number(r.id),
    tag_name: String(r.tag_name ?? ''),
    name: str(r.name),
    draft: bool(r.draft),
    prerelease: bool(r.prerelease),
    author: loginOf(r.author),
    created_at: str(r.created_at),
    published_at: str(r.published_at),
    html_url: String(r.html_url ?? ''),
    assets: Array.isArray(r.assets)
      ? r.assets.map((a: Json) => ({ name: String(a.name ?? ''), size: num(a.size) ?? 0, download_count: num(a.download_count) ?? 0, url: String(a.browser_download_url ?? '') }))
      : [],
  };
  if (withBody) out.body = str(r.body);
  return out;
}

export function compactWorkflowRun(r: Json): WorkflowRunSummary {
  return {
    id: Number(r.id),
    name: str(r.name),
    title: str(r.display_title),
    status: str(r.status),
    conclusion: str(r.conclusion),
    event: String(r.event ?? ''),
    branch: str(r.head_branch),
    head_sha: String(r.head_sha ?? ''),
    run_number: num(r.run_number) ?? 0,
    attempt: num(r.run_attempt),
    workflow_id: num(r.workflow_id) ?? 0,
    created_at: str(r.created_at),
    updated_at: str(r.updated_at),
    html_url: String(r.html_url ?? ''),
  };
}

export function compactJob(j: Json): JobSummary {
  const steps = Array.isArray(j.steps) ? (j.steps as Json[]) : [];
  return {
    id: Number(j.id),
    name: String(j.name ?? ''),
    status: String(j.status ?? ''),
    conclusion: str(j.conclusion),
    started_at: str(j.started_at),
    completed_at: str(j.completed_at),
    failed_steps: steps.filter((s) => s.conclusion === 'failure').map((s) => String(s.name ?? '')),
    html_url: str(j.html_url),
  };
}

/** First line of a commit message, for one-line listings. */
export function firstLine(text: string | null | undefined, max = 100): string {
  const line = (text ?? '').split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A directory entry from the contents API. */
export function compactContentEntry(e: Json): { name: string; path: string; type: string; size: number; sha: string } {
  return { name: String(e.name ?? ''), path: String(e.path ?? ''), type: String(e.type ?? ''), size: Number(e.size ?? 0), sha: String(e.sha ?? '') };
}
