import { pathToFileURL } from 'node:url';
import { defineTool, openForRead, z, ToolError, type ToolOutput } from '@portico/protocol';
import { contentKind, detectMediaType, SNIFF_BYTES } from '../lib/content-type.js';
import { readRange } from '../lib/lines.js';
import { formatSize } from '../lib/format.js';
import { type Ctx, guard, READER, requestSandbox } from './common.js';

export const readMediaFileTool = defineTool({
  name: 'read_media_file',
  title: 'Read media file',
  description:
    'Read an image, audio or other binary file and return it base64-encoded with its media type, which is ' +
    'detected from the file content (magic bytes), not only the extension. Images and audio come back as ' +
    'image/audio content; anything else as an embedded resource. Files above the media size cap are refused. ' +
    'Only works within allowed directories.',
  toolset: 'read',
  input: z.object({
    path: z.string().describe('Path of the file: absolute, or relative to the first allowed directory.'),
  }),
  output: z.object({
    path: z.string().describe('Real path of the file read.'),
    mimeType: z.string().describe('Media type detected from the content.'),
    kind: z.enum(['image', 'audio', 'resource']).describe('Which content block carries the data.'),
    size: z.number().int().describe('Size in bytes.'),
  }),
  annotations: READER,
  async handler({ path }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const { handle, resolved, stats } = await openForRead(sandbox, path);
      try {
        if (stats.size > ctx.deps.maxMediaBytes) {
          throw new ToolError(`"${path}" is ${formatSize(stats.size)}, above the ${formatSize(ctx.deps.maxMediaBytes)} limit for media files.`, {
            code: 'too_large',
            hint: 'use get_file_info for its type and size; the operator can raise the limit with --max-media-bytes.',
          });
        }
        const data = await readRange(handle, 0, stats.size);
        const mimeType = detectMediaType(data.subarray(0, SNIFF_BYTES), resolved.path);
        const kind = contentKind(mimeType);
        const base64 = data.toString('base64');
        const block: NonNullable<ToolOutput['content']>[number] =
          kind === 'resource'
            ? { type: 'resource', resource: { uri: pathToFileURL(resolved.path).href, mimeType, blob: base64 } }
            : { type: kind, data: base64, mimeType };
        return {
          structured: { path: resolved.path, mimeType, kind, size: data.length },
          text: `${resolved.path}: ${mimeType}, ${formatSize(data.length)}`,
          content: [block],
        };
      } finally {
        await handle.close();
      }
    });
  },
});
