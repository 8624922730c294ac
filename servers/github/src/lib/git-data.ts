/**
 * Multi-file commits and branches through the git data API. push_files never force-updates a ref: the final
 * PATCH sends force:false, and when the branch moved meanwhile GitHub's "not a fast forward" becomes an error
 * that says nothing was overwritten. create_branch starts from the repository's real default branch.
 */
import type { GitHubClient } from './client.js';
import type { Json } from './compact.js';
import { GitHubApiError } from './errors.js';
import { encodePath, repoBase, repoPathProblem } from './paths.js';

export interface PushFile {
  path: string;
  content: string;
}

export interface PushResult {
  branch: string;
  commit_sha: string;
  parent_sha: string;
  files: string[];
  html_url: string | null;
}

const refPath = (owner: string, repo: string, kind: 'ref' | 'refs', branch: string) => `${repoBase(owner, repo)}/git/${kind}/heads/${encodePath(branch)}`;

export async function branchHead(gh: GitHubClient, owner: string, repo: string, branch: string, signal?: AbortSignal): Promise<string> {
  const response = await gh.request<Json>('GET', refPath(owner, repo, 'ref', branch), { what: `branch "${branch}" of ${owner}/${repo}`, ...(signal ? { signal } : {}) });
  const sha = (response.data.object as Json | undefined)?.sha;
  if (typeof sha !== 'string') throw new GitHubApiError(`GitHub returned no commit for branch "${branch}" of ${owner}/${repo}.`, 'upstream_error', undefined, undefined);
  return sha;
}

export function validatePushFiles(files: PushFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    const path = f.path.replace(/^\/+/, '');
    const problem = repoPathProblem(path) ?? (path === '' ? 'is empty' : undefined);
    if (problem) throw new GitHubApiError(`file path "${f.path}" ${problem}.`, 'validation_failed', 'use paths relative to the repository root, like src/index.ts.', undefined);
    if (seen.has(path)) throw new GitHubApiError(`file path "${path}" appears twice in files.`, 'validation_failed', 'give each path once.', undefined);
    seen.add(path);
  }
}

export async function pushFiles(gh: GitHubClient, args: { owner: string; repo: string; branch: string; files: PushFile[]; message: string }, signal?: AbortSignal): Promise<PushResult> {
  const { owner, repo, branch } = args;
  gh.assertRepo(owner, repo);
  validatePushFiles(args.files);
  const opts = signal ? { signal } : {};
  const parent = await branchHead(gh, owner, repo, branch, signal);
  const parentCommit = await gh.request<Json>('GET', `${repoBase(owner, repo)}/git/commits/${encodeURIComponent(parent)}`, { what: `commit ${parent} of ${owner}/${repo}`, ...opts });
  const baseTree = String((parentCommit.data.tree as Json).sha);
  const tree = await gh.request<Json>('POST', `${repoBase(owner, repo)}/git/trees`, {
    body: { base_tree: baseTree, tree: args.files.map((f) => ({ path: f.path.replace(/^\/+/, ''), mode: '100644', type: 'blob', content: f.content })) },
    what: `a tree for ${args.files.length} file(s) in ${owner}/${repo}`,
    verify: `nothing is on branch "${branch}" until push_files' last step: list_commits on it confirms, then push_files can be called again`,
    ...opts,
  });
  const commit = await gh.request<Json>('POST', `${repoBase(owner, repo)}/git/commits`, {
    body: { message: args.message, tree: tree.data.sha, parents: [parent] },
    what: `a commit on ${owner}/${repo}`,
    verify: `nothing is on branch "${branch}" until push_files' last step: list_commits on it confirms, then push_files can be called again`,
    ...opts,
  });
  const commitSha = String(commit.data.sha);
  try {
    // force:false, always: a push from this server never rewrites history.
    await gh.request('PATCH', refPath(owner, repo, 'refs', branch), {
      body: { sha: commitSha, force: false },
      what: `updating branch "${branch}" of ${owner}/${repo}`,
      verify: `list_commits on branch "${branch}" shows whether its head is now ${commitSha.slice(0, 7)}`,
      ...opts,
    });
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 422 && /fast.?forward/i.test(error.message)) {
      throw new GitHubApiError(
        `branch "${branch}" of ${owner}/${repo} moved while the files were being pushed (someone else pushed after ${parent.slice(0, 7)}), so updating it would not be a fast-forward. Nothing was overwritten: this server never force-pushes. The prepared commit ${commitSha.slice(0, 7)} is not on any branch.`,
        'non_fast_forward',
        'call push_files again: it will commit on top of the new head. Read the changed files first if your edits depend on them.',
        422,
      );
    }
    throw error;
  }
  return { branch, commit_sha: commitSha, parent_sha: parent, files: args.files.map((f) => f.path.replace(/^\/+/, '')), html_url: typeof commit.data.html_url === 'string' ? commit.data.html_url : null };
}

export async function defaultBranch(gh: GitHubClient, owner: string, repo: string, signal?: AbortSignal): Promise<string> {
  const response = await gh.request<Json>('GET', repoBase(owner, repo), { what: `repository ${owner}/${repo}`, ...(signal ? { signal } : {}) });
  const name = response.data.default_branch;
  if (typeof name !== 'string' || !name) throw new GitHubApiError(`${owner}/${repo} has no default branch (it is probably empty).`, 'conflict', 'push a first commit, or pass from_branch.', undefined);
  return name;
}

export async function createBranch(gh: GitHubClient, args: { owner: string; repo: string; branch: string; from_branch?: string | undefined }, signal?: AbortSignal): Promise<{ branch: string; from: string; sha: string }> {
  const { owner, repo } = args;
  gh.assertRepo(owner, repo);
  const from = args.from_branch ?? (await defaultBranch(gh, owner, repo, signal));
  const sha = await branchHead(gh, owner, repo, from, signal);
  await gh.request('POST', `${repoBase(owner, repo)}/git/refs`, {
    body: { ref: `refs/heads/${args.branch}`, sha },
    what: `creating branch "${args.branch}" in ${owner}/${repo}`,
    verify: `list_branches on ${owner}/${repo} shows whether "${args.branch}" exists`,
    ...(signal ? { signal } : {}),
  });
  return { branch: args.branch, from, sha };
}
