import { defineTool, type ToolContext, z } from '@portico/protocol';
import { listBranches, requireBranchType } from '../lib/refs.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitBranch = defineTool({
  name: 'git_branch',
  title: 'List branches',
  description: 'Lists git branches (local, remote-tracking or all), optionally only those that contain, or do not contain, a commit. Marks the current branch and says when HEAD is detached.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    branch_type: z.string().default('local').describe("Whether to list local branches ('local'), remote branches ('remote') or all branches ('all'). Default 'local'."),
    contains: z.string().nullish().describe('Only branches that contain this commit (hash, branch or tag). Omit when no commit is specified.'),
    not_contains: z.string().nullish().describe('Only branches that do NOT contain this commit (hash, branch or tag). Omit when no commit is specified.'),
  }),
  output: z.object({
    branches: z
      .array(
        z.object({
          name: z.string().describe('Short name, e.g. main or origin/main.'),
          ref: z.string().describe('Full ref name.'),
          remote: z.boolean().describe('True for remote-tracking branches.'),
          current: z.boolean().describe('True for the checked-out branch.'),
          commit: z.string().describe('Commit the branch points at.'),
          upstream: z.string().nullable().describe('Upstream branch, if set.'),
          subject: z.string().describe('Subject of that commit.'),
        }),
      )
      .describe('Branches, sorted by name.'),
    current: z.string().nullable().describe('Checked-out branch, or null when HEAD is detached.'),
    detached_at: z.string().nullable().describe('Commit of a detached HEAD, or null.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const type = requireBranchType(args.branch_type);
      const contains = args.contains ? await repo.resolveCommit(args.contains, 'contains') : undefined;
      const notContains = args.not_contains ? await repo.resolveCommit(args.not_contains, 'not_contains') : undefined;
      const branches = await listBranches(repo, { type, contains, notContains });
      const current = await repo.currentBranch();
      const detachedAt = current === null ? await repo.headCommit() : null;
      const lines = branches.map((b) => `${b.current ? '*' : ' '} ${b.name}  ${b.commit.slice(0, 12)} ${b.subject}`);
      if (detachedAt) lines.unshift(`* (HEAD detached at ${detachedAt.slice(0, 12)})`);
      const unborn = current !== null && (await repo.isUnborn());
      const text = lines.length ? lines.join('\n') : unborn ? `No branches yet: ${current} has no commits.` : 'No branches match.';
      return { structured: { branches, current, detached_at: detachedAt }, text };
    });
  },
});
