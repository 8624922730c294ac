import { copyPath, defineTool, z } from '@portico/protocol';
import { type Ctx, guard, requestSandbox } from './common.js';

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
  async handler({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await copyPath(sandbox, source, destination, { overwrite });
      return { structured: { source: result.from.path, destination: result.to.path }, text: `Successfully copied ${source} to ${destination}` };
    });
  },
});
