import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listPullReviewComments } from '../lib/pulls.js';
import { pageShape, reviewCommentShape } from '../lib/shapes.js';
import { listing, untrustedBlock } from './render.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, pagingFields, READ_ONLY } from './shared.js';

export const getPullRequestComments = githubTool({
  name: 'get_pull_request_comments',
  title: 'List pull request review comments',
  description: 'Lists the line comments of a pull request\'s reviews (the conversation comments are in list_issue_comments). Paged.',
  toolset: 'pull_requests',
  input: z.object({ ...pullRefFields, ...pagingFields }),
  output: z.object({ comments: z.array(reviewCommentShape).describe('Review comments.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await listPullReviewComments(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return {
      structured: { comments: items, paging },
      text: listing(`Review comments on #${args.pull_number} in ${args.owner}/${args.repo}:`, untrustedBlock(items.map((c) => `--- ${c.author ?? 'ghost'} on ${c.path ?? '?'}${c.line ? `:${c.line}` : ''} (id ${c.id}):\n${c.body}`), `github review comments on ${args.owner}/${args.repo}#${args.pull_number}`), paging, 'No review comments.'),
    };
  },
});
