import { lstat } from 'node:fs/promises';
import { defineTool, isPathInside, movePath, z } from '@portico/protocol';
import { bytesText, holdsARootError, isDirectoryError, samePathError } from '../lib/preview.js';
import { type Ctx, guard, requestSandbox } from './common.js';

export const moveFileTool = defineTool({
  name: 'move_file',
  title: 'Move file',
  description:
    'Move or rename a file or directory (a symbolic link is moved as a link). Fails if the destination exists, ' +
    'unless overwrite is true. Both source and destination must be within allowed directories that are not ' +
    'read-only; the allowed directories themselves cannot be moved.',
  toolset: 'write',
  input: z.object({
    source: z.string().describe('Path to move: absolute, or relative to the first allowed directory.'),
    destination: z.string().describe('New path (not an existing directory to move into: give the full new path).'),
    overwrite: z.boolean().default(false).describe('Replace an existing destination (default false: never overwrite).'),
  }),
  output: z.object({
    source: z.string().describe('Real path it was moved from.'),
    destination: z.string().describe('Real path it was moved to.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // Both ends are checked as movePath checks them; only replacing an existing destination destroys anything.
  async preview({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const from = await sandbox.resolve(source, 'write', { followFinalSymlink: false });
      if (sandbox.holdsARoot(from.path)) throw holdsARootError(source, 'moved');
      const to = await sandbox.resolve(destination, 'create', { followFinalSymlink: false });
      if (sandbox.holdsARoot(to.path)) throw holdsARootError(destination, 'replaced');
      if (to.path === from.path) throw samePathError(`"${source}" and "${destination}" are the same path.`);
      if (isPathInside(from.path, to.path)) throw samePathError(`Cannot move "${source}" into itself ("${destination}").`);
      if (!overwrite || !to.exists) return undefined;
      const [sourceStats, existing] = await Promise.all([lstat(from.path), lstat(to.path)]);
      if (existing.isDirectory() && !sourceStats.isDirectory()) throw isDirectoryError(destination, 'Move the file to a path inside that directory instead.');
      const what = existing.isSymbolicLink()
        ? `the symbolic link ${to.path} (only the link)`
        : existing.isDirectory()
          ? `the directory ${to.path} (only if it is empty; a non-empty one makes the move fail)`
          : `the file ${to.path} (${bytesText(existing.size)})`;
      return `Move ${from.path} to ${to.path}, which replaces ${what}.`;
    });
  },
  async handler({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await movePath(sandbox, source, destination, { overwrite });
      return { structured: { source: result.from.path, destination: result.to.path }, text: `Successfully moved ${source} to ${destination}` };
    });
  },
});
