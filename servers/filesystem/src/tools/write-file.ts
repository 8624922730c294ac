import { lstat } from 'node:fs/promises';
import { defineTool, writeFileAtomic, z } from '@portico/protocol';
import { bytesText, isDirectoryError, notAFileError, symlinkTargetError } from '../lib/preview.js';
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
  // File bodies are data, not actions: the audit log records their size only.
  auditOmit: ['content'],
  // The checks writeFileAtomic makes; creating a new file destroys nothing, so it is not confirmed.
  async preview({ path, content }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const target = await sandbox.resolve(path, 'create', { followFinalSymlink: false });
      if (sandbox.roots.some((root) => root.path === target.path)) throw isDirectoryError(path, 'Pass a file path inside the directory.');
      if (!target.exists) return undefined;
      const existing = await lstat(target.path);
      if (existing.isSymbolicLink()) throw symlinkTargetError(path);
      if (existing.isDirectory()) throw isDirectoryError(path, 'Pass a file path, not a directory.');
      if (!existing.isFile()) throw notAFileError(path);
      return `Overwrite ${target.path} (${bytesText(existing.size)}) with ${bytesText(Buffer.byteLength(content, 'utf8'))} of new content; the old content is not kept.`;
    });
  },
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
