import { z } from '@portico/protocol';
import { pushFiles as push } from '../lib/git-data.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const pushFiles = githubTool({
  name: 'push_files',
  title: 'Push several files in one commit',
  description:
    'Commits several text files to a branch in a single commit on top of its current head. Never force-pushes: if the branch moves meanwhile, the call fails saying so and nothing is overwritten (call again to commit on the new head).',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    branch: z.string().min(1).max(255).describe('Branch to push to (must exist), e.g. "main".'),
    files: z
      .array(z.object({ path: z.string().min(1).max(4096).describe('Path from the repository root.'), content: z.string().max(50_000_000).describe('Full content of the file (UTF-8 text).') }))
      .min(1)
      .max(500)
      .describe('Files to write (each replaces the whole file).'),
    message: z.string().min(1).max(10_000).describe('Commit message.'),
  }),
  output: z.object({
    branch: z.string().describe('Branch updated.'),
    commit_sha: z.string().describe('The new commit.'),
    parent_sha: z.string().describe('The commit it was made on top of.'),
    files: z.array(z.string()).describe('Paths written.'),
    html_url: z.string().nullable().describe('Web page of the commit.'),
  }),
  annotations: writer(true, false),
  async handler(args, { deps, signal }) {
    const result = await push(deps.github, args, signal);
    return { structured: result, text: `Pushed ${result.files.length} file(s) to ${args.branch} of ${args.owner}/${args.repo}: commit ${result.commit_sha.slice(0, 7)} on top of ${result.parent_sha.slice(0, 7)} (fast-forward).` };
  },
});
