import { stripInvisibleText, z } from '@portico/protocol';
import { getPull, mergePull } from '../lib/pulls.js';
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
  auditOmit: ['commit_message'],
  // One GET of the pull request names what the user is agreeing to: its title, branches and head.
  async preview(args, { deps, signal }) {
    const pr = await getPull(deps.github, args, signal);
    const method = args.merge_method ?? 'merge';
    const pin = args.sha ? ` GitHub refuses if the head is no longer ${args.sha.slice(0, 12)}.` : '';
    return `Merge pull request #${pr.number} "${stripInvisibleText(pr.title)}" of ${args.owner}/${args.repo} (${pr.head.ref} -> ${pr.base.ref}, head ${pr.head.sha.slice(0, 12)}) with merge method ${method}${args.commit_title ? `, commit title "${args.commit_title}"` : ''}.${pin}`;
  },
  async handler(args, { deps, signal }) {
    const result = await mergePull(deps.github, args, signal);
    return { structured: result, text: `${result.merged ? 'Merged' : 'Not merged:'} #${args.pull_number} in ${args.owner}/${args.repo}${result.sha ? ` as ${result.sha.slice(0, 7)}` : ''}. ${result.message}` };
  },
});
