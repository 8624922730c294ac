import { z } from '@portico/protocol';
import { forkRepository as fork } from '../lib/repos.js';
import { repoShape } from '../lib/shapes.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const forkRepository = githubTool({
  name: 'fork_repository',
  title: 'Fork a repository',
  description: 'Forks a repository into the token\'s account or an organization. GitHub creates forks asynchronously: the fork may take a few seconds to have content.',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    organization: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'an organization login').optional().describe('Organization to fork into (default: your own account).'),
  }),
  output: repoShape.extend({ parent: z.string().nullable().describe('The repository it was forked from.') }),
  annotations: writer(false, true),
  async handler(args, { deps, signal }) {
    const repo = await fork(deps.github, args, signal);
    return { structured: repo, text: `Forked ${repo.parent} to ${repo.full_name}: ${repo.html_url}` };
  },
});
