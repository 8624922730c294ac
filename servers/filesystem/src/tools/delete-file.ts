import { lstat } from 'node:fs/promises';
import { defineTool, removePath, z } from '@portico/protocol';
import { bytesText, entriesText, holdsARootError, isDirectoryError, measureTree } from '../lib/preview.js';
import { type Ctx, guard, requestSandbox } from './common.js';

export const deleteFileTool = defineTool({
  name: 'delete_file',
  title: 'Delete file',
  description:
    'Delete a file or a symbolic link (the link itself, never what it points to). A directory is deleted, with ' +
    'everything in it, only when recursive is true. The allowed directories themselves are never deleted. ' +
    'Only works within allowed directories that are not read-only.',
  toolset: 'write',
  input: z.object({
    path: z.string().describe('Path to delete: absolute, or relative to the first allowed directory.'),
    recursive: z.boolean().default(false).describe('Required to delete a directory and all its contents (default false).'),
  }),
  output: z.object({ path: z.string().describe('Real path that was deleted.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  // The same resolution and refusals as removePath, then what exactly would go.
  async preview({ path, recursive }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const target = await sandbox.resolve(path, 'write', { followFinalSymlink: false });
      if (sandbox.holdsARoot(target.path)) throw holdsARootError(path, 'removed');
      const stats = await lstat(target.path);
      if (stats.isSymbolicLink()) return `Delete the symbolic link ${target.path} (only the link; what it points to is kept).`;
      if (!stats.isDirectory()) return `Delete the file ${target.path} (${bytesText(stats.size)}).`;
      if (!recursive) throw isDirectoryError(path, 'Pass recursive: true to delete a directory and everything in it.');
      const measure = await measureTree(target.path, { signal: ctx.signal });
      if (measure.entries === 0 && measure.exact) return `Delete the empty directory ${target.path}.`;
      const bytes = measure.exact ? bytesText(measure.bytes) : `at least ${bytesText(measure.bytes)}`;
      return `Delete the directory ${target.path} and everything in it: ${entriesText(measure)} (files, folders and links), ${bytes} in files.`;
    });
  },
  async handler({ path, recursive }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await removePath(sandbox, path, { recursive });
      return { structured: { path: result.path }, text: `Successfully deleted ${path}` };
    });
  },
});
