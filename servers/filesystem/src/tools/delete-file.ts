import { defineTool, removePath, z } from '@portico/protocol';
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
  async handler({ path, recursive }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await removePath(sandbox, path, { recursive });
      return { structured: { path: result.path }, text: `Successfully deleted ${path}` };
    });
  },
});
