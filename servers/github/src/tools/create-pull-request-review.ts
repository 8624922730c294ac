import { z } from '@portico/protocol';
import { createReview } from '../lib/pulls.js';
import { reviewShape } from '../lib/shapes.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, writer } from './shared.js';

export const createPullRequestReview = githubTool({
  name: 'create_pull_request_review',
  title: 'Review a pull request',
  description: 'Submits a review: approve, request changes or comment, with optional line comments. REQUEST_CHANGES and COMMENT need a body.',
  toolset: 'pull_requests',
  input: z.object({
    ...pullRefFields,
    commit_id: z.string().regex(/^[0-9a-f]{40}$/i, 'a commit SHA is 40 hex characters').optional().describe('Commit being reviewed (default: the current head).'),
    body: z.string().max(65_536).describe('Review summary text.'),
    event: z.enum(['APPROVE', 'REQUEST_CHANGES', 'COMMENT']).describe('The review verdict.'),
    comments: z
      .array(
        z.object({
          path: z.string().min(1).max(4096).describe('File the comment is on.'),
          position: z.number().int().positive().optional().describe('Line position within the diff hunk (older style; or use line).'),
          line: z.number().int().positive().optional().describe('Line number in the file (newer style; or use position).'),
          side: z.enum(['LEFT', 'RIGHT']).optional().describe('Side of the diff for line (default RIGHT).'),
          body: z.string().min(1).max(65_536).describe('Comment text.'),
        }),
      )
      .max(100)
      .optional()
      .describe('Line comments to attach to the review.'),
  }),
  output: reviewShape,
  annotations: writer(false, false),
  auditOmit: ['body', 'comments'],
  async handler(args, { deps, signal }) {
    const review = await createReview(deps.github, args, signal);
    return { structured: review, text: `Submitted ${review.state} review ${review.id} on #${args.pull_number} in ${args.owner}/${args.repo}: ${review.html_url}` };
  },
});
