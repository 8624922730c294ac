/**
 * The archived @modelcontextprotocol/server-github (2025.4.8) tool names and their parameters, read from its
 * published zod schemas. Every one must keep working here.
 */
const repo = ['owner', 'repo'];
const pull = [...repo, 'pull_number'];

export const DROP_IN_PARAMS: Record<string, string[]> = {
  create_or_update_file: [...repo, 'path', 'content', 'message', 'branch', 'sha'],
  search_repositories: ['query', 'page', 'perPage'],
  create_repository: ['name', 'description', 'private', 'autoInit'],
  get_file_contents: [...repo, 'path', 'branch'],
  push_files: [...repo, 'branch', 'files', 'message'],
  create_issue: [...repo, 'title', 'body', 'assignees', 'milestone', 'labels'],
  create_pull_request: [...repo, 'title', 'body', 'head', 'base', 'draft', 'maintainer_can_modify'],
  fork_repository: [...repo, 'organization'],
  create_branch: [...repo, 'branch', 'from_branch'],
  list_commits: [...repo, 'sha', 'page', 'perPage'],
  list_issues: [...repo, 'direction', 'labels', 'page', 'per_page', 'since', 'sort', 'state'],
  update_issue: [...repo, 'issue_number', 'title', 'body', 'assignees', 'milestone', 'labels', 'state'],
  add_issue_comment: [...repo, 'issue_number', 'body'],
  search_code: ['q', 'order', 'page', 'per_page'],
  search_issues: ['q', 'order', 'page', 'per_page', 'sort'],
  search_users: ['q', 'order', 'page', 'per_page', 'sort'],
  get_issue: [...repo, 'issue_number'],
  get_pull_request: pull,
  list_pull_requests: [...repo, 'state', 'head', 'base', 'sort', 'direction', 'per_page', 'page'],
  create_pull_request_review: [...pull, 'commit_id', 'body', 'event', 'comments'],
  merge_pull_request: [...pull, 'commit_title', 'commit_message', 'merge_method'],
  get_pull_request_files: pull,
  get_pull_request_status: pull,
  update_pull_request_branch: [...pull, 'expected_head_sha'],
  get_pull_request_comments: pull,
  get_pull_request_reviews: pull,
};
