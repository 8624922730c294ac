import { lstat, stat } from 'node:fs/promises';
import { defineTool, openForRead, z } from '@portico/protocol';
import { detectMediaType, SNIFF_BYTES } from '../lib/content-type.js';
import { permissionDigits } from '../lib/format.js';
import { readRange } from '../lib/lines.js';
import { type Ctx, guard, READER, requestSandbox } from './common.js';

export const getFileInfoTool = defineTool({
  name: 'get_file_info',
  title: 'Get file info',
  description:
    'Retrieve metadata about a file or directory: size, creation, modification and access times, permissions, ' +
    'type, whether the path is a symbolic link, and for files the media type detected from the content. ' +
    'Does not return the content. Only works within allowed directories.',
  toolset: 'read',
  input: z.object({
    path: z.string().describe('Path to describe: absolute, or relative to the first allowed directory.'),
  }),
  output: z.object({
    path: z.string().describe('Real path (symbolic links resolved).'),
    size: z.number().int().describe('Size in bytes.'),
    created: z.string().describe('Creation time (ISO 8601; where the file system records it).'),
    modified: z.string().describe('Last modification time (ISO 8601).'),
    accessed: z.string().describe('Last access time (ISO 8601).'),
    isDirectory: z.boolean().describe('True for a directory.'),
    isFile: z.boolean().describe('True for a regular file.'),
    isSymbolicLink: z.boolean().describe('True when the path given is a symbolic link (the other fields describe its target).'),
    permissions: z.string().describe('Permission bits as three octal digits, e.g. 644.'),
    mimeType: z.string().optional().describe('For files: media type detected from the first bytes.'),
  }),
  annotations: READER,
  async handler({ path }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const resolved = await sandbox.resolve(path, 'read');
      const linkInfo = await sandbox.resolve(path, 'read', { followFinalSymlink: false }).then(
        (r) => lstat(r.path).then((s) => s.isSymbolicLink()),
        () => false,
      );
      let s = await stat(resolved.path);
      let mimeType: string | undefined;
      if (s.isFile()) {
        // Through openForRead, so the bytes sniffed are the bytes of the file inside the sandbox.
        const opened = await openForRead(sandbox, path);
        try {
          s = opened.stats;
          mimeType = detectMediaType(await readRange(opened.handle, 0, Math.min(SNIFF_BYTES, s.size)), resolved.path);
        } finally {
          await opened.handle.close();
        }
      }
      const info = {
        path: resolved.path,
        size: s.size,
        created: s.birthtime.toISOString(),
        modified: s.mtime.toISOString(),
        accessed: s.atime.toISOString(),
        isDirectory: s.isDirectory(),
        isFile: s.isFile(),
        isSymbolicLink: linkInfo,
        permissions: permissionDigits(s.mode),
        ...(mimeType ? { mimeType } : {}),
      };
      return { structured: info, text: Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n') };
    });
  },
});
