import { defineTool, type ToolContext, z } from '@portico/protocol';
import { unstageAll } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { resetPreview } from './previews.js';
import { inRepo, repoPathField } from './shared.js';

export const gitReset = defineTool({
  name: 'git_reset',
  title: 'Unstage everything',
  description: 'Unstages all staged changes (the index goes back to HEAD). The working tree is not touched, so no edits are lost. Works in a repository without commits too.',
  toolset: 'write',
  input: z.object({ repo_path: repoPathField }),
  output: z.object({ unstaged: z.boolean().describe('Always true on success.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  // Opens the repository exactly as the handler does (same sandbox refusals), then lists what is unstaged.
  async preview(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, ({ repo }) => resetPreview(repo));
  },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      await unstageAll(repo);
      return { structured: { unstaged: true }, text: 'All staged changes reset.' };
    });
  },
});
