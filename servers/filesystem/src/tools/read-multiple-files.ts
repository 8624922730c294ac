import { defineTool, z, ToolError } from '@portico/protocol';
import type { FilesystemDeps } from '../deps.js';
import { type Ctx, READER, requestSandbox, toToolError } from './common.js';
import { readTextFile } from './read-text.js';

const MAX_FILES = 100;

const fileResult = z.object({
  path: z.string().describe('The path as given.'),
  ok: z.boolean().describe('Whether the file was read.'),
  content: z.string().optional().describe('The text read (may be cut, see truncated).'),
  truncated: z.boolean().optional().describe('True when the shared byte budget cut this file short.'),
  nextOffset: z.number().int().nullable().optional().describe('Line to continue from with read_text_file, when cut.'),
  error: z.string().optional().describe('Why the file was not read.'),
});

export const readMultipleFilesTool = defineTool({
  name: 'read_multiple_files',
  title: 'Read multiple files',
  description:
    'Read the contents of several text files in one call. Each file is returned with its path; a file that ' +
    'cannot be read (missing, binary, outside the allowed directories) gets an error line and does not stop ' +
    'the others. The files share one byte budget: a file that does not fit is cut with the offset to continue ' +
    'from in read_text_file. Only works within allowed directories.',
  toolset: 'read',
  input: z.object({
    paths: z.array(z.string()).min(1).max(MAX_FILES).describe(`Paths of the files to read (1 to ${MAX_FILES}), each absolute or relative to the first allowed directory.`),
  }),
  output: z.object({ files: z.array(fileResult).describe('One entry per requested path, in order.') }),
  annotations: READER,
  async handler({ paths }, ctx: Ctx) {
    const sandbox = await requestSandbox(ctx);
    let remaining = ctx.deps.maxReadBytes;
    const files: z.infer<typeof fileResult>[] = [];
    const parts: string[] = [];
    // Sequential on purpose: the budget is shared and a huge first file must not starve the reads after it
    // of a fair share. Each file may take at most what is left.
    for (const path of paths) {
      ctx.signal.throwIfAborted();
      if (remaining <= 0) {
        files.push({ path, ok: false, error: 'not read: the output budget of this call was spent on the files before it; read it with read_text_file.' });
        parts.push(`${path}: Error - not read: output budget spent; read it with read_text_file`);
        continue;
      }
      try {
        const r = await readTextFile(sandbox, path, { maxBytes: remaining, signal: ctx.signal });
        if (r.partialLine && remaining < ctx.deps.maxReadBytes) {
          // What is left of the shared budget cuts this file inside a line, which offset could not continue:
          // leave it whole for read_text_file, which has the full budget.
          files.push({ path, ok: false, error: 'not read: its first line does not fit in what is left of the output budget of this call; read it with read_text_file.' });
          parts.push(`${path}: Error - not read: its first line does not fit in what is left of the output budget; read it with read_text_file`);
          continue;
        }
        remaining -= Buffer.byteLength(r.content);
        const cut = r.nextOffset !== null;
        files.push({ path, ok: true, content: r.content, truncated: cut, nextOffset: r.nextOffset });
        const note = r.partialLine
          ? '[cut inside a line longer than the output budget; the rest of that line cannot be read with offset: use search_content to find text in it]\n'
          : cut
            ? `[cut: continue with read_text_file offset=${r.nextOffset}]\n`
            : '';
        parts.push(`${path}:\n${r.content}\n${note}`);
      } catch (error) {
        const mapped = toToolError(error, path);
        if (!(mapped instanceof ToolError)) throw mapped;
        files.push({ path, ok: false, error: mapped.toModelText() });
        parts.push(`${path}: Error - ${mapped.toModelText()}`);
      }
    }
    return { structured: { files }, text: parts.join('\n---\n') };
  },
});
