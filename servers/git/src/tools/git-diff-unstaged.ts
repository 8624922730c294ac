import { indexDiffTool } from './diff-common.js';

export const gitDiffUnstaged = indexDiffTool('unstaged', {
  name: 'git_diff_unstaged',
  title: 'Unstaged changes',
  description: 'Shows changes in the working directory that are not yet staged (working tree vs index), as a unified diff with a per-file summary.',
  heading: 'Unstaged changes:',
});
