import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listPulls } from '../lib/pulls.js';
import { pageShape, pullShape } from '../lib/shapes.js';
import { listing, pullLine } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listPullRequests = githubTool({
  name: 'list_pull_requests',
  title: 'List pull requests',
  description: 'Lists pull requests of a repository, filtered by state and branches. Paged.',
  toolset: 'pull_requests',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    state: z.enum(['open', 'closed', 'all']).optional().describe('Which pull requests (default open).'),
    head: z.string().max(300).optional().describe('Only from this head, as "user:branch" or "org:branch".'),
    base: z.string().max(255).optional().describe('Only into this base branch.'),
    sort: z.enum(['created', 'updated', 'popularity', 'long-running']).optional().describe('Sort field (default created).'),
    direction: z.enum(['asc', 'desc']).optional().describe('Sort direction.'),
    ...pagingFields,
  }),
  output: z.object({ pull_requests: z.array(pullShape).describe('Pull requests (bodies left out; use get_pull_request).'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await listPulls(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { pull_requests: items, paging }, text: listing(`Pull requests of ${args.owner}/${args.repo} (${args.state ?? 'open'}):`, items.map(pullLine), paging) };
  },
});
