import { defineTool, z } from '@portico/protocol';
import { type Ctx, guard, READER, requestSandbox, resolveDirectory } from './common.js';
import { entryLabel, linkSuffix, listEntries } from './listing.js';

const entrySchema = z.object({
  name: z.string().describe('Entry name.'),
  type: z.enum(['file', 'directory', 'symlink', 'other']).describe('What the entry is (links are not followed).'),
  target: z.enum(['file', 'directory', 'other', 'outside', 'broken']).optional().describe('For symlinks: what the link leads to.'),
});

export const listDirectoryTool = defineTool({
  name: 'list_directory',
  title: 'List directory',
  description:
    'Get a listing of all files and directories in a path, sorted by name. Results distinguish files and ' +
    'directories with [FILE] and [DIR] prefixes; symbolic links are shown as [LINK] with what they lead to. ' +
    'Only works within allowed directories.',
  toolset: 'read',
  input: z.object({
    path: z.string().describe('Directory to list: absolute, or relative to the first allowed directory.'),
    maxEntries: z.number().int().min(1).max(100_000).default(5000).describe('Most entries to return (default 5000); the rest are counted.'),
  }),
  output: z.object({
    path: z.string().describe('Real path listed.'),
    entries: z.array(entrySchema).describe('Entries in name order.'),
    total: z.number().int().describe('Number of entries in the directory.'),
    truncated: z.boolean().describe('True when maxEntries cut the list.'),
  }),
  annotations: READER,
  async handler({ path, maxEntries }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const { resolved } = await resolveDirectory(sandbox, path);
      const { entries, truncated, total } = await listEntries(sandbox, resolved.path, { maxEntries, withSizes: false, signal: ctx.signal });
      const lines = entries.map((e) => `${entryLabel(e)} ${e.name}${linkSuffix(e)}`);
      if (truncated) lines.push(`[Listing cut at ${entries.length} of ${total} entries. Pass a larger maxEntries, or use search_files with a pattern.]`);
      if (entries.length === 0) lines.push('(empty directory)');
      return { structured: { path: resolved.path, entries, total, truncated }, text: lines.join('\n') };
    });
  },
});
