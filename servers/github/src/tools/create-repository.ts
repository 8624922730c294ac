import { z } from '@portico/protocol';
import { createRepository as create } from '../lib/repos.js';
import { repoShape } from '../lib/shapes.js';
import { repoLine } from './render.js';
import { githubTool, writer } from './shared.js';


export const createRepository = githubTool({
  name: 'create_repository',
  title: 'Create a repository',
  description: 'Creates a repository under the token\'s own account. With GITHUB_REPOSITORIES set, the new owner/name must match it.',
  toolset: 'repos',
  input: z.object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name has only letters, digits, ".", "_" and "-"').describe('Repository name, e.g. "my-project".'),
    description: z.string().max(350).optional().describe('Short description.'),
    private: z.boolean().optional().describe('Create it private (default: public).'),
    autoInit: z.boolean().optional().describe('Create an initial commit with a README (so branches can be made right away).'),
  }),
  output: repoShape,
  annotations: writer(false, false),
  async handler(args, { deps, signal }) {
    const repo = await create(deps.github, args, signal);
    return { structured: repo, text: `Created ${repoLine(repo)}\n${repo.html_url}` };
  },
});
