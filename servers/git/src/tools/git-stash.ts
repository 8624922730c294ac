import { defineTool, ToolError, type ToolContext, z } from '@portico/protocol';
import { repoFiles } from '../lib/access.js';
import { stashList, stashPop, stashPush } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';
import { stashEntrySchema } from './git-stash-list.js';

export const gitStash = defineTool({
  name: 'git_stash',
  title: 'Stash changes',
  description:
    'Sets local changes aside and brings them back: action "push" saves and removes uncommitted changes (optionally only some paths, optionally untracked files too), "pop" re-applies an entry and drops it, "list" lists entries. A pop that would overwrite local changes changes nothing.',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    action: z.enum(['list', 'push', 'pop']).describe('list, push (save changes) or pop (re-apply and drop an entry).'),
    message: z.string().max(10_000).optional().describe('push: a description for the entry.'),
    include_untracked: z.boolean().default(false).describe('push: stash untracked files too.'),
    paths: z.array(z.string()).max(1000).optional().describe('push: only stash changes to these files or folders.'),
    index: z.number().int().min(0).default(0).describe('pop: which entry (0 = newest, as in stash@{0}).'),
  }),
  output: z.object({
    action: z.string().describe('The action done.'),
    stashes: z.array(stashEntrySchema).describe('Stash entries after the action.'),
    created: stashEntrySchema.nullable().optional().describe('push: the new entry, or null when there was nothing to stash.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  /*
   * No confirmation under --confirm destructive: no call of this tool loses data, so there is nothing to show.
   * - push removes changes from the working tree, but every one of them (staged, unstaged and, with
   *   include_untracked, untracked files) is saved in the new stash entry first; pop brings them back. With
   *   nothing to stash, git changes nothing. (Ignored files are never touched.)
   * - pop is checked before it runs (lib/writes.ts stashPop): it refuses, changing nothing, when it would
   *   overwrite a local change or an untracked file; when it applies with conflicts git keeps the entry, and
   *   the conflicted files had no local changes, so their previous content is HEAD's.
   * - list only reads.
   * The destructive annotation stays, because push does make local edits disappear from the working tree and
   * hosts may want to say so; `--confirm writes` still confirms every call, with the call's arguments.
   */
  async preview() {
    return undefined;
  },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { repo } = opened;
      if (args.action === 'list') {
        const stashes = await stashList(repo);
        return { structured: { action: 'list', stashes }, text: stashes.length ? stashes.map((s) => `${s.ref}: ${s.message}`).join('\n') : 'The stash is empty.' };
      }
      if (args.action === 'push') {
        const paths = await repoFiles(opened, args.paths);
        const created = await stashPush(repo, { message: args.message, includeUntracked: args.include_untracked, paths });
        const stashes = await stashList(repo);
        return {
          structured: { action: 'push', stashes, created },
          text: created ? `Saved local changes as ${created.ref}: ${created.message}` : 'No local changes to save; the stash is unchanged.',
        };
      }
      if (args.paths || args.message !== undefined) {
        throw new ToolError('pop takes only index.', { code: 'invalid_argument', hint: 'drop message/paths, or use action "push".' });
      }
      await stashPop(repo, args.index);
      const stashes = await stashList(repo);
      return { structured: { action: 'pop', stashes }, text: `Re-applied and dropped stash@{${args.index}}.` };
    });
  },
});
