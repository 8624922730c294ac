import { defineTool, type ToolContext, z } from '@portico/protocol';
import { commit } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitCommit = defineTool({
  name: 'git_commit',
  title: 'Commit staged changes',
  description:
    "Records the staged changes as a new commit on the current branch. Fails clearly when nothing is staged or conflicts are unresolved. The repository's hooks do not run unless the server was started with --allow-hooks; commits are not signed.",
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    message: z.string().min(1).max(100_000).describe('Commit message: a short subject line, optionally a blank line and a body.'),
  }),
  output: z.object({
    commit: z.string().describe('Hash of the new commit.'),
    branch: z.string().nullable().describe('Branch the commit was added to, or null on a detached HEAD.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const result = await commit(repo, args.message);
      return { structured: result, text: `Changes committed successfully with hash ${result.commit}${result.branch ? ` on ${result.branch}` : ' (detached HEAD)'}.` };
    });
  },
});
