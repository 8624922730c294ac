/**
 * The compact shapes this server returns: the fields a model needs, not GitHub's full JSON (a single issue
 * from the REST API is ~5 KB, mostly URLs to other endpoints). These zod schemas are the tools' output
 * schemas and, through z.infer, the types the mappers in compact.ts produce: one source for both.
 */
import * as z from 'zod';

const login = z.string().nullable().describe('GitHub login, or null for a deleted (ghost) user.');
const when = z.string().nullable().describe('ISO 8601 time, or null.');

export const repoShape = z.object({
  full_name: z.string().describe('owner/name'),
  description: z.string().nullable().describe('Repository description.'),
  private: z.boolean().describe('Whether the repository is private.'),
  fork: z.boolean().describe('Whether it is a fork.'),
  archived: z.boolean().describe('Whether it is archived (read-only).'),
  default_branch: z.string().nullable().describe('Default branch name.'),
  language: z.string().nullable().describe('Main language.'),
  stars: z.number().describe('Stargazer count.'),
  forks: z.number().describe('Fork count.'),
  open_issues: z.number().describe('Open issues and pull requests.'),
  html_url: z.string().describe('Web page of the repository.'),
  updated_at: when,
});
export type RepoSummary = z.infer<typeof repoShape>;

export const issueShape = z.object({
  number: z.number().describe('Issue number.'),
  title: z.string().describe('Title.'),
  state: z.string().describe('open or closed.'),
  state_reason: z.string().nullable().describe('completed, not_planned, reopened or null.'),
  is_pull_request: z.boolean().describe('GitHub lists pull requests among issues; true for those.'),
  author: login,
  labels: z.array(z.string()).describe('Label names.'),
  assignees: z.array(z.string()).describe('Assignee logins.'),
  milestone: z.string().nullable().describe('Milestone title.'),
  comments: z.number().describe('Number of comments.'),
  created_at: when,
  updated_at: when,
  closed_at: when,
  html_url: z.string().describe('Web page.'),
  repository: z.string().nullable().describe('owner/name of the repository (search results span repositories).'),
  body: z.string().nullable().optional().describe('Body in Markdown (single-issue results only).'),
});
export type IssueSummary = z.infer<typeof issueShape>;

export const commentShape = z.object({
  id: z.number().describe('Comment id.'),
  author: login,
  body: z.string().describe('Comment text.'),
  created_at: when,
  updated_at: when,
  html_url: z.string().describe('Web page.'),
});
export type CommentSummary = z.infer<typeof commentShape>;

export const pullShape = z.object({
  number: z.number().describe('Pull request number.'),
  title: z.string().describe('Title.'),
  state: z.string().describe('open or closed.'),
  draft: z.boolean().describe('Draft pull request.'),
  merged: z.boolean().nullable().describe('Merged (null when GitHub did not say, e.g. in lists).'),
  mergeable: z.boolean().nullable().describe('Whether it can be merged; null while GitHub computes it.'),
  mergeable_state: z.string().nullable().describe('clean, dirty, blocked, behind, unstable, unknown...'),
  author: login,
  head: z.object({ ref: z.string().describe('Branch.'), sha: z.string().describe('Commit.'), repo: z.string().nullable().describe('owner/name') }).describe('Head (source) branch.'),
  base: z.object({ ref: z.string().describe('Branch.'), sha: z.string().describe('Commit.'), repo: z.string().nullable().describe('owner/name') }).describe('Base (target) branch.'),
  labels: z.array(z.string()).describe('Label names.'),
  requested_reviewers: z.array(z.string()).describe('Logins asked to review.'),
  created_at: when,
  updated_at: when,
  merged_at: when,
  html_url: z.string().describe('Web page.'),
  commits: z.number().nullable().describe('Commit count (single pull request only).'),
  additions: z.number().nullable().describe('Lines added (single pull request only).'),
  deletions: z.number().nullable().describe('Lines removed (single pull request only).'),
  changed_files: z.number().nullable().describe('Files changed (single pull request only).'),
  body: z.string().nullable().optional().describe('Description in Markdown (single pull request only).'),
});
export type PullSummary = z.infer<typeof pullShape>;

export const pullFileShape = z.object({
  filename: z.string().describe('Path.'),
  status: z.string().describe('added, removed, modified, renamed, copied, changed, unchanged.'),
  additions: z.number().describe('Lines added.'),
  deletions: z.number().describe('Lines removed.'),
  changes: z.number().describe('Lines changed.'),
  previous_filename: z.string().nullable().describe('Old path of a renamed file.'),
  patch: z.string().nullable().describe('Unified diff hunk (cut when long), or null for binary/huge files.'),
});
export type PullFileSummary = z.infer<typeof pullFileShape>;

export const reviewShape = z.object({
  id: z.number().describe('Review id.'),
  author: login,
  state: z.string().describe('APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING.'),
  body: z.string().nullable().describe('Review summary text.'),
  commit_id: z.string().nullable().describe('Commit reviewed.'),
  submitted_at: when,
  html_url: z.string().describe('Web page.'),
});
export type ReviewSummary = z.infer<typeof reviewShape>;

export const reviewCommentShape = z.object({
  id: z.number().describe('Comment id.'),
  author: login,
  path: z.string().nullable().describe('File commented on.'),
  line: z.number().nullable().describe('Line in the file (null when outdated).'),
  body: z.string().describe('Comment text.'),
  in_reply_to_id: z.number().nullable().describe('Comment this one answers.'),
  created_at: when,
  html_url: z.string().describe('Web page.'),
});
export type ReviewCommentSummary = z.infer<typeof reviewCommentShape>;

export const commitShape = z.object({
  sha: z.string().describe('Commit SHA.'),
  message: z.string().describe('Commit message.'),
  author_name: z.string().nullable().describe('Git author name.'),
  author_login: login,
  date: when,
  html_url: z.string().nullable().describe('Web page.'),
});
export type CommitSummary = z.infer<typeof commitShape>;

export const commitFileShape = z.object({
  filename: z.string().describe('Path.'),
  status: z.string().describe('added, removed, modified, renamed...'),
  additions: z.number().describe('Lines added.'),
  deletions: z.number().describe('Lines removed.'),
  changes: z.number().describe('Lines changed.'),
});

export const branchShape = z.object({
  name: z.string().describe('Branch name.'),
  sha: z.string().describe('Head commit.'),
  protected: z.boolean().describe('Whether branch protection is on.'),
});

export const tagShape = z.object({ name: z.string().describe('Tag name.'), sha: z.string().describe('Tagged commit.') });

export const releaseShape = z.object({
  id: z.number().describe('Release id.'),
  tag_name: z.string().describe('Tag.'),
  name: z.string().nullable().describe('Title.'),
  draft: z.boolean().describe('Draft (not published).'),
  prerelease: z.boolean().describe('Pre-release.'),
  author: login,
  created_at: when,
  published_at: when,
  html_url: z.string().describe('Web page.'),
  assets: z.array(z.object({ name: z.string().describe('File name.'), size: z.number().describe('Bytes.'), download_count: z.number().describe('Downloads.'), url: z.string().describe('Download URL.') })).describe('Attached files.'),
  body: z.string().nullable().optional().describe('Release notes (single release only).'),
});
export type ReleaseSummary = z.infer<typeof releaseShape>;

export const workflowRunShape = z.object({
  id: z.number().describe('Run id.'),
  name: z.string().nullable().describe('Workflow name.'),
  title: z.string().nullable().describe('Run title (commit message or PR title).'),
  status: z.string().nullable().describe('queued, in_progress, completed...'),
  conclusion: z.string().nullable().describe('success, failure, cancelled, skipped... (null until completed).'),
  event: z.string().describe('Trigger (push, pull_request, ...).'),
  branch: z.string().nullable().describe('Head branch.'),
  head_sha: z.string().describe('Commit.'),
  run_number: z.number().describe('Run number.'),
  attempt: z.number().nullable().describe('Attempt number.'),
  workflow_id: z.number().describe('Workflow id.'),
  created_at: when,
  updated_at: when,
  html_url: z.string().describe('Web page.'),
});
export type WorkflowRunSummary = z.infer<typeof workflowRunShape>;

export const jobShape = z.object({
  id: z.number().describe('Job id (use with get_job_logs).'),
  name: z.string().describe('Job name.'),
  status: z.string().describe('queued, in_progress, completed...'),
  conclusion: z.string().nullable().describe('success, failure... (null until completed).'),
  started_at: when,
  completed_at: when,
  failed_steps: z.array(z.string()).describe('Names of steps that failed.'),
  html_url: z.string().nullable().describe('Web page.'),
});
export type JobSummary = z.infer<typeof jobShape>;

export const checkRunShape = z.object({
  name: z.string().describe('Check name.'),
  status: z.string().describe('queued, in_progress, completed.'),
  conclusion: z.string().nullable().describe('success, failure, neutral, cancelled, skipped, timed_out, action_required.'),
  app: z.string().nullable().describe('App that reported it (e.g. GitHub Actions).'),
  details_url: z.string().nullable().describe('Where to read more.'),
});

export const statusShape = z.object({
  context: z.string().describe('Status context.'),
  state: z.string().describe('error, failure, pending, success.'),
  description: z.string().nullable().describe('Short description.'),
  target_url: z.string().nullable().describe('Where to read more.'),
});

export const userShape = z.object({
  login: z.string().describe('Login.'),
  type: z.string().describe('User, Organization or Bot.'),
  html_url: z.string().describe('Profile page.'),
});

export const codeHitShape = z.object({
  repository: z.string().describe('owner/name'),
  path: z.string().describe('File path.'),
  sha: z.string().describe('Blob SHA.'),
  html_url: z.string().describe('Web page.'),
});

export const contentEntryShape = z.object({
  name: z.string().describe('Entry name.'),
  path: z.string().describe('Path from the repository root.'),
  type: z.string().describe('file, dir, symlink or submodule.'),
  size: z.number().describe('Bytes (0 for directories).'),
  sha: z.string().describe('Blob or tree SHA (pass as sha to create_or_update_file to update).'),
});

export const pageShape = z.object({
  page: z.number().describe('Page returned.'),
  per_page: z.number().describe('Page size.'),
  next_page: z.number().nullable().describe('Page to ask for next, or null when this is the last.'),
  last_page: z.number().nullable().describe('Last page when known.'),
});
