import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listPullReviews } from '../lib/pulls.js';
import { pageShape, reviewShape } from '../lib/shapes.js';
import { listing, untrustedBlock } from './render.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, pagingFields, READ_ONLY } from './shared.js';

export const getPullRequestReviews = githubTool({
  name: 'get_pull_request_reviews',
  title: 'List pull request reviews',
  description: 'Lists the reviews of a pull request with their verdicts (APPROVED, CHANGES_REQUESTED, ...). Paged.',
  toolset: 'pull_requests',
  input: z.object({ ...pullRefFields, ...pagingFields }),
  output: z.object({ reviews: z.array(reviewShape).describe('Reviews, oldest first.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await listPullReviews(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return {
      structured: { reviews: items, paging },
      text: listing(`Reviews of #${args.pull_number} in ${args.owner}/${args.repo}:`, untrustedBlock(items.map((r) => `${r.state} by ${r.author ?? 'ghost'}${r.submitted_at ? ` at ${r.submitted_at}` : ''}${r.body ? `: ${r.body}` : ''}`), `github reviews of ${args.owner}/${args.repo}#${args.pull_number}`), paging, 'No reviews.'),
    };
  },
});
