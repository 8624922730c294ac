import { z } from '@portico/protocol';
import { createPull } from '../lib/pulls.js';
import { pullShape } from '../lib/shapes.js';
import { pullText } from './pull-fields.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const createPullRequest = githubTool({
  name: 'create_pull_request',
  title: 'Create a pull request',
  description: 'Opens a pull request from head into base. For a branch in a fork, give head as "user:branch".',
  toolset: 'pull_requests',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    title: z.string().min(1).max(256).describe('Pull request title.'),
    body: z.string().max(65_536).optional().describe('Description in Markdown.'),
    head: z.string().min(1).max(300).describe('Branch with the changes ("branch", or "user:branch" from a fork).'),
    base: z.string().min(1).max(255).describe('Branch to merge into, e.g. "main".'),
    draft: z.boolean().optional().describe('Open it as a draft.'),
    maintainer_can_modify: z.boolean().optional().describe('Let maintainers push to the head branch.'),
  }),
  output: pullShape,
  annotations: writer(false, false),
  auditOmit: ['body'],
  async handler(args, { deps, signal }) {
    const pr = await createPull(deps.github, args, signal);
    return { structured: pr, text: `Opened pull request ${pullText(pr, `${args.owner}/${args.repo}`)}` };
  },
});
