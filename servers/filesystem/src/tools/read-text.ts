/**
 * The text reading shared by read_text_file, read_file, read_multiple_files and file resources: open once
 * through the sandbox (no gap between check and read), refuse binary content, then read only the lines
 * asked for within the byte budget.
 */
import { openForRead, type PathSandbox, ToolError } from '@portico/protocol';
import { isBinary, SNIFF_BYTES } from '../lib/content-type.js';
import { CHUNK_SIZE, readLastLines, readLinesForward, readRange } from '../lib/lines.js';

export interface TextReadRequest {
  head?: number | undefined;
  tail?: number | undefined;
  offset?: number | undefined;
  count?: number | undefined;
  maxBytes: number;
  signal?: AbortSignal;
}

export interface TextReadResult {
  /** The file text returned (exactly as in the file). */
  content: string;
  /** Real path read. */
  path: string;
  /** 1-based number of the first line returned, or null when unknown (tail of a large file). */
  firstLine: number | null;
  lineCount: number;
  /** Line to pass as `offset` to continue, or null when the end of the file was reached. */
  nextOffset: number | null;
  truncated: boolean;
  /**
   * True when one line alone did not fit the byte budget, so only part of it is returned: the last line of a
   * forward read (its start), or the first line of a tail (its end). Line offsets cannot reach the rest.
   */
  partialLine: boolean;
  fileBytes: number;
}

export function validateReadRequest(request: TextReadRequest): void {
  const { head, tail, offset, count } = request;
  if (head !== undefined && tail !== undefined) {
    throw new ToolError('head and tail cannot be used together.', { code: 'invalid_arguments', hint: 'pass only head (first N lines) or only tail (last N lines); for a range in the middle use offset and count.' });
  }
  if (tail !== undefined && (offset !== undefined || count !== undefined)) {
    throw new ToolError('tail cannot be combined with offset or count.', { code: 'invalid_arguments', hint: 'use tail alone for the end of the file, or offset and count for a line range.' });
  }
  if (head !== undefined && count !== undefined && head !== count) {
    throw new ToolError('head and count both give a number of lines and disagree.', { code: 'invalid_arguments', hint: 'pass only one of them.' });
  }
}

export async function readTextFile(sandbox: PathSandbox, input: string, request: TextReadRequest): Promise<TextReadResult> {
  validateReadRequest(request);
  const { handle, resolved, stats } = await openForRead(sandbox, input);
  try {
    // A forward read from the top starts with the chunk it would read first, so the sniff costs no extra read;
    // tail and offset reads sniff only the first few KiB.
    const fromTop = request.tail === undefined && (request.offset ?? 1) === 1;
    const sniff = await readRange(handle, 0, Math.min(fromTop ? CHUNK_SIZE : SNIFF_BYTES, stats.size));
    if (isBinary(sniff.subarray(0, SNIFF_BYTES))) {
      throw new ToolError(`"${input}" is a binary file (${stats.size} bytes), not text.`, {
        code: 'binary_file',
        hint: 'use read_media_file to get it as an image, audio or embedded resource, or get_file_info for its type and size.',
      });
    }
    if (request.tail !== undefined) {
      const slice = await readLastLines(handle, stats.size, { lines: request.tail, maxBytes: request.maxBytes, ...(request.signal ? { signal: request.signal } : {}) });
      return { content: slice.text, path: resolved.path, firstLine: slice.firstLine, lineCount: slice.lineCount, nextOffset: null, truncated: slice.truncated, partialLine: slice.partialLine, fileBytes: stats.size };
    }
    const maxLines = request.head ?? request.count;
    const slice = await readLinesForward(handle, {
      startLine: request.offset ?? 1,
      ...(maxLines !== undefined ? { maxLines } : {}),
      maxBytes: request.maxBytes,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(fromTop ? { startOfFile: sniff } : {}),
    });
    if (slice.lineCount === 0 && (request.offset ?? 1) > 1) {
      throw new ToolError(`offset ${request.offset} is past the end of "${input}".`, { code: 'out_of_range', hint: 'use a smaller offset, or tail to read the last lines.' });
    }
    return {
      content: slice.text,
      path: resolved.path,
      firstLine: slice.firstLine,
      lineCount: slice.lineCount,
      nextOffset: slice.nextLine,
      truncated: slice.truncated,
      partialLine: slice.partialLine,
      fileBytes: stats.size,
    };
  } finally {
    await handle.close();
  }
}

/** The sentence after a partial read that tells the model how to get more. */
export function continuationNote(result: TextReadResult, asked: { head?: number | undefined; tail?: number | undefined; count?: number | undefined }): string | undefined {
  if (result.truncated && asked.tail !== undefined) {
    if (result.partialLine) {
      return `[Output cut to the byte budget: the last line alone is longer than the budget, so only its end is shown; the rest of that line cannot be read with offset. Use search_content to find text in it; the operator can raise --max-read-bytes.]`;
    }
    return `[Output cut to the byte budget: only the last ${result.lineCount} line(s) fit. Use offset and count to read earlier lines in pieces.]`;
  }
  if (result.partialLine && result.firstLine !== null) {
    // A line longer than the whole budget: offset moves by lines, so the rest of this one is out of reach.
    const line = result.firstLine + result.lineCount - 1;
    const after = result.nextOffset !== null && result.nextOffset > line ? ` Lines after it, if any, start at offset=${result.nextOffset}.` : '';
    return `[Line ${line} is longer than the byte budget: only its first ${Buffer.byteLength(result.content.slice(result.content.lastIndexOf('\n') + 1))} bytes are shown, and the rest of that line cannot be read with offset. Use search_content to find text in it; the operator can raise --max-read-bytes.${after}]`;
  }
  if (result.truncated && result.nextOffset !== null) {
    return `[Output cut to the byte budget after ${result.lineCount} line(s) of ${result.fileBytes} bytes in total. To get the rest, call again with offset=${result.nextOffset}.]`;
  }
  const askedLines = asked.head ?? asked.count;
  if (result.nextOffset !== null && askedLines === undefined) {
    return `[More lines follow. To continue, call again with offset=${result.nextOffset}.]`;
  }
  return undefined;
}
