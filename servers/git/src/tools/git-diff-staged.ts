import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoFiles } from '../lib/access.js';
import type { GitDeps } from '../deps.js';
import { diffOutput, pathsField, runDiff, statField } from './diff-common.js';
import { contextLinesField, inRepo, maxCharsField, offsetField, repoPathField } from './shared.js';

export const gitDiffStaged = defineTool({
  name: 'git_diff_staged',
  title: 'Staged changes',
  description: 'Shows changes that are staged for commit (index vs HEAD; in a repository without commits, everything staged), as a unified diff with a per-file summary.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    context_lines: contextLinesField,
    paths: pathsField,
    stat: statField,
    offset: offsetField,
    max_chars: maxCharsField,
  }),
  output: diffOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const paths = await repoFiles(opened, args.paths);
      return runDiff(opened.repo, { kind: 'staged', contextLines: args.context_lines, paths }, { heading: 'Staged changes:', offset: args.offset, maxChars: args.max_chars, stat: args.stat });
    });
  },
});
