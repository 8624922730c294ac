import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoFile } from '../lib/access.js';
import { fileAtRevision } from '../lib/content.js';
import { decodeCut, diffFiles, parseNumstat, SAFE_DIFF_ARGS } from '../lib/diff.js';
import type { Repo } from '../lib/repo.js';
import { readCommit, renderCommit } from '../lib/log.js';
import type { GitDeps } from '../deps.js';
import { commitSchema, fileChangeSchema, pagedTextSchema } from './schemas.js';
import { budgeted, bytesFor, contextLinesField, inRepo, maxCharsField, offsetField, repoPathField } from './shared.js';

export const gitShow = defineTool({
  name: 'git_show',
  title: 'Show a commit or a file at a revision',
  description:
    'Shows the contents of a commit: its metadata, the files it changed and its diff. With path, shows that file as it was at the revision instead (binary files are summarised; folders are listed).',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    revision: z.string().min(1).describe('Branch, tag or commit (e.g. "HEAD", "a1b2c3d", "v1.0", "main~2").'),
    path: z.string().optional().describe('A file or folder (relative to the repository top level) to show as it was at the revision.'),
    context_lines: contextLinesField,
    offset: offsetField,
    max_chars: maxCharsField,
  }),
  output: z.object({
    commit: commitSchema.describe('The commit.'),
    files: z.array(fileChangeSchema).optional().describe('Files the commit changed (when no path is given).'),
    file: z
      .object({
        path: z.string().describe('The path shown.'),
        type: z.enum(['file', 'folder']).describe('What the path is at that revision.'),
        size: z.number().optional().describe('File size in bytes.'),
        binary: z.boolean().optional().describe('True when the file is binary (its content is not shown).'),
        entries: z.array(z.object({ name: z.string().describe('Entry name.'), type: z.string().describe('file, folder or submodule.') })).optional().describe('Folder entries.'),
      })
      .optional()
      .describe('The file or folder at the revision (when path is given).'),
    content: z.string().describe('The diff, or the file content, cut to max_chars.'),
    ...pagedTextSchema,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { repo } = opened;
      const oid = await repo.resolveCommit(args.revision, 'revision');
      const commit = await readCommit(repo, oid);
      if (args.path !== undefined) {
        const rel = await repoFile(opened, args.path);
        const found = await fileAtRevision(repo, oid, rel, bytesFor(args.offset, args.max_chars));
        if (found.type === 'tree') {
          const listing = found.entries.map((e) => (e.type === 'folder' ? `${e.name}/` : e.type === 'submodule' ? `${e.name} (submodule)` : e.name)).join('\n');
          const cut = budgeted(listing, args.offset, args.max_chars, true, 'Listing');
          return {
            structured: { commit, file: { path: rel, type: 'folder' as const, entries: found.entries }, content: cut.text, next_offset: cut.next_offset, truncated: cut.truncated },
            text: `${rel}/ at ${commit.short_hash}:\n${cut.text}`,
          };
        }
        if (found.binary) {
          const note = `Binary file, ${found.size} bytes; its content is not shown.`;
          return {
            structured: { commit, file: { path: rel, type: 'file' as const, size: found.size, binary: true }, content: '', next_offset: null, truncated: false },
            text: `${rel} at ${commit.short_hash}: ${note}`,
          };
        }
        const cut = budgeted(decodeCut(found.content, !found.complete), args.offset, args.max_chars, found.complete, 'File');
        return {
          structured: { commit, file: { path: rel, type: 'file' as const, size: found.size, binary: false }, content: cut.text, next_offset: cut.next_offset, truncated: cut.truncated },
          text: `${rel} at ${commit.short_hash} (${found.size} bytes):\n${cut.text}`,
        };
      }
      const spec = { kind: 'commits' as const, commits: commit.parents[0] ? [commit.parents[0], oid] : [], contextLines: args.context_lines };
      // A root commit has no parent: compare with the empty tree through `git show` itself.
      const files = commit.parents[0] ? await diffFiles(repo, spec) : await rootCommitFiles(repo, oid);
      // A merge's diff is against its first parent, as `files` is (plain `git show` prints a combined diff,
      // which is empty for a clean merge).
      const r = await repo.read(['show', ...SAFE_DIFF_ARGS, '--format=', '--patch', '--diff-merges=first-parent', `--unified=${args.context_lines}`, oid, '--'], { maxOutputBytes: bytesFor(args.offset, args.max_chars) });
      const cut = budgeted(decodeCut(r.stdout, r.truncated).replace(/^\n/, ''), args.offset, args.max_chars, !r.truncated, 'Diff');
      const header = args.offset === 0 ? `${renderCommit(commit)}\n` : '';
      return {
        structured: { commit, files, content: cut.text, next_offset: cut.next_offset, truncated: cut.truncated },
        text: `${header}${cut.text}`,
      };
    });
  },
});

async function rootCommitFiles(repo: Repo, oid: string) {
  const r = await repo.read(['show', ...SAFE_DIFF_ARGS, '--format=', '--numstat', '-z', oid, '--']);
  return parseNumstat(r.stdout.toString('utf8'));
}
