import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoFiles } from '../lib/access.js';
import type { GitDeps } from '../deps.js';
import { diffOutput, pathsField, runDiff, statField } from './diff-common.js';
import { contextLinesField, inRepo, maxCharsField, offsetField, repoPathField } from './shared.js';

export const gitDiffUnstaged = defineTool({
  name: 'git_diff_unstaged',
  title: 'Unstaged changes',
  description: 'Shows changes in the working directory that are not yet staged (working tree vs index), as a unified diff with a per-file summary.',
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
      return runDiff(opened.repo, { kind: 'unstaged', contextLines: args.context_lines, paths }, { heading: 'Unstaged changes:', offset: args.offset, maxChars: args.max_chars, stat: args.stat });
    });
  },
});
