import { defineTool, z } from '@portico/protocol';
import type { FilesystemDeps } from '../deps.js';
import { type Ctx, guard, READER, requestSandbox } from './common.js';
import { continuationNote, readTextFile } from './read-text.js';

const lines = (what: string) => z.number().int().min(1).max(10_000_000).optional().describe(what);

export const readTextInput = z.object({
  path: z.string().describe('Path of the file: absolute, or relative to the first allowed directory.'),
  head: lines('If provided, returns only the first N lines of the file.'),
  tail: lines('If provided, returns only the last N lines of the file (reads from the end; fast on huge files).'),
  offset: lines('1-based line number to start reading at (for large files: continue where a cut read stopped).'),
  count: lines('How many lines to read from offset (default: as many as fit the byte budget).'),
});

export const readTextOutput = z.object({
  content: z.string().describe('The text read, exactly as in the file.'),
  path: z.string().describe('Real path of the file read.'),
  firstLine: z.number().int().nullable().describe('Line number of the first line returned; null when unknown (tail).'),
  lineCount: z.number().int().describe('Number of lines returned.'),
  nextOffset: z.number().int().nullable().describe('Pass as offset to continue reading; null at the end of the file.'),
  truncated: z.boolean().describe('True when the byte budget cut the output short.'),
  partialLine: z.boolean().describe('True when one line is longer than the byte budget and only part of it is returned (the start of the last line, or the end of the first line for tail); offset cannot reach the rest of it.'),
  fileBytes: z.number().int().describe('Size of the whole file in bytes.'),
});

type ReadArgs = z.infer<typeof readTextInput>;

async function handler(args: ReadArgs, ctx: Ctx) {
  return guard(args.path, async () => {
    const sandbox = await requestSandbox(ctx);
    const result = await readTextFile(sandbox, args.path, { head: args.head, tail: args.tail, offset: args.offset, count: args.count, maxBytes: ctx.deps.maxReadBytes, signal: ctx.signal });
    const note = continuationNote(result, args);
    return { structured: result, text: note ? `${result.content}${result.content.endsWith('\n') || result.content === '' ? '' : '\n'}${note}` : result.content };
  });
}

const description =
  'Read the contents of a text file. Use head for the first N lines, tail for the last N lines, or offset and ' +
  'count for a line range; all three read only what they return, so they are fast on huge files. Output longer ' +
  'than the byte budget is cut at a line boundary and says which offset to continue from (a single line longer ' +
  'than the budget is cut inside and says so). Binary files are ' +
  'refused (use read_media_file). Only works within allowed directories.';

export const readTextFileTool = defineTool<FilesystemDeps, typeof readTextInput, typeof readTextOutput>({
  name: 'read_text_file',
  title: 'Read text file',
  description,
  toolset: 'read',
  input: readTextInput,
  output: readTextOutput,
  annotations: READER,
  handler,
});

export const readFileTool = defineTool<FilesystemDeps, typeof readTextInput, typeof readTextOutput>({
  name: 'read_file',
  title: 'Read file (deprecated)',
  description: `DEPRECATED: use read_text_file (same parameters). ${description}`,
  toolset: 'read',
  input: readTextInput,
  output: readTextOutput,
  annotations: READER,
  deprecatedAliasOf: 'read_text_file',
  handler,
});
