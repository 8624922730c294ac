/** The ordered tool inventory: the order here is the order in tools/list (the archived server's 26 first). */
import { addIssueComment } from './add-issue-comment.js';
import { createBranch } from './create-branch.js';
import { createIssue } from './create-issue.js';
import { createOrUpdateFile } from './create-or-update-file.js';
import { createPullRequest } from './create-pull-request.js';
import { createPullRequestReview } from './create-pull-request-review.js';
import { createRelease } from './create-release.js';
import { createRepository } from './create-repository.js';
import { forkRepository } from './fork-repository.js';
import { getCommit } from './get-commit.js';
import { getFileContents } from './get-file-contents.js';
import { getIssue } from './get-issue.js';
import { getJobLogs } from './get-job-logs.js';
import { getLatestRelease } from './get-latest-release.js';
import { getMe } from './get-me.js';
import { getPullRequest } from './get-pull-request.js';
import { getPullRequestComments } from './get-pull-request-comments.js';
import { getPullRequestDiff } from './get-pull-request-diff.js';
import { getPullRequestFiles } from './get-pull-request-files.js';
import { getPullRequestReviews } from './get-pull-request-reviews.js';
import { getPullRequestStatus } from './get-pull-request-status.js';
import { getWorkflowRun } from './get-workflow-run.js';
import { listBranches } from './list-branches.js';
import { listCommits } from './list-commits.js';
import { listIssueComments } from './list-issue-comments.js';
import { listIssues } from './list-issues.js';
import { listPullRequests } from './list-pull-requests.js';
import { listReleases } from './list-releases.js';
import { listTags } from './list-tags.js';
import { listWorkflowRuns } from './list-workflow-runs.js';
import { mergePullRequest } from './merge-pull-request.js';
import { pushFiles } from './push-files.js';
import { rerunWorkflow } from './rerun-workflow.js';
import { searchCode } from './search-code.js';
import { searchIssues } from './search-issues.js';
import { searchRepositories } from './search-repositories.js';
import { searchUsers } from './search-users.js';
import { updateIssue } from './update-issue.js';
import { updatePullRequestBranch } from './update-pull-request-branch.js';
import type { GitHubTool } from './shared.js';

/** The archived @modelcontextprotocol/server-github tools, in its order. */
export const dropInTools: GitHubTool[] = [
  createOrUpdateFile, searchRepositories, createRepository, getFileContents, pushFiles, createIssue, createPullRequest, forkRepository,
  createBranch, listCommits, listIssues, updateIssue, addIssueComment, searchCode, searchIssues, searchUsers, getIssue, getPullRequest,
  listPullRequests, createPullRequestReview, mergePullRequest, getPullRequestFiles, getPullRequestStatus, updatePullRequestBranch,
  getPullRequestComments, getPullRequestReviews,
];

export const extraTools: GitHubTool[] = [
  getMe, listBranches, listTags, getCommit, listIssueComments, getPullRequestDiff,
  listWorkflowRuns, getWorkflowRun, getJobLogs, rerunWorkflow, listReleases, getLatestRelease, createRelease,
];

export const tools: GitHubTool[] = [...dropInTools, ...extraTools];
