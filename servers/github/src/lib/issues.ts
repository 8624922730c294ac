/** Issues and their comments. */
import type { GitHubClient } from './client.js';
import { compactComment, compactIssue, type Json } from './compact.js';
import { listPage } from './listing.js';
import { repoBase } from './paths.js';

type Signal = AbortSignal | undefined;
const opt = (signal: Signal) => (signal ? { signal } : {});

/** Only the fields the caller gave, so "not given" never becomes "cleared". */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export async function getIssue(gh: GitHubClient, a: { owner: string; repo: string; issue_number: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('GET', `${repoBase(a.owner, a.repo)}/issues/${a.issue_number}`, { what: `issue #${a.issue_number} in ${a.owner}/${a.repo}`, ...opt(signal) });
  return compactIssue(r.data, true);
}

export function listIssues(
  gh: GitHubClient,
  a: { owner: string; repo: string; state?: string | undefined; labels?: string[] | undefined; sort?: string | undefined; direction?: string | undefined; since?: string | undefined; page: number; per_page: number },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(
    gh,
    `${repoBase(a.owner, a.repo)}/issues`,
    { query: { state: a.state, labels: a.labels?.length ? a.labels.join(',') : undefined, sort: a.sort, direction: a.direction, since: a.since }, page: a.page, per_page: a.per_page, what: `issues of ${a.owner}/${a.repo}`, signal },
    (i) => compactIssue(i),
  );
}

export async function createIssue(
  gh: GitHubClient,
  a: { owner: string; repo: string; title: string; body?: string | undefined; assignees?: string[] | undefined; milestone?: number | undefined; labels?: string[] | undefined },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/issues`, {
    body: defined({ title: a.title, body: a.body, assignees: a.assignees, milestone: a.milestone, labels: a.labels }),
    what: `creating an issue in ${a.owner}/${a.repo}`,
    verify: `list_issues on ${a.owner}/${a.repo} with sort=created shows the newest issues: look for "${a.title.slice(0, 80)}"`,
    ...opt(signal),
  });
  return compactIssue(r.data, true);
}

export async function updateIssue(
  gh: GitHubClient,
  a: { owner: string; repo: string; issue_number: number; title?: string | undefined; body?: string | undefined; assignees?: string[] | undefined; milestone?: number | undefined; labels?: string[] | undefined; state?: string | undefined; state_reason?: string | undefined },
  signal: Signal,
) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('PATCH', `${repoBase(a.owner, a.repo)}/issues/${a.issue_number}`, {
    body: defined({ title: a.title, body: a.body, assignees: a.assignees, milestone: a.milestone, labels: a.labels, state: a.state, state_reason: a.state_reason }),
    what: `updating issue #${a.issue_number} in ${a.owner}/${a.repo}`,
    verify: `get_issue #${a.issue_number} shows its current fields`,
    ...opt(signal),
  });
  return compactIssue(r.data, true);
}

export async function addIssueComment(gh: GitHubClient, a: { owner: string; repo: string; issue_number: number; body: string }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  const r = await gh.request<Json>('POST', `${repoBase(a.owner, a.repo)}/issues/${a.issue_number}/comments`, {
    body: { body: a.body },
    what: `commenting on #${a.issue_number} in ${a.owner}/${a.repo}`,
    verify: `list_issue_comments on #${a.issue_number} shows whether the comment is there`,
    ...opt(signal),
  });
  return compactComment(r.data);
}

export function listIssueComments(gh: GitHubClient, a: { owner: string; repo: string; issue_number: number; since?: string | undefined; page: number; per_page: number }, signal: Signal) {
  gh.assertRepo(a.owner, a.repo);
  return listPage(gh, `${repoBase(a.owner, a.repo)}/issues/${a.issue_number}/comments`, { query: { since: a.since }, page: a.page, per_page: a.per_page, what: `comments on #${a.issue_number} in ${a.owner}/${a.repo}`, signal }, compactComment);
}
