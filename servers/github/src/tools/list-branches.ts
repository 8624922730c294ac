import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listBranches as list } from '../lib/repos.js';
import { branchShape, pageShape } from '../lib/shapes.js';
import { listing } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listBranches = githubTool({
  name: 'list_branches',
  title: 'List branches',
  description: 'Lists the branches of a repository with their head commits and protection. Paged.',
  toolset: 'repos',
  input: z.object({ owner: ownerField, repo: repoField, ...pagingFields }),
  output: z.object({ branches: z.array(branchShape).describe('Branches.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { branches: items, paging }, text: listing(`Branches of ${args.owner}/${args.repo}:`, items.map((b) => `${b.name} ${b.sha.slice(0, 7)}${b.protected ? ' (protected)' : ''}`), paging) };
  },
});
