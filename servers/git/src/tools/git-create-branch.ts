import { defineTool, type ToolContext, z } from '@portico/protocol';
import { createBranch } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitCreateBranch = defineTool({
  name: 'git_create_branch',
  title: 'Create a branch',
  description: 'Creates a new branch from an optional base (branch, tag or commit; default the current HEAD). Does not switch to it (use git_checkout).',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    branch_name: z.string().min(1).max(255).describe('Name of the new branch, e.g. "feature/login".'),
    base_branch: z.string().nullish().describe('Branch, tag or commit to start from. Default: the current HEAD.'),
  }),
  output: z.object({
    branch: z.string().describe('The new branch.'),
    commit: z.string().describe('Commit it points at.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const base = args.base_branch ? await repo.resolveCommit(args.base_branch, 'base_branch') : await repo.headCommit();
      await createBranch(repo, args.branch_name, base);
      const from = args.base_branch ?? (await repo.currentBranch()) ?? base.slice(0, 12);
      return { structured: { branch: args.branch_name, commit: base }, text: `Created branch '${args.branch_name}' from '${from}'.` };
    });
  },
});
