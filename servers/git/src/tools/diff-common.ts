/** The three diff tools share their output and their budget handling. */
import { defineTool, type ToolContext, type ToolOutput, z } from '@portico/protocol';
import type { GitDeps } from '../deps.js';
import { repoPathspecs } from '../lib/access.js';
import { diffFiles, diffPatch, type DiffSpec, renderFileSummary } from '../lib/diff.js';
import type { Repo } from '../lib/repo.js';
import { fileChangeSchema, pagedTextSchema } from './schemas.js';
import { budgeted, bytesFor, contextLinesField, inRepo, maxCharsField, offsetField, repoPathField } from './shared.js';

/** Files listed in full up to this many; the rest is counted. */
const MAX_FILES = 1000;

export const diffOutput = z.object({
  files: z.array(fileChangeSchema).describe('Changed files with line counts; binary files are flagged, not shown.'),
  total_files: z.number().describe('Number of changed files (files may list fewer).'),
  patch: z.string().describe('The unified diff text (or the file summary when stat=true), cut to max_chars.'),
  ...pagedTextSchema,
});

export type DiffOutput = z.infer<typeof diffOutput>;

export async function runDiff(
  repo: Repo,
  spec: DiffSpec,
  options: { heading: string; offset: number; maxChars: number; stat: boolean },
): Promise<ToolOutput<DiffOutput>> {
  const files = await diffFiles(repo, spec);
  const listed = files.slice(0, MAX_FILES);
  let body: string;
  let complete = true;
  if (options.stat) {
    body = renderFileSummary(files);
  } else {
    const patch = await diffPatch(repo, spec, bytesFor(options.offset, options.maxChars));
    body = patch.text;
    complete = patch.complete;
  }
  const cut = budgeted(body, options.offset, options.maxChars, complete, 'Diff');
  const empty = files.length === 0;
  const summary = empty ? 'No changes.' : `${files.length} file(s) changed${files.some((f) => f.binary) ? ' (binary files are summarised, not shown)' : ''}.`;
  return {
    structured: { files: listed, total_files: files.length, patch: cut.text, next_offset: cut.next_offset, truncated: cut.truncated },
    text: `${options.heading}\n${empty ? summary : cut.text || summary}`,
  };
}

export const statField = z.boolean().default(false).describe('Return only the per-file summary (paths with lines added/removed) instead of the patch.');
export const pathsField = z.array(z.string()).max(100).optional().describe('Limit the diff to these files or folders (relative to the repository top level). Entries are literal paths; prefix one with ":(glob)" for a git glob pattern (e.g. ":(glob)src/**/*.ts": * stays within a folder, ** crosses folders).');

/** What every diff tool takes after the revisions it compares: context, path filter, summary, paging. */
export const diffViewFields = {
  context_lines: contextLinesField,
  paths: pathsField,
  stat: statField,
  offset: offsetField,
  max_chars: maxCharsField,
};

/**
 * git_diff_staged and git_diff_unstaged: the same tool over a different pair of trees (index vs HEAD, working
 * tree vs index). git_diff, which compares a named target, has its own input.
 */
export function indexDiffTool(kind: 'staged' | 'unstaged', meta: { name: string; title: string; description: string; heading: string }) {
  return defineTool({
    name: meta.name,
    title: meta.title,
    description: meta.description,
    toolset: 'read',
    input: z.object({
      repo_path: repoPathField,
      ...diffViewFields,
    }),
    output: diffOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
    async handler(args, ctx: ToolContext<GitDeps>) {
      return inRepo(ctx, args.repo_path, async (opened) => {
        const paths = await repoPathspecs(opened, args.paths);
        return runDiff(opened.repo, { kind, contextLines: args.context_lines, paths }, { heading: meta.heading, offset: args.offset, maxChars: args.max_chars, stat: args.stat });
      });
    },
  });
}
