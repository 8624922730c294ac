/** The ordered tool inventory: the official mcp-server-git tools first, then Portico's additions. */
import { gitAdd } from './git-add.js';
import { gitBlame } from './git-blame.js';
import { gitBranch } from './git-branch.js';
import { gitCheckout } from './git-checkout.js';
import { gitCommit } from './git-commit.js';
import { gitCreateBranch } from './git-create-branch.js';
import { gitDiff } from './git-diff.js';
import { gitDiffStaged } from './git-diff-staged.js';
import { gitDiffUnstaged } from './git-diff-unstaged.js';
import { gitGrep } from './git-grep.js';
import { gitListRepositories } from './git-list-repositories.js';
import { gitLog } from './git-log.js';
import { gitMergeBase } from './git-merge-base.js';
import { gitRemoteList } from './git-remote-list.js';
import { gitReset } from './git-reset.js';
import { gitRestore } from './git-restore.js';
import { gitShow } from './git-show.js';
import { gitStash } from './git-stash.js';
import { gitStashList } from './git-stash-list.js';
import { gitStatus } from './git-status.js';
import { gitTag } from './git-tag.js';
import { gitTagList } from './git-tag-list.js';

export const tools = [
  gitStatus,
  gitDiffUnstaged,
  gitDiffStaged,
  gitDiff,
  gitCommit,
  gitAdd,
  gitReset,
  gitLog,
  gitCreateBranch,
  gitCheckout,
  gitShow,
  gitBranch,
  gitListRepositories,
  gitBlame,
  gitGrep,
  gitMergeBase,
  gitRestore,
  gitStashList,
  gitStash,
  gitTagList,
  gitTag,
  gitRemoteList,
];
