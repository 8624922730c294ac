import { z } from '@portico/protocol';
import { listIssues as list } from '../lib/issues.js';
import { resolvePaging } from '../lib/paging.js';
import { issueShape, pageShape } from '../lib/shapes.js';
import { issueLine, listing } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listIssues = githubTool({
  name: 'list_issues',
  title: 'List issues',
  description: 'Lists issues of a repository, filtered by state and labels. GitHub includes pull requests in this list; they are marked is_pull_request. Paged.',
  toolset: 'issues',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    state: z.enum(['open', 'closed', 'all']).optional().describe('Which issues (default open).'),
    labels: z.array(z.string().max(100).describe('A label name.')).max(20).optional().describe('Only issues with all these labels.'),
    sort: z.enum(['created', 'updated', 'comments']).optional().describe('Sort field (default created).'),
    direction: z.enum(['asc', 'desc']).optional().describe('Sort direction (default desc).'),
    since: z.string().max(40).optional().describe('Only issues updated at or after this ISO 8601 time.'),
    ...pagingFields,
  }),
  output: z.object({ issues: z.array(issueShape).describe('Issues (bodies left out; use get_issue).'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { issues: items, paging }, text: listing(`Issues of ${args.owner}/${args.repo} (${args.state ?? 'open'}):`, items.map(issueLine), paging) };
  },
});
