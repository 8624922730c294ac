import { defineTool, writeFileAtomic, z } from '@portico/protocol';
import { type Ctx, guard, requestSandbox } from './common.js';

export const writeFileTool = defineTool({
  name: 'write_file',
  title: 'Write file',
  description:
    'Create a new file or completely overwrite an existing file with new content. The write is atomic (a ' +
    'temporary file renamed into place), keeps an existing file\'s permissions, and never follows a symbolic ' +
    'link at the target. Use with caution: it overwrites without warning; prefer edit_file for changes. ' +
    'Only works within allowed directories that are not read-only.',
  toolset: 'write',
  input: z.object({
    path: z.string().describe('Path of the file to write: absolute, or relative to the first allowed directory. Its parent directory must exist.'),
    content: z.string().describe('The complete new content of the file (UTF-8 text).'),
  }),
  output: z.object({
    path: z.string().describe('Real path written.'),
    bytes: z.number().int().describe('Bytes written.'),
    created: z.boolean().describe('True when the file did not exist before.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ path, content }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const data = Buffer.from(content, 'utf8');
      const result = await writeFileAtomic(sandbox, path, data);
      return {
        structured: { path: result.path, bytes: data.length, created: result.created },
        text: `Successfully wrote to ${path} (${data.length} bytes${result.created ? ', new file' : ''})`,
      };
    });
  },
});
