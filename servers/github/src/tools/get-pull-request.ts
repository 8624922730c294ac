import { z } from '@portico/protocol';
import { getPull } from '../lib/pulls.js';
import { pullShape } from '../lib/shapes.js';
import { pullRefFields, pullText } from './pull-fields.js';
import { githubTool, READ_ONLY } from './shared.js';

export const getPullRequest = githubTool({
  name: 'get_pull_request',
  title: 'Get a pull request',
  description: 'Returns one pull request: title, body, branches, head SHA, mergeability and size.',
  toolset: 'pull_requests',
  input: z.object(pullRefFields),
  output: pullShape,
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const pr = await getPull(deps.github, args, signal);
    return { structured: pr, text: pullText(pr, `${args.owner}/${args.repo}`) };
  },
});
