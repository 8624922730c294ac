import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { searchRepositories as search } from '../lib/search.js';
import { repoShape } from '../lib/shapes.js';
import { repoLine } from './render.js';
import { searchMeta, searchText } from './search-shared.js';
import { githubTool, pagingFields, READ_ONLY, SEARCH_BUCKET } from './shared.js';

export const searchRepositories = githubTool({
  name: 'search_repositories',
  title: 'Search repositories',
  description: 'Searches repositories with GitHub search syntax (e.g. "mcp language:typescript stars:>100"). Paged. With GITHUB_REPOSITORIES set, results outside it are left out.',
  toolset: 'search',
  input: z.object({ query: z.string().min(1).max(1000).describe('Search query in GitHub syntax.'), ...pagingFields }),
  output: z.object({ repositories: z.array(repoShape).describe('Matching repositories.'), ...searchMeta }),
  annotations: READ_ONLY,
  rateLimitBucket: SEARCH_BUCKET,
  async handler(args, { deps, signal }) {
    const page = await search(deps.github, { q: args.query, ...resolvePaging(args) }, signal);
    const { items, ...meta } = page;
    return { structured: { repositories: items, ...meta }, text: searchText('repositories', args.query, page, repoLine) };
  },
});
