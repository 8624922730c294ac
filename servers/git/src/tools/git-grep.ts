import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoPathspecs } from '../lib/access.js';
import { grep } from '../lib/content.js';
import { checkText } from '../lib/validate.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitGrep = defineTool({
  name: 'git_grep',
  title: 'Search tracked files',
  description: 'Searches the tracked files of the working tree (or of a revision) for a pattern (extended regular expression, or literal text with fixed_strings). Binary files are skipped.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    pattern: z.string().min(1).max(1000).describe('What to search for: an extended regular expression, or literal text when fixed_strings is true.'),
    fixed_strings: z.boolean().default(false).describe('Treat pattern as literal text.'),
    ignore_case: z.boolean().default(false).describe('Match case-insensitively.'),
    revision: z.string().optional().describe('Search the files as of this branch, tag or commit instead of the working tree.'),
    paths: z.array(z.string()).max(100).optional().describe('Only search these files or folders (relative to the repository top level). Entries are literal paths; prefix one with ":(glob)" for a git glob pattern (e.g. ":(glob)src/**/*.ts": * stays within a folder, ** crosses folders).'),
    max_results: z.number().int().min(1).max(2000).default(200).describe('Largest number of matching lines to return (default 200).'),
  }),
  output: z.object({
    matches: z.array(z.object({ path: z.string().describe('File.'), line: z.number().describe('Line number.'), text: z.string().describe('The matching line (long lines cut).') })).describe('Matching lines.'),
    truncated: z.boolean().describe('True when there were more matches than max_results.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const pattern = checkText(args.pattern, 'pattern', 1000);
      const oid = args.revision ? await opened.repo.resolveCommit(args.revision, 'revision') : undefined;
      const paths = await repoPathspecs(opened, args.paths);
      const { matches, more } = await grep(opened.repo, { pattern, fixed: args.fixed_strings, ignoreCase: args.ignore_case, oid, paths, max: args.max_results });
      let text = matches.length ? matches.map((m) => `${m.path}:${m.line}: ${m.text}`).join('\n') : 'No matches.';
      if (more) text += `\n[Results truncated at ${matches.length}. Narrow the search with paths or a more specific pattern, or raise max_results.]`;
      return { structured: { matches, truncated: more }, text };
    });
  },
});
