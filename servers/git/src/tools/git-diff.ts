import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoPathspecs } from '../lib/access.js';
import type { DiffSpec } from '../lib/diff.js';
import type { GitDeps } from '../deps.js';
import { diffOutput, diffViewFields, runDiff } from './diff-common.js';
import { inRepo, repoPathField } from './shared.js';

export const gitDiff = defineTool({
  name: 'git_diff',
  title: 'Diff between revisions',
  description:
    'Shows differences between branches or commits. With only target, compares the working tree with it (like `git diff main`); with target "a..b", or target plus to, compares two revisions; "a...b" compares b with the merge base of a and b. Optional path filter and a per-file summary (stat).',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    target: z.string().min(1).describe('Branch, tag or commit to compare with (e.g. "main", "HEAD~3", "v1.2"), or a range "a..b" / "a...b".'),
    to: z.string().min(1).optional().describe('Second revision: when given, compares target with this instead of with the working tree.'),
    ...diffViewFields,
  }),
  output: diffOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { repo } = opened;
      let spec: DiffSpec;
      const range = /^(.*?)(\.\.\.?)(.*)$/.exec(args.target);
      if (range && args.to === undefined) {
        const from = await repo.resolveCommit(range[1] || 'HEAD', 'target');
        const to = await repo.resolveCommit(range[3] || 'HEAD', 'target');
        spec = { kind: 'commits', commits: [from, to], mergeBase: range[2] === '...', contextLines: args.context_lines };
      } else {
        const from = await repo.resolveCommit(args.target, 'target');
        const commits = args.to === undefined ? [from] : [from, await repo.resolveCommit(args.to, 'to')];
        spec = { kind: 'commits', commits, contextLines: args.context_lines };
      }
      spec.paths = await repoPathspecs(opened, args.paths);
      return runDiff(repo, spec, { heading: `Diff with ${args.target}${args.to ? `..${args.to}` : ''}:`, offset: args.offset, maxChars: args.max_chars, stat: args.stat });
    });
  },
});
