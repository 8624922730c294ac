import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { searchUsers as search } from '../lib/search.js';
import { userShape } from '../lib/shapes.js';
import { orderField, searchMeta, searchText } from './search-shared.js';
import { githubTool, pagingFields, READ_ONLY, SEARCH_BUCKET } from './shared.js';

export const searchUsers = githubTool({
  name: 'search_users',
  title: 'Search users',
  description: 'Searches users and organizations with GitHub search syntax (e.g. "tom location:berlin followers:>100"). Paged.',
  toolset: 'users',
  input: z.object({
    q: z.string().min(1).max(1000).describe('Search query in GitHub user search syntax.'),
    sort: z.enum(['followers', 'repositories', 'joined']).optional().describe('Sort field (default: best match).'),
    order: orderField,
    ...pagingFields,
  }),
  output: z.object({ items: z.array(userShape).describe('Matching accounts.'), ...searchMeta }),
  annotations: READ_ONLY,
  rateLimitBucket: SEARCH_BUCKET,
  async handler(args, { deps, signal }) {
    const page = await search(deps.github, { q: args.q, sort: args.sort, order: args.order, ...resolvePaging(args) }, signal);
    return { structured: page, text: searchText('accounts', args.q, page, (u) => `${u.login} (${u.type}) ${u.html_url}`) };
  },
});
