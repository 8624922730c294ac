import { defineTool, type ToolContext, z } from '@portico/protocol';
import { checkout } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitCheckout = defineTool({
  name: 'git_checkout',
  title: 'Switch branches',
  description:
    'Switches to a local branch; given a tag or commit instead, checks it out as a detached HEAD. Refuses, changing nothing, when local changes would be overwritten. Never checks out paths (use git_restore).',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    branch_name: z.string().min(1).max(512).describe('Local branch to switch to (or a tag/commit to detach at).'),
  }),
  output: z.object({
    branch: z.string().nullable().describe('Branch now checked out, or null for a detached HEAD.'),
    commit: z.string().describe('Commit now checked out.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const result = await checkout(repo, args.branch_name, (rev) => repo.resolveCommit(rev, 'branch_name'));
      if (result.kind === 'branch') return { structured: { branch: result.branch, commit: result.commit }, text: `Switched to branch '${result.branch}'.` };
      return { structured: { branch: null, commit: result.commit }, text: `HEAD is now detached at ${result.commit.slice(0, 12)} ('${args.branch_name}' is not a local branch). Create a branch with git_create_branch to keep new commits.` };
    });
  },
});
