import { defineTool, type ToolContext, z } from '@portico/protocol';
import { isAncestor, mergeBases } from '../lib/refs.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitMergeBase = defineTool({
  name: 'git_merge_base',
  title: 'Common ancestor of two revisions',
  description: 'Finds the best common ancestor(s) of two branches or commits, and whether one already contains the other (a fast-forward is possible).',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    a: z.string().min(1).describe('First branch, tag or commit.'),
    b: z.string().min(1).describe('Second branch, tag or commit.'),
  }),
  output: z.object({
    merge_bases: z.array(z.string()).describe('Common ancestor commits (usually one; empty when the histories are unrelated).'),
    a_is_ancestor_of_b: z.boolean().describe('True when b already contains a.'),
    b_is_ancestor_of_a: z.boolean().describe('True when a already contains b.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const a = await repo.resolveCommit(args.a, 'a');
      const b = await repo.resolveCommit(args.b, 'b');
      const bases = await mergeBases(repo, a, b);
      const aInB = await isAncestor(repo, a, b);
      const bInA = await isAncestor(repo, b, a);
      const text = bases.length
        ? `Merge base of ${args.a} and ${args.b}: ${bases.join(', ')}${aInB ? `\n${args.b} already contains ${args.a}.` : ''}${bInA ? `\n${args.a} already contains ${args.b}.` : ''}`
        : `${args.a} and ${args.b} have no common ancestor (unrelated histories).`;
      return { structured: { merge_bases: bases, a_is_ancestor_of_b: aInB, b_is_ancestor_of_a: bInA }, text };
    });
  },
});
