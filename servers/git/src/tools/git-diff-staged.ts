import { indexDiffTool } from './diff-common.js';

export const gitDiffStaged = indexDiffTool('staged', {
  name: 'git_diff_staged',
  title: 'Staged changes',
  description: 'Shows changes that are staged for commit (index vs HEAD; in a repository without commits, everything staged), as a unified diff with a per-file summary.',
  heading: 'Staged changes:',
});
