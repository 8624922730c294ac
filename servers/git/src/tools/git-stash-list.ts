import { defineTool, type ToolContext, z } from '@portico/protocol';
import { stashList } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const stashEntrySchema = z.object({
  index: z.number().describe('Position in the stash (0 = newest).'),
  ref: z.string().describe('e.g. stash@{0}'),
  commit: z.string().describe('Stash commit hash.'),
  message: z.string().describe('Stash message.'),
  date: z.string().describe('When it was stashed, ISO 8601.'),
});

export const gitStashList = defineTool({
  name: 'git_stash_list',
  title: 'List stashes',
  description: 'Lists the stash entries (newest first). Read-only twin of git_stash action=list.',
  toolset: 'read',
  input: z.object({ repo_path: repoPathField }),
  output: z.object({ stashes: z.array(stashEntrySchema).describe('Stash entries, newest first.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const stashes = await stashList(repo);
      return { structured: { stashes }, text: stashes.length ? stashes.map((s) => `${s.ref}: ${s.message}`).join('\n') : 'The stash is empty.' };
    });
  },
});
