import { z } from '@portico/protocol';
import { createBranch as create } from '../lib/git-data.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const createBranch = githubTool({
  name: 'create_branch',
  title: 'Create a branch',
  description: 'Creates a branch pointing at the head of from_branch, or of the repository\'s actual default branch when from_branch is not given.',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    branch: z.string().min(1).max(255).describe('Name of the new branch, e.g. "fix/typo".'),
    from_branch: z.string().min(1).max(255).optional().describe('Branch to start from (default: the repository\'s default branch, whatever it is called).'),
  }),
  output: z.object({ branch: z.string().describe('Branch created.'), from: z.string().describe('Branch it started from.'), sha: z.string().describe('Commit it points at.') }),
  annotations: writer(false, false),
  async handler(args, { deps, signal }) {
    const result = await create(deps.github, args, signal);
    return { structured: result, text: `Created branch ${result.branch} in ${args.owner}/${args.repo} from ${result.from} at ${result.sha.slice(0, 7)}.` };
  },
});
