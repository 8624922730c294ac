import { lstat, stat } from 'node:fs/promises';
import { copyPath, defineTool, z } from '@portico/protocol';
import { bytesText, isDirectoryError, notAFileError, samePathError, symlinkTargetError } from '../lib/preview.js';
import { type Ctx, guard, requestSandbox } from './common.js';

const COPY_DIRECTORY_HINT = 'Copying directories is not supported; create the directory and copy its files one by one.';

export const copyFileTool = defineTool({
  name: 'copy_file',
  title: 'Copy file',
  description:
    'Copy a file to a new path (atomically, keeping its permissions). Fails if the destination exists, unless ' +
    'overwrite is true. Directories are not copied. Only works within allowed directories; the destination ' +
    'must not be in a read-only one.',
  toolset: 'write',
  input: z.object({
    source: z.string().describe('File to copy: absolute, or relative to the first allowed directory.'),
    destination: z.string().describe('Path of the copy (its parent directory must exist).'),
    overwrite: z.boolean().default(false).describe('Replace an existing destination file (default false).'),
  }),
  output: z.object({
    source: z.string().describe('Real path copied from.'),
    destination: z.string().describe('Real path of the copy.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // The checks copyPath makes; only an overwrite of an existing file destroys anything.
  async preview({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const from = await sandbox.resolve(source, 'read');
      const sourceStats = await stat(from.path);
      if (sourceStats.isDirectory()) throw isDirectoryError(source, COPY_DIRECTORY_HINT);
      if (!sourceStats.isFile()) throw notAFileError(source);
      const to = await sandbox.resolve(destination, 'create', { followFinalSymlink: false });
      if (to.path === from.path) throw samePathError(`"${source}" and "${destination}" are the same file.`);
      if (sandbox.roots.some((root) => root.path === to.path)) throw isDirectoryError(destination, 'Pass a file path inside the directory.');
      if (!to.exists) return undefined;
      const existing = await lstat(to.path);
      if (existing.isSymbolicLink()) throw symlinkTargetError(destination);
      if (existing.isDirectory()) throw isDirectoryError(destination, 'Pass a file path, not a directory.');
      if (!existing.isFile()) throw notAFileError(destination);
      // Without overwrite the handler refuses an existing destination itself, changing nothing.
      if (!overwrite) return undefined;
      return `Copy ${from.path} over the existing file ${to.path}, replacing its ${bytesText(existing.size)} with ${bytesText(sourceStats.size)}.`;
    });
  },
  async handler({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await copyPath(sandbox, source, destination, { overwrite });
      return { structured: { source: result.from.path, destination: result.to.path }, text: `Successfully copied ${source} to ${destination}` };
    });
  },
});
