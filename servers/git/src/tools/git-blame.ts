import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoFile } from '../lib/access.js';
import { blame } from '../lib/content.js';
import { RepoError } from '../lib/errors.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

const MAX_LINES = 2000;

export const gitBlame = defineTool({
  name: 'git_blame',
  title: 'Blame lines of a file',
  description: 'Shows, for each line of a file in a line range, the commit, author and date that last changed it. At a revision, or the working-tree version by default. At most 2000 lines per call.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    path: z.string().min(1).describe('File to blame, relative to the repository top level.'),
    start_line: z.number().int().min(1).default(1).describe('First line (1-based, default 1).'),
    end_line: z.number().int().min(1).optional().describe('Last line (inclusive). Default: start_line + 199, or the end of the file.'),
    revision: z.string().optional().describe('Blame the file as of this branch, tag or commit (default: the working tree).'),
  }),
  output: z.object({
    lines: z
      .array(
        z.object({
          line: z.number().describe('Line number.'),
          commit: z.string().describe('Commit that last changed the line (all zeros for uncommitted changes).'),
          author: z.string().describe('Author of that change.'),
          date: z.string().describe('Author date, ISO 8601.'),
          summary: z.string().describe('Subject of that commit.'),
          content: z.string().describe('The line.'),
        }),
      )
      .describe('Blamed lines.'),
    next_start_line: z.number().nullable().describe('start_line for the next range when the file continues, or null.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const rel = await repoFile(opened, args.path);
      const oid = args.revision ? await opened.repo.resolveCommit(args.revision, 'revision') : undefined;
      if (!oid && (await opened.repo.isUnborn())) {
        throw new RepoError('empty_repository', 'nothing to blame: the repository has no commits yet.', 'commit the file first (git_add, git_commit).');
      }
      const requestedEnd = Math.min(args.end_line ?? args.start_line + 199, args.start_line + MAX_LINES - 1);
      if (requestedEnd < args.start_line) {
        throw new RepoError('invalid_argument', `end_line ${requestedEnd} is before start_line ${args.start_line}.`);
      }
      // One line more than asked tells whether the file continues past end_line.
      const result = await blame(opened.repo, rel, oid, args.start_line, requestedEnd + 1);
      const more = result.lines.length > requestedEnd - args.start_line + 1;
      const lines = result.lines.slice(0, requestedEnd - args.start_line + 1);
      const next = more ? requestedEnd + 1 : null;
      const text = lines.map((l) => `${l.commit.slice(0, 8)} (${l.author} ${l.date.slice(0, 10)}) ${String(l.line).padStart(5)}: ${l.content}`).join('\n');
      return {
        structured: { lines, next_start_line: next },
        text: `${text}${next !== null ? `\n[More lines follow. To continue, call again with start_line=${next}.]` : ''}`,
      };
    });
  },
});
