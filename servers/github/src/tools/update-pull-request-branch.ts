import { z } from '@portico/protocol';
import { updatePullBranch } from '../lib/pulls.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, writer } from './shared.js';

export const updatePullRequestBranch = githubTool({
  name: 'update_pull_request_branch',
  title: 'Update a pull request branch',
  description: 'Merges the base branch into the pull request\'s head branch (GitHub\'s "Update branch" button). Runs asynchronously on GitHub.',
  toolset: 'pull_requests',
  input: z.object({
    ...pullRefFields,
    expected_head_sha: z.string().regex(/^[0-9a-f]{40}$/i, 'a commit SHA is 40 hex characters').optional().describe('Head SHA the branch must still have; otherwise GitHub refuses (422).'),
  }),
  output: z.object({ message: z.string().describe('GitHub\'s message.'), url: z.string().nullable().describe('Pull request URL.') }),
  annotations: writer(false, false),
  async handler(args, { deps, signal }) {
    const result = await updatePullBranch(deps.github, args, signal);
    return { structured: result, text: `${result.message} (#${args.pull_number} in ${args.owner}/${args.repo})` };
  },
});
