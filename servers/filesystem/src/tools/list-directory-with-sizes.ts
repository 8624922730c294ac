import { defineTool, z } from '@portico/protocol';
import { formatSize } from '../lib/format.js';
import { type Ctx, guard, READER, requestSandbox, resolveDirectory } from './common.js';
import { entryLabel, linkSuffix, listEntries } from './listing.js';

export const listDirectoryWithSizesTool = defineTool({
  name: 'list_directory_with_sizes',
  title: 'List directory with sizes',
  description:
    'Get a listing of all files and directories in a path, including sizes and a total. Results distinguish ' +
    'files and directories with [FILE] and [DIR] prefixes; symbolic links are shown as [LINK] (their own ' +
    'size; never followed). Only works within allowed directories.',
  toolset: 'read',
  input: z.object({
    path: z.string().describe('Directory to list: absolute, or relative to the first allowed directory.'),
    sortBy: z.enum(['name', 'size']).optional().default('name').describe('Sort entries by name or size'),
    maxEntries: z.number().int().min(1).max(100_000).default(5000).describe('Most entries to return (default 5000).'),
  }),
  output: z.object({
    path: z.string().describe('Real path listed.'),
    entries: z
      .array(
        z.object({
          name: z.string().describe('Entry name.'),
          type: z.enum(['file', 'directory', 'symlink', 'other']).describe('What the entry is.'),
          target: z.enum(['file', 'directory', 'other', 'outside', 'broken']).optional().describe('For symlinks: what the link leads to.'),
          size: z.number().int().describe('Size in bytes (0 for directories).'),
          modified: z.string().describe('Last modification time (ISO 8601).'),
        }),
      )
      .describe('Entries, sorted as asked.'),
    totalFiles: z.number().int().describe('Files among the listed entries.'),
    totalDirectories: z.number().int().describe('Directories among the listed entries.'),
    totalSize: z.number().int().describe('Combined size of the listed files in bytes.'),
    truncated: z.boolean().describe('True when maxEntries cut the list (sorting by size then covers the first entries by name only).'),
  }),
  annotations: READER,
  async handler({ path, sortBy, maxEntries }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const { resolved } = await resolveDirectory(sandbox, path);
      const listed = await listEntries(sandbox, resolved.path, { maxEntries, withSizes: true, signal: ctx.signal });
      const entries = listed.entries;
      if (sortBy === 'size') entries.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
      const files = entries.filter((e) => e.type !== 'directory');
      const totalFiles = entries.filter((e) => e.type === 'file').length;
      const totalDirectories = entries.filter((e) => e.type === 'directory').length;
      const totalSize = files.reduce((sum, e) => sum + e.size, 0);
      const lines = entries.map((e) => `${entryLabel(e)} ${(e.name + linkSuffix(e)).padEnd(30)} ${e.type === 'directory' ? '' : formatSize(e.size).padStart(10)}`);
      lines.push('', `Total: ${totalFiles} files, ${totalDirectories} directories`, `Combined size: ${formatSize(totalSize)}`);
      if (listed.truncated) lines.push(`[Listing cut at ${entries.length} of ${listed.total} entries. Pass a larger maxEntries.]`);
      return {
        structured: { path: resolved.path, entries, totalFiles, totalDirectories, totalSize, truncated: listed.truncated },
        text: lines.join('\n'),
      };
    });
  },
});
