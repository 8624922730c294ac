/**
 * Output budgets and paging. Output that would exceed a budget is cut, says so, and tells the model how to
 * get the rest (an offset, a cursor or a page). These helpers keep that wording and arithmetic in one place.
 */
import { ToolError } from './errors.js';

/** Default budget for the text of one tool result (characters). */
export const DEFAULT_TEXT_BUDGET = 100_000;

export interface TextSlice {
  text: string;
  /** Index of the first character returned. */
  start: number;
  /** Where the next call should start, or null when the end was reached. */
  nextStart: number | null;
  /** Length of the whole text in characters. */
  total: number;
  truncated: boolean;
}

/**
 * Slices `text` from `start`, at most `maxChars` characters, never splitting a surrogate pair: a slice may
 * start one character earlier (a start inside a pair) or be one longer (a pair that alone exceeds maxChars 1).
 */
export function sliceText(text: string, start: number, maxChars: number): TextSlice {
  if (!Number.isInteger(start) || start < 0) throw new ToolError(`start must be a whole number >= 0 (got ${start}).`);
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new ToolError(`the length limit must be a whole number >= 1 (got ${maxChars}).`);
  const total = text.length;
  if (start >= total && total > 0) {
    throw new ToolError(`start ${start} is past the end of the content (${total} characters).`, {
      hint: `use a start below ${total}, or 0 to read from the beginning.`,
      code: 'out_of_range',
    });
  }
  // A start inside a surrogate pair (a caller's own index) moves back to the pair's first half, so no lone half
  // is returned.
  if (start > 0 && start < total && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) start -= 1;
  let end = Math.min(total, start + maxChars);
  // Do not cut between the two halves of a surrogate pair; when the pair is all that fits (maxChars 1), take
  // the whole pair rather than return nothing and the same start again.
  if (end < total && isHighSurrogate(text.charCodeAt(end - 1))) end = end - 1 > start ? end - 1 : end + 1;
  const truncated = end < total;
  return { text: text.slice(start, end), start, nextStart: truncated ? end : null, total, truncated };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The sentence appended to a cut result. `how` names the argument to change, e.g. `start_index=5000`.
 */
export function continuationHint(what: string, how: string): string {
  return `[${what} truncated. To get the rest, call again with ${how}.]`;
}

export interface CappedList<T> {
  items: T[];
  truncated: boolean;
  /** Total number of items when it is known. */
  total?: number;
}

/** Keeps the first `max` items and reports whether anything was dropped. */
export function capList<T>(items: readonly T[], max: number): CappedList<T> {
  if (items.length <= max) return { items: [...items], truncated: false, total: items.length };
  return { items: items.slice(0, max), truncated: true, total: items.length };
}

/**
 * Byte budget accumulator: add pieces until the budget is spent. Used for listings and multi-file reads
 * where each piece is either included whole or not at all.
 */
export class ByteBudget {
  private used = 0;
  constructor(readonly limit: number) {}
  /** Returns true and counts the bytes when they fit; false (and counts nothing) otherwise. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }
  get spent(): number {
    return this.used;
  }
  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
}

/** Opaque cursors: base64url JSON, so the model passes them back without editing them. */
export function encodeCursor(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(cursor: string, isValid?: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ToolError('the cursor is not one this server issued.', {
      hint: 'pass the cursor exactly as returned by the previous call, or omit it to start from the beginning.',
      code: 'invalid_cursor',
    });
  }
  if (!value || typeof value !== 'object' || (isValid && !isValid(value))) {
    throw new ToolError('the cursor is not one this server issued.', {
      hint: 'pass the cursor exactly as returned by the previous call, or omit it to start from the beginning.',
      code: 'invalid_cursor',
    });
  }
  return value as T;
}
