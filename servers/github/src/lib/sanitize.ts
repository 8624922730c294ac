/**
 * Prompt-injection hygiene: text from GitHub (issue bodies, file contents, commit messages) can hide
 * instructions in characters a person never sees. Invisible format characters and bidirectional controls are
 * removed from everything the server returns; ordinary text, emoji and CJK are left alone.
 */

// Zero-width space/non-joiner/joiner, LRM/RLM, LRE/RLE/PDF/LRO/RLO, word joiner and invisible operators,
// LRI/RLI/FSI/PDI, BOM/ZWNBSP, soft hyphen, Mongolian vowel separator, ALM, interlinear annotations, and
// the Unicode tag block (U+E0000-U+E007F, used for "ASCII smuggling").
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;

export interface StripResult {
  text: string;
  removed: number;
}

export function stripInvisible(text: string): StripResult {
  let removed = 0;
  const out = text.replace(INVISIBLE, () => {
    removed += 1;
    return '';
  });
  return { text: out, removed };
}

export function stripInvisibleText(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Copy of a JSON-like value with every string cleaned. */
export function sanitizeDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return stripInvisibleText(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v);
    return out;
  }
  return value;
}
