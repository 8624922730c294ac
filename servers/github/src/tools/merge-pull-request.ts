import { z } from '@portico/protocol';
import { mergePull } from '../lib/pulls.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, writer } from './shared.js';

export const mergePullRequest = githubTool({
  name: 'merge_pull_request',
  title: 'Merge a pull request',
  description: 'Merges a pull request. Pass sha (the head SHA you reviewed) to refuse the merge if the branch changed since: GitHub then answers 409 and nothing is merged.',
  toolset: 'pull_requests',
  input: z.object({
    ...pullRefFields,
    commit_title: z.string().max(256).optional().describe('Title of the merge commit.'),
    commit_message: z.string().max(65_536).optional().describe('Extra detail for the merge commit message.'),
    merge_method: z.enum(['merge', 'squash', 'rebase']).optional().describe('How to merge (default merge).'),
    sha: z.string().regex(/^[0-9a-f]{40}$/i, 'a commit SHA is 40 hex characters').optional().describe('Head SHA the pull request must still have to be merged.'),
  }),
  output: z.object({ merged: z.boolean().describe('Whether it was merged.'), sha: z.string().nullable().describe('The merge commit SHA.'), message: z.string().describe('GitHub\'s message.') }),
  annotations: writer(true, false),
  async handler(args, { deps, signal }) {
    const result = await mergePull(deps.github, args, signal);
    return { structured: result, text: `${result.merged ? 'Merged' : 'Not merged:'} #${args.pull_number} in ${args.owner}/${args.repo}${result.sha ? ` as ${result.sha.slice(0, 7)}` : ''}. ${result.message}` };
  },
});
