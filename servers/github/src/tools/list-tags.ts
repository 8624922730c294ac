import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listTags as list } from '../lib/repos.js';
import { pageShape, tagShape } from '../lib/shapes.js';
import { listing } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listTags = githubTool({
  name: 'list_tags',
  title: 'List tags',
  description: 'Lists the tags of a repository with the commits they point at. Paged.',
  toolset: 'repos',
  input: z.object({ owner: ownerField, repo: repoField, ...pagingFields }),
  output: z.object({ tags: z.array(tagShape).describe('Tags.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { tags: items, paging }, text: listing(`Tags of ${args.owner}/${args.repo}:`, items.map((t) => `${t.name} ${t.sha.slice(0, 7)}`), paging) };
  },
});
