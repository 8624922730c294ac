import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listReleases as list } from '../lib/releases.js';
import { pageShape, releaseShape } from '../lib/shapes.js';
import { listing, releaseLine } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listReleases = githubTool({
  name: 'list_releases',
  title: 'List releases',
  description: 'Lists releases of a repository, newest first, including drafts (if the token may see them) and pre-releases. Paged.',
  toolset: 'releases',
  input: z.object({ owner: ownerField, repo: repoField, ...pagingFields }),
  output: z.object({ releases: z.array(releaseShape).describe('Releases (notes left out; see get_latest_release).'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { releases: items, paging }, text: listing(`Releases of ${args.owner}/${args.repo}:`, items.map(releaseLine), paging) };
  },
});
