import { defineTool, movePath, z } from '@portico/protocol';
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
  async handler({ source, destination, overwrite }, ctx: Ctx) {
    return guard(source, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await movePath(sandbox, source, destination, { overwrite });
      return { structured: { source: result.from.path, destination: result.to.path }, text: `Successfully moved ${source} to ${destination}` };
    });
  },
});
