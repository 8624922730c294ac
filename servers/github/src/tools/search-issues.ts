import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { searchIssues as search } from '../lib/search.js';
import { issueShape } from '../lib/shapes.js';
import { issueLine } from './render.js';
import { orderField, searchMeta, searchText } from './search-shared.js';
import { githubTool, pagingFields, READ_ONLY, SEARCH_BUCKET } from './shared.js';

export const searchIssues = githubTool({
  name: 'search_issues',
  title: 'Search issues and pull requests',
  description: 'Searches issues and pull requests with GitHub search syntax (e.g. "is:open is:issue label:bug repo:owner/name"). Paged. With GITHUB_REPOSITORIES set, results outside it are left out.',
  toolset: 'search',
  input: z.object({
    q: z.string().min(1).max(1000).describe('Search query in GitHub issue search syntax.'),
    sort: z
      .enum(['comments', 'reactions', 'reactions-+1', 'reactions--1', 'reactions-smile', 'reactions-thinking_face', 'reactions-heart', 'reactions-tada', 'interactions', 'created', 'updated'])
      .optional()
      .describe('Sort field (default: best match).'),
    order: orderField,
    ...pagingFields,
  }),
  output: z.object({ items: z.array(issueShape).describe('Matching issues and pull requests.'), ...searchMeta }),
  annotations: READ_ONLY,
  rateLimitBucket: SEARCH_BUCKET,
  async handler(args, { deps, signal }) {
    const page = await search(deps.github, { q: args.q, sort: args.sort, order: args.order, ...resolvePaging(args) }, signal);
    return { structured: page, text: searchText('issues/pull requests', args.q, page, issueLine) };
  },
});
