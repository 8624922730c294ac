/**
 * Text edits as the edit_file tool applies them: each `oldText` must match exactly once (or every match is
 * replaced when `replaceAll` is set); when there is no exact match, a whitespace-tolerant line match is
 * tried, and the replacement takes the indentation of the lines it replaces. The file's line ending style
 * (LF or CRLF) and a UTF-8 byte order mark survive the edit, whatever the model typed.
 */
import { loadDiff } from './lazy.js';

export interface TextEdit {
  oldText: string;
  newText: string;
  replaceAll?: boolean;
}

export type EditFailureReason = 'not_found' | 'ambiguous' | 'empty';

/** An edit that could not be applied. Plain error: the tool layer turns it into an actionable result. */
export class EditError extends Error {
  constructor(
    message: string,
    readonly reason: EditFailureReason,
    readonly editIndex: number,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'EditError';
  }
}

export interface EditOutcome {
  /** The new file content, ready to write (BOM and line endings as in the original). */
  content: string;
  /** Per edit: how it matched and how many places it changed. */
  applied: Array<{ index: number; match: 'exact' | 'whitespace'; replacements: number }>;
  lineEnding: 'lf' | 'crlf';
  hadBom: boolean;
  changed: boolean;
}

const BOM = '\uFEFF';

/** `crlf` only when every newline is preceded by CR; mixed files are edited as they are. */
export function detectLineEnding(text: string): 'lf' | 'crlf' {
  const lf = countOf(text, '\n');
  if (lf === 0) return 'lf';
  return countOf(text, '\r\n') === lf ? 'crlf' : 'lf';
}

function countOf(text: string, needle: string): number {
  let count = 0;
  let i = text.indexOf(needle);
  while (i !== -1) {
    count += 1;
    i = text.indexOf(needle, i + needle.length);
  }
  return count;
}

/** Applies the edits in order, each to the result of the previous one. Throws EditError. */
export function applyEdits(original: string, edits: readonly TextEdit[]): EditOutcome {
  const hadBom = original.startsWith(BOM);
  const withoutBom = hadBom ? original.slice(1) : original;
  const lineEnding = detectLineEnding(withoutBom);
  // Work in LF for CRLF files so that oldText typed with \n matches; convert back at the end.
  let work = lineEnding === 'crlf' ? withoutBom.replace(/\r\n/g, '\n') : withoutBom;
  const applied: EditOutcome['applied'] = [];

  edits.forEach((edit, index) => {
    const oldText = stripBom(edit.oldText);
    if (oldText === '') {
      throw new EditError(`edit ${index + 1}: oldText is empty.`, 'empty', index, 'give the exact text to replace (copy it from read_text_file), or use write_file to replace the whole file.');
    }
    const candidates = lineEnding === 'crlf' ? [normaliseEol(oldText)] : unique([oldText, normaliseEol(oldText)]);
    const newText = lineEnding === 'crlf' ? normaliseEol(edit.newText) : edit.newText;
    for (const candidate of candidates) {
      const positions = findAll(work, candidate);
      if (positions.length === 0) continue;
      if (positions.length > 1 && !edit.replaceAll) {
        const lines = positions.slice(0, 5).map((p) => lineNumberAt(work, p));
        throw new EditError(
          `edit ${index + 1}: oldText matches ${positions.length} places (lines ${lines.join(', ')}${positions.length > 5 ? ', ...' : ''}).`,
          'ambiguous',
          index,
          'include more surrounding lines in oldText so that it matches exactly once, or set replaceAll: true to replace every occurrence.',
        );
      }
      work = replaceAt(work, positions, candidate.length, newText);
      applied.push({ index, match: 'exact', replacements: positions.length });
      return;
    }
    const fuzzy = findWhitespaceTolerant(work, normaliseEol(oldText));
    if (fuzzy.length === 0) {
      throw new EditError(
        `edit ${index + 1}: oldText was not found in the file${index > 0 ? ' (after applying the earlier edits)' : ''}.`,
        'not_found',
        index,
        'read the file again with read_text_file and copy the text to replace exactly, including indentation; keep each oldText short and unique.',
      );
    }
    if (fuzzy.length > 1 && !edit.replaceAll) {
      throw new EditError(
        `edit ${index + 1}: oldText matches ${fuzzy.length} places when whitespace is ignored (lines ${fuzzy
          .slice(0, 5)
          .map((m) => m.startLine + 1)
          .join(', ')}).`,
        'ambiguous',
        index,
        'include more surrounding lines in oldText so that it matches exactly once, or set replaceAll: true.',
      );
    }
    work = replaceLineMatches(work, fuzzy, normaliseEol(oldText), normaliseEol(newText));
    applied.push({ index, match: 'whitespace', replacements: fuzzy.length });
  });

  let content = lineEnding === 'crlf' ? work.replace(/\n/g, '\r\n') : work;
  if (hadBom) content = BOM + content;
  return { content, applied, lineEnding, hadBom, changed: content !== original };
}

function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

function normaliseEol(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** Non-overlapping occurrences, left to right. */
export function findAll(haystack: string, needle: string): number[] {
  const out: number[] = [];
  let i = haystack.indexOf(needle);
  while (i !== -1) {
    out.push(i);
    i = haystack.indexOf(needle, i + needle.length);
  }
  return out;
}

function replaceAt(text: string, positions: number[], length: number, replacement: string): string {
  let out = '';
  let last = 0;
  for (const p of positions) {
    out += text.slice(last, p) + replacement;
    last = p + length;
  }
  return out + text.slice(last);
}

function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  let i = text.indexOf('\n');
  while (i !== -1 && i < offset) {
    line += 1;
    i = text.indexOf('\n', i + 1);
  }
  return line;
}

interface LineMatch {
  /** 0-based index of the first matched line. */
  startLine: number;
  lineCount: number;
}

/**
 * Windows of whole lines whose trimmed text equals oldText's trimmed lines (blank leading/trailing lines
 * of oldText ignored). Non-overlapping, left to right.
 */
function findWhitespaceTolerant(text: string, oldText: string): LineMatch[] {
  const wanted = trimBlankEnds(oldText.split('\n')).map((l) => collapse(l));
  if (wanted.length === 0) return [];
  const lines = text.split('\n').map((l) => collapse(l));
  const out: LineMatch[] = [];
  for (let i = 0; i + wanted.length <= lines.length; i++) {
    let ok = true;
    for (let j = 0; j < wanted.length; j++) {
      if (lines[i + j] !== wanted[j]) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.push({ startLine: i, lineCount: wanted.length });
      i += wanted.length - 1;
    }
  }
  return out;
}

/** Trims both ends and collapses inner runs of spaces/tabs, so re-indented or re-spaced text matches. */
function collapse(line: string): string {
  return line.trim().replace(/[ \t]+/g, ' ');
}

function trimBlankEnds(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a += 1;
  while (b > a && lines[b - 1]!.trim() === '') b -= 1;
  return lines.slice(a, b);
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/**
 * Replaces matched line windows with newText, re-indented: the indentation oldText's first line had is
 * swapped for the indentation the file's first matched line has, on every new line that starts with it.
 */
function replaceLineMatches(text: string, matches: LineMatch[], oldText: string, newText: string): string {
  const lines = text.split('\n');
  const oldLines = trimBlankEnds(oldText.split('\n'));
  const oldIndent = leadingWhitespace(oldLines[0] ?? '');
  const newLines = trimBlankEnds(newText.split('\n'));
  const out: string[] = [];
  let cursor = 0;
  for (const m of matches) {
    out.push(...lines.slice(cursor, m.startLine));
    const fileIndent = leadingWhitespace(lines[m.startLine] ?? '');
    for (const line of newLines) {
      if (line.trim() === '') out.push(line);
      else if (line.startsWith(oldIndent)) out.push(fileIndent + line.slice(oldIndent.length));
      else out.push(fileIndent + line.trimStart());
    }
    cursor = m.startLine + m.lineCount;
  }
  out.push(...lines.slice(cursor));
  return out.join('\n');
}

/**
 * A unified diff between two versions of a file, in LF form (CR shown nowhere), fenced so that backticks
 * inside the file cannot end the fence early.
 */
export function unifiedDiff(path: string, before: string, after: string): string {
  const patch = loadDiff().createTwoFilesPatch(path, path, normaliseEol(stripBom(before)), normaliseEol(stripBom(after)), 'original', 'modified');
  return patch;
}

export function fenceDiff(diff: string): string {
  let fence = '```';
  while (diff.includes(fence)) fence += '`';
  return `${fence}diff\n${diff}${diff.endsWith('\n') ? '' : '\n'}${fence}`;
}
