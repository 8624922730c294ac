import { defineTool, type ToolContext, z } from '@portico/protocol';
import { readStatus, renderStatus } from '../lib/status.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

const DEFAULT_MAX_ENTRIES = 500;

export const gitStatus = defineTool({
  name: 'git_status',
  title: 'Working tree status',
  description:
    'Shows the working tree status: current branch (or detached HEAD), upstream ahead/behind, staged, unstaged, conflicted and untracked files, and any merge or rebase in progress.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    max_entries: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_ENTRIES).describe('Largest number of file entries to return (default 500).'),
    offset: z.number().int().min(0).default(0).describe('Number of entries to skip, to continue a cut answer.'),
  }),
  output: z.object({
    branch: z
      .object({
        name: z.string().nullable().describe('Current branch, or null when HEAD is detached.'),
        detached: z.boolean().describe('True when HEAD is not on a branch.'),
        commit: z.string().nullable().describe('HEAD commit, or null when there are no commits yet.'),
        upstream: z.string().nullable().describe('Upstream branch, if any.'),
        ahead: z.number().nullable().describe('Commits ahead of upstream.'),
        behind: z.number().nullable().describe('Commits behind upstream.'),
      })
      .describe('Where HEAD is.'),
    in_progress: z.enum(['merge', 'rebase', 'cherry-pick', 'revert', 'bisect']).nullable().describe('Operation waiting to be finished, if any.'),
    clean: z.boolean().describe('True when nothing is staged, changed or untracked.'),
    entries: z
      .array(
        z.object({
          path: z.string().describe('Path relative to the top level.'),
          old_path: z.string().optional().describe('Previous path of a rename.'),
          kind: z.enum(['changed', 'renamed', 'unmerged', 'untracked']).describe('Entry kind.'),
          staged: z.string().describe('Staged (index) state.'),
          unstaged: z.string().describe('Unstaged (working tree) state.'),
        }),
      )
      .describe('Changed files.'),
    total_entries: z.number().describe('Number of entries before paging.'),
    next_offset: z.number().nullable().describe('Offset for the next page of entries, or null.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ repo_path, max_entries, offset }, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, repo_path, async ({ repo }) => {
      const status = await readStatus(repo);
      const shown = status.entries.slice(offset, offset + max_entries);
      const next = offset + shown.length < status.entries.length ? offset + shown.length : null;
      let text = `Repository status:\n${renderStatus(status, shown, status.entries.length - offset - shown.length)}`;
      if (next !== null) text += `\n[Entries truncated. To get the rest, call again with offset=${next}.]`;
      return {
        structured: { branch: status.branch, in_progress: status.in_progress, clean: status.clean, entries: shown, total_entries: status.entries.length, next_offset: next },
        text,
      };
    });
  },
});
