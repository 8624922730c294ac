import { defineServer, readPackageInfo } from '@portico/protocol';
import type { GitDeps } from './deps.js';
import { tools } from './tools/index.js';

export const server = defineServer<GitDeps>({
  name: 'git',
  package: readPackageInfo(import.meta.url),
  title: 'Portico Git',
  instructions: [
    'Git tools confined to the repositories this server was started with (call git_list_repositories).',
    'Every tool takes repo_path; file paths are relative to the repository top level.',
    'Read: git_status, git_log, git_show, git_diff_unstaged, git_diff_staged, git_diff, git_branch, git_blame, git_grep, git_tag_list, git_stash_list, git_remote_list, git_merge_base.',
    'Write: git_add, git_commit, git_reset, git_restore, git_create_branch, git_checkout, git_stash, git_tag.',
    'Long diffs, logs and files are cut to a budget; the answer says which offset or skip value gets the rest.',
    'No network operations (fetch, pull, push) are available.',
  ].join('\n'),
  defaultPort: 3304,
  tools,
  toolsets: {
    read: 'inspect repositories: status, log, diffs, blame, grep, branches, tags, stashes, remotes',
    write: 'change repositories: stage, commit, unstage, restore, branch, checkout, stash, tag',
  },
});
