/**
 * Searching inside one file, streamed in chunks so memory stays flat whatever the file size. Binary files
 * are recognised from their first chunk and skipped. Lines longer than MAX_MATCH_LINE characters are
 * matched on their first MAX_MATCH_LINE characters only (minified files), which also bounds regex cost.
 */
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isBinary, SNIFF_BYTES } from './content-type.js';
import { CHUNK_SIZE } from './lines.js';
import type { UserRegex } from './regex-guard.js';

export const MAX_MATCH_LINE = 10_000;
/** Longest line text returned in a result; longer lines are cut around the match. */
export const MAX_SHOWN_LINE = 400;

export interface LineMatcher {
  /** Index of the first match in the line, or -1. */
  (line: string): number;
}

export function literalMatcher(text: string, ignoreCase: boolean): LineMatcher {
  if (!ignoreCase) return (line) => line.indexOf(text);
  const lower = text.toLowerCase();
  return (line) => line.toLowerCase().indexOf(lower);
}

export function regexMatcher(user: UserRegex): LineMatcher {
  const r = new RegExp(user.re.source, user.re.flags.replace('g', ''));
  return (line) => {
    const m = r.exec(user.lowercaseInput ? line.toLowerCase() : line);
    return m ? m.index : -1;
  };
}

export interface ContentMatch {
  line: number;
  text: string;
  before: string[];
  after: string[];
}

export interface FileSearchResult {
  binary: boolean;
  matches: ContentMatch[];
  /** True when the per-call cap stopped this file early. */
  capped: boolean;
}

export interface FileSearchOptions {
  matcher: LineMatcher;
  contextLines: number;
  maxMatches: number;
  signal?: AbortSignal;
  /** A scratch buffer to reuse across files (saves an allocation per file); CHUNK_SIZE bytes is plenty. */
  buffer?: Buffer;
}

/** Shows a line, cut to MAX_SHOWN_LINE characters around the match. */
export function showLine(line: string, at: number): string {
  const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (clean.length <= MAX_SHOWN_LINE) return clean;
  const start = Math.max(0, Math.min(at - 100, clean.length - MAX_SHOWN_LINE));
  return `${start > 0 ? '…' : ''}${clean.slice(start, start + MAX_SHOWN_LINE)}…`;
}

/**
 * The line scanner behind both drivers below: feed it chunks in file order, then finish(). Kept free of I/O
 * so that the same logic serves the async path (one file) and the synchronous path (many small files, where
 * a thread-pool round trip per system call would dominate the cost).
 */
class FileSearcher {
  private readonly matches: ContentMatch[] = [];
  /** The last contextLines lines before the current one (shown lines included; see line()). */
  private readonly before: string[] = [];
  /** The latest match, while its after-context is still being collected. */
  private collectingAfter: ContentMatch | undefined;
  /** Number of the last line already in the result (a match or a context line): context is never repeated. */
  private lastShown = 0;
  private carry: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private first = true;
  capped = false;
  binary = false;

  constructor(private readonly options: FileSearchOptions) {}

  /** Returns false when the search of this file is over (binary, or the cap was reached). */
  feed(chunk: Buffer): boolean {
    if (this.first) {
      this.first = false;
      if (isBinary(chunk.subarray(0, SNIFF_BYTES))) {
        this.binary = true;
        return false;
      }
    }
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let i = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, i);
      if (nl === -1) break;
      if (!this.line(data.subarray(i, nl))) return false;
      i = nl + 1;
    }
    // Keep the unfinished line (copied: the chunk buffer is reused), but never more than can matter.
    const rest = data.subarray(i);
    this.carry = Buffer.from(rest.length > MAX_MATCH_LINE * 4 ? rest.subarray(0, MAX_MATCH_LINE * 4) : rest);
    return true;
  }

  finish(): FileSearchResult {
    if (!this.binary && !this.capped && this.carry.length > 0) this.line(this.carry);
    return { binary: this.binary, matches: this.binary ? [] : this.matches, capped: this.capped };
  }

  /**
   * One line. Context follows grep: a line is shown once, so a match right after another one ends the first
   * one's after-context, and the second one's before-context starts after what is already shown.
   */
  private line(raw: Buffer): boolean {
    const { matcher, contextLines, maxMatches } = this.options;
    this.lineNo += 1;
    // A CRLF file's lines are matched without their \r, so `$` and text at the end of a line match as in LF files.
    const end = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.length - 1 : raw.length;
    const line = raw.toString('utf8', 0, Math.min(end, MAX_MATCH_LINE * 4)).slice(0, MAX_MATCH_LINE);
    const at = matcher(line);
    if (at !== -1) {
      if (this.matches.length >= maxMatches) {
        this.capped = true;
        return false;
      }
      const unshown = Math.min(this.before.length, this.lineNo - 1 - this.lastShown);
      const match: ContentMatch = { line: this.lineNo, text: showLine(line, at), before: this.before.slice(this.before.length - unshown), after: [] };
      this.matches.push(match);
      this.lastShown = this.lineNo;
      this.collectingAfter = contextLines > 0 ? match : undefined;
    } else if (this.collectingAfter) {
      this.collectingAfter.after.push(showLine(line, 0));
      this.lastShown = this.lineNo;
      if (this.collectingAfter.after.length >= contextLines) this.collectingAfter = undefined;
    }
    if (contextLines > 0) {
      this.before.push(showLine(line, 0));
      if (this.before.length > contextLines) this.before.shift();
    }
    return true;
  }
}

/** Searches an open file through its (async) handle. */
export async function searchInFile(handle: FileHandle, options: FileSearchOptions): Promise<FileSearchResult> {
  const buf = options.buffer ?? Buffer.allocUnsafe(CHUNK_SIZE);
  const searcher = new FileSearcher(options);
  let pos = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    if (!searcher.feed(buf.subarray(0, bytesRead))) break;
  }
  return searcher.finish();
}

/** Searches an open file descriptor synchronously (for walks over many small files; see FileSearcher). */
export function searchInFd(fd: number, options: FileSearchOptions): FileSearchResult {
  const buf = options.buffer ?? Buffer.allocUnsafe(CHUNK_SIZE);
  const searcher = new FileSearcher(options);
  let pos = 0;
  for (;;) {
    const bytesRead = readSync(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    if (!searcher.feed(buf.subarray(0, bytesRead))) break;
  }
  return searcher.finish();
}
