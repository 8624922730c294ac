import { defineTool, ToolError, type ToolContext, z } from '@portico/protocol';
import { type OpenedRepo, repoFiles } from '../lib/access.js';
import { restore } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { RepoError } from '../lib/errors.js';
import { restorePreview } from './previews.js';
import { inRepo, repoPathField } from './shared.js';

export const gitRestore = defineTool({
  name: 'git_restore',
  title: 'Restore files',
  description:
    'Restores files: by default discards their unstaged changes (working tree back to the index); staged=true unstages them (index back to HEAD); source restores them from a given commit. Discarded changes cannot be recovered. Either all paths are restored or none.',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    paths: z.array(z.string()).min(1).max(1000).describe('Files or folders to restore, relative to the repository top level.'),
    staged: z.boolean().default(false).describe('Restore the index (unstage) for these paths.'),
    worktree: z.boolean().optional().describe('Restore the working tree (discard edits). Default: true unless staged=true.'),
    source: z.string().optional().describe('Branch, tag or commit to take the content from (default: the index for the working tree, HEAD for the index).'),
  }),
  output: z.object({ restored: z.array(z.string()).describe('Paths restored.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  // The handler's own checks (repository, paths, source), then the files whose changes would be discarded.
  async preview(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { worktree, source, rels } = await checkedArguments(opened, args);
      if (args.staged && !source && (await opened.repo.isUnborn())) {
        throw new RepoError('empty_repository', 'nothing was restored: the repository has no commits yet, so there is no staged state to go back to.', 'use git_reset to unstage everything.');
      }
      return restorePreview(opened.repo, rels, { staged: args.staged, worktree, source, sourceLabel: args.source });
    });
  },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { worktree, source, rels } = await checkedArguments(opened, args);
      await restore(opened.repo, rels, { staged: args.staged, worktree, source });
      const what = [args.staged ? 'index' : '', worktree ? 'working tree' : ''].filter(Boolean).join(' and ');
      return { structured: { restored: rels }, text: `Restored the ${what} of ${rels.join(', ')}${args.source ? ` from ${args.source}` : ''}.` };
    });
  },
});

/** What both the preview and the handler check before anything runs. */
async function checkedArguments(opened: OpenedRepo, args: { paths: string[]; staged: boolean; worktree?: boolean | undefined; source?: string | undefined }) {
  const worktree = args.worktree ?? !args.staged;
  if (!worktree && !args.staged) throw new ToolError('nothing to restore: both staged and worktree are false.', { code: 'invalid_argument', hint: 'set staged=true, worktree=true, or both.' });
  const source = args.source ? await opened.repo.resolveCommit(args.source, 'source') : undefined;
  const rels = (await repoFiles(opened, args.paths))!;
  return { worktree, source, rels };
}
