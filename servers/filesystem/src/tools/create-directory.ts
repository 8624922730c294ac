import { defineTool, makeDirectory, z } from '@portico/protocol';
import { type Ctx, guard, requestSandbox } from './common.js';

export const createDirectoryTool = defineTool({
  name: 'create_directory',
  title: 'Create directory',
  description:
    'Create a new directory, with any missing parent directories, or succeed silently if it already exists. ' +
    'Only works within allowed directories that are not read-only.',
  toolset: 'write',
  input: z.object({
    path: z.string().describe('Directory to create: absolute, or relative to the first allowed directory.'),
  }),
  output: z.object({ path: z.string().describe('Real path of the directory.') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ path }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const result = await makeDirectory(sandbox, path, { recursive: true });
      return { structured: { path: result.path }, text: `Successfully created directory ${path}` };
    });
  },
});
