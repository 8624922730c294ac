/**
 * Line-oriented reads on an already opened file. Every function here costs O(bytes of the lines asked
 * for), never O(file size): head and line ranges scan forwards from the start, tail scans backwards from
 * the end, both in fixed-size chunks. Output is cut at line boundaries where possible; when one line alone
 * exceeds the byte budget it is cut at a UTF-8 character boundary, never inside a multi-byte sequence.
 *
 * UTF-8 safety at chunk edges comes for free: a newline byte (0x0A) never occurs inside a multi-byte
 * sequence, so scanning raw bytes for newlines and decoding only the final [start, end) slice once never
 * splits a character.
 */
import type { FileHandle } from 'node:fs/promises';

export const CHUNK_SIZE = 64 * 1024;
const NEWLINE = 0x0a;

export interface LineSlice {
  /** The decoded text of the returned lines, line terminators included. */
  text: string;
  /** 1-based number of the first returned line; null when unknown (tail does not count from the start). */
  firstLine: number | null;
  /** Number of lines returned (a final line without a newline counts; a cut line counts). */
  lineCount: number;
  /** 1-based line where a follow-up read should start, or null when the end of the file was reached. */
  nextLine: number | null;
  /** True when the byte budget cut the output short of what was asked. */
  truncated: boolean;
  /** True when one line was longer than the whole budget and was cut inside. */
  partialLine: boolean;
  /** Bytes of the file read to produce this answer (scan included), for measurement and tests. */
  bytesScanned: number;
  /** Byte range [start, end) of the file that was returned. */
  byteStart: number;
  byteEnd: number;
}

export interface ForwardOptions {
  /** 1-based line to start at. */
  startLine?: number;
  /** Most lines to return (Infinity for "to the end"). */
  maxLines?: number;
  /** Most bytes to return. */
  maxBytes: number;
  signal?: AbortSignal;
  chunkSize?: number;
  /** Bytes the caller already read from the start of the file (e.g. to sniff for binary content): not read again. */
  startOfFile?: Buffer;
}

/** Reads lines [startLine, startLine + maxLines) within maxBytes. Scans only as far as needed. */
export async function readLinesForward(handle: FileHandle, options: ForwardOptions): Promise<LineSlice> {
  const startLine = options.startLine ?? 1;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const { maxBytes, signal } = options;
  const buf = Buffer.allocUnsafe(options.chunkSize ?? CHUNK_SIZE);
  let pos = 0;
  let line = 1;
  let start = startLine === 1 ? 0 : -1;
  let lastBoundary = -1;
  let linesDone = 0;
  let end = -1;
  let truncated = false;
  let partialLine = false;
  let eof = false;
  let scanned = 0;
  // The file range still held in buf, so a short answer is sliced from it rather than read a second time.
  let heldStart = 0;
  let heldLength = 0;

  let startOfFile = options.startOfFile;
  scan: for (;;) {
    signal?.throwIfAborted();
    let bytesRead: number;
    if (pos === 0 && startOfFile && startOfFile.length > 0) {
      bytesRead = startOfFile.copy(buf, 0, 0, Math.min(startOfFile.length, buf.length));
      startOfFile = undefined;
    } else {
      ({ bytesRead } = await handle.read(buf, 0, buf.length, pos));
    }
    scanned += bytesRead;
    if (bytesRead === 0) {
      eof = true;
      break;
    }
    heldStart = pos;
    heldLength = bytesRead;
    const view = buf.subarray(0, bytesRead);
    let i = 0;
    for (;;) {
      const nl = view.indexOf(NEWLINE, i);
      if (nl === -1) break;
      const after = pos + nl + 1;
      i = nl + 1;
      if (start === -1) {
        line += 1;
        if (line === startLine) start = after;
        continue;
      }
      if (after - start > maxBytes) {
        truncated = true;
        break scan;
      }
      linesDone += 1;
      lastBoundary = after;
      if (linesDone >= maxLines) {
        end = after;
        break scan;
      }
    }
    pos += bytesRead;
    // The line in progress already overflows the budget: no need to read further.
    if (start !== -1 && pos - start > maxBytes) {
      truncated = true;
      break;
    }
  }

  if (start === -1) {
    // startLine is past the last line.
    return { text: '', firstLine: startLine, lineCount: 0, nextLine: null, truncated: false, partialLine: false, bytesScanned: scanned, byteStart: pos, byteEnd: pos };
  }
  if (eof) {
    end = pos;
    if (pos > Math.max(start, lastBoundary)) linesDone += 1; // a final line without a newline
    if (end - start > maxBytes) {
      // The final unterminated line does not fit.
      truncated = true;
      linesDone -= 1;
    }
  }
  if (truncated) {
    if (linesDone > 0 && lastBoundary > start) {
      end = lastBoundary;
    } else {
      partialLine = true;
      linesDone = 1;
      end = start + maxBytes;
    }
  }
  const held = start >= heldStart && end <= heldStart + heldLength;
  const bytes = held ? buf.subarray(start - heldStart, end - heldStart) : await readRange(handle, start, end);
  if (!held) scanned += bytes.length;
  let data = bytes;
  if (partialLine) data = bytes.subarray(0, utf8SafeEnd(bytes, bytes.length));
  const reachedEnd = eof && !truncated;
  let nextLine: number | null = reachedEnd ? null : startLine + linesDone;
  if (!reachedEnd && !truncated && !(end < heldStart + heldLength)) {
    // Stopped by maxLines at the end of what was read: is there anything after?
    const probe = Buffer.allocUnsafe(1);
    const { bytesRead } = await handle.read(probe, 0, 1, end);
    if (bytesRead === 0) nextLine = null;
  }
  return {
    text: data.toString('utf8'),
    firstLine: startLine,
    lineCount: linesDone,
    nextLine,
    truncated,
    partialLine,
    bytesScanned: scanned,
    byteStart: start,
    byteEnd: start + data.length,
  };
}

export interface TailOptions {
  lines: number;
  maxBytes: number;
  signal?: AbortSignal;
  chunkSize?: number;
}

/**
 * The last `lines` lines of a file of `size` bytes, reading backwards in chunks. A newline at the very end
 * of the file terminates the last line; it does not start an empty one.
 */
export async function readLastLines(handle: FileHandle, size: number, options: TailOptions): Promise<LineSlice> {
  const { lines, maxBytes, signal } = options;
  const chunk = options.chunkSize ?? CHUNK_SIZE;
  const buf = Buffer.allocUnsafe(chunk);
  let pos = size;
  let need = lines;
  let start = 0;
  let found = false;
  let scanned = 0;
  // Earliest line start seen that still lies within the byte budget.
  let earliestStartInBudget = -1;
  const budgetFloor = Math.max(0, size - maxBytes);
  let truncated = false;
  // The file range still held in buf (the chunk read last).
  let heldStart = 0;
  let heldEnd = 0;

  while (pos > 0 && !found) {
    signal?.throwIfAborted();
    const length = Math.min(chunk, pos);
    pos -= length;
    await readExactly(handle, buf, length, pos);
    scanned += length;
    heldStart = pos;
    heldEnd = pos + length;
    let i = length - 1;
    while (i >= 0) {
      const nl = buf.lastIndexOf(NEWLINE, i);
      if (nl === -1 || nl > i) break;
      i = nl - 1;
      const abs = pos + nl;
      if (abs === size - 1) continue;
      const lineStart = abs + 1;
      if (lineStart < budgetFloor) {
        truncated = true;
        found = true;
        break;
      }
      earliestStartInBudget = lineStart;
      need -= 1;
      if (need === 0) {
        start = lineStart;
        found = true;
        break;
      }
    }
    if (!found && pos < budgetFloor) {
      // The budget floor lies in this chunk and no newline between it and the kept lines.
      truncated = true;
      found = true;
    }
  }
  if (!found) start = 0; // the whole file has fewer lines than asked
  let partialLine = false;
  if (truncated) {
    if (earliestStartInBudget !== -1) {
      start = earliestStartInBudget;
    } else {
      // The last line alone is longer than the budget: return its last maxBytes bytes.
      partialLine = true;
      start = budgetFloor;
    }
  }
  // The last lines usually lie within the chunk read last (still in buf): slice it instead of reading again.
  const held = heldEnd > heldStart && start >= heldStart && size <= heldEnd;
  let bytes = held ? buf.subarray(start - heldStart, size - heldStart) : await readRange(handle, start, size);
  if (!held) scanned += bytes.length;
  if (partialLine) bytes = bytes.subarray(utf8SafeStart(bytes, 0));
  const text = bytes.toString('utf8');
  return {
    text,
    firstLine: start === 0 ? 1 : null,
    lineCount: countLines(bytes),
    nextLine: null,
    truncated,
    partialLine,
    bytesScanned: scanned,
    byteStart: size - bytes.length,
    byteEnd: size,
  };
}

/** Number of lines in a buffer: newlines, plus one for a final line without a newline. */
export function countLines(bytes: Buffer): number {
  if (bytes.length === 0) return 0;
  let count = 0;
  let i = 0;
  for (;;) {
    const nl = bytes.indexOf(NEWLINE, i);
    if (nl === -1) break;
    count += 1;
    i = nl + 1;
  }
  return bytes[bytes.length - 1] === NEWLINE ? count : count + 1;
}

export async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const length = Math.max(0, end - start);
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, start + done);
    if (bytesRead === 0) break; // the file shrank under us
    done += bytesRead;
  }
  return out.subarray(0, done);
}

async function readExactly(handle: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) {
      buf.fill(0, done, length);
      return;
    }
    done += bytesRead;
  }
}

/** Largest end <= `end` such that bytes[0, end) does not finish inside a UTF-8 sequence. */
export function utf8SafeEnd(bytes: Buffer, end: number): number {
  const limit = Math.min(end, bytes.length);
  let lead = limit - 1;
  // Walk back over at most three continuation bytes to the lead byte of the last character.
  while (lead >= 0 && lead > limit - 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  if (lead < 0) return 0;
  const b = bytes[lead] ?? 0;
  const length = b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 1;
  return lead + length <= limit ? limit : lead;
}

/** Smallest start >= `start` that begins a UTF-8 character. */
export function utf8SafeStart(bytes: Buffer, start: number): number {
  let i = start;
  while (i < bytes.length && i < start + 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i += 1;
  return i;
}
