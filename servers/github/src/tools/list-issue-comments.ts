import { z } from '@portico/protocol';
import { listIssueComments as list } from '../lib/issues.js';
import { resolvePaging } from '../lib/paging.js';
import { commentShape, pageShape } from '../lib/shapes.js';
import { listing, untrustedBlock } from './render.js';
import { githubTool, numberField, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listIssueComments = githubTool({
  name: 'list_issue_comments',
  title: 'List issue comments',
  description: 'Lists the comments on an issue or pull request conversation, oldest first. Paged.',
  toolset: 'issues',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    issue_number: numberField('Issue or pull request'),
    since: z.string().max(40).optional().describe('Only comments updated at or after this ISO 8601 time.'),
    ...pagingFields,
  }),
  output: z.object({ comments: z.array(commentShape).describe('Comments, oldest first.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return {
      structured: { comments: items, paging },
      text: listing(`Comments on #${args.issue_number} in ${args.owner}/${args.repo}:`, untrustedBlock(items.map((c) => `--- ${c.author ?? 'ghost'} at ${c.created_at ?? '?'} (id ${c.id}):\n${c.body}`), `github comments on ${args.owner}/${args.repo}#${args.issue_number}`), paging, 'No comments.'),
    };
  },
});

