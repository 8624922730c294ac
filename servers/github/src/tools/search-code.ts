import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { searchCode as search } from '../lib/search.js';
import { codeHitShape } from '../lib/shapes.js';
import { orderField, searchMeta, searchText } from './search-shared.js';
import { githubTool, pagingFields, READ_ONLY, SEARCH_BUCKET } from './shared.js';

export const searchCode = githubTool({
  name: 'search_code',
  title: 'Search code',
  description: 'Searches file contents with GitHub code search syntax (e.g. "useState repo:facebook/react path:src"). Paged. With GITHUB_REPOSITORIES set, results outside it are left out; add repo:owner/name to the query to search only there.',
  toolset: 'search',
  input: z.object({
    q: z.string().min(1).max(1000).describe('Search query in GitHub code search syntax.'),
    order: orderField,
    ...pagingFields,
  }),
  output: z.object({ items: z.array(codeHitShape).describe('Matching files.'), ...searchMeta }),
  annotations: READ_ONLY,
  rateLimitBucket: SEARCH_BUCKET,
  async handler(args, { deps, signal }) {
    const page = await search(deps.github, { q: args.q, order: args.order, ...resolvePaging(args) }, signal);
    return { structured: page, text: searchText('files', args.q, page, (h) => `${h.repository}: ${h.path}`) };
  },
});
