import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listCommits as list } from '../lib/repos.js';
import { commitShape, pageShape } from '../lib/shapes.js';
import { commitLine, listing, untrustedBlock } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listCommits = githubTool({
  name: 'list_commits',
  title: 'List commits',
  description: 'Lists commits of a branch (newest first), optionally only those touching a path. Paged.',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    sha: z.string().max(255).optional().describe('Branch name, tag or commit SHA to list from (default: the default branch).'),
    path: z.string().max(4096).optional().describe('Only commits that touch this file or directory.'),
    ...pagingFields,
  }),
  output: z.object({ commits: z.array(commitShape).describe('Commits, newest first.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { commits: items, paging }, text: listing(`Commits of ${args.owner}/${args.repo}${args.sha ? ` (${args.sha})` : ''}:`, untrustedBlock(items.map(commitLine), `github commits of ${args.owner}/${args.repo}`), paging) };
  },
});
