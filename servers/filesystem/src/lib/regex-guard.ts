/**
 * User regexes without catastrophic backtracking. Two layers:
 *
 * 1. V8 is told to switch a regex to its linear-time (non-backtracking) engine once it has backtracked too
 *    much. That turns `(a+)+$` on "aaaa...!" from hours into milliseconds. The linear engine cannot run
 *    backreferences or lookarounds, so those constructs are refused up front.
 * 2. Patterns that are obviously exponential (a quantified group that itself contains an unbounded
 *    quantifier, e.g. `(a+)+`, `(\w*)*`) are refused with an explanation, even though layer 1 would save
 *    us, because the model is better served by a clear message than by a slow fallback.
 *
 * Lines are matched at most MAX_MATCH_LINE characters long, which bounds any remaining polynomial cost.
 */
import v8 from 'node:v8';

export class RegexRefused extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'RegexRefused';
  }
}

let flagsSet = false;
/** Idempotent; safe to call before compiling any user regex. */
export function enableBacktrackFallback(): void {
  if (flagsSet) return;
  flagsSet = true;
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  v8.setFlagsFromString('--regexp-backtracks-before-fallback=50000');
}

const MAX_REGEX_LENGTH = 1000;

export interface UserRegex {
  re: RegExp;
  /** Lines must be lowercased before matching (case-insensitive search). */
  lowercaseInput: boolean;
}

/** Compiles a user regex after the safety checks; throws RegexRefused with what to do instead. */
export function compileUserRegex(source: string, ignoreCase: boolean): UserRegex {
  return { re: compileSource(source, ignoreCase), lowercaseInput: ignoreCase };
}

function compileSource(source: string, ignoreCase: boolean): RegExp {
  enableBacktrackFallback();
  if (source.length === 0) throw new RegexRefused('the regex is empty.', 'give a non-empty pattern.');
  if (source.length > MAX_REGEX_LENGTH) throw new RegexRefused(`the regex is longer than ${MAX_REGEX_LENGTH} characters.`, 'use a shorter pattern.');
  if (/\\[1-9]|\\k</.test(stripClasses(source))) {
    throw new RegexRefused('backreferences (\\1, \\k<name>) are not supported in search_content regexes.', 'search for a simpler pattern (or a literal) and check the repeats in the matched lines.');
  }
  if (/\(\?<?[=!]/.test(stripClasses(source))) {
    throw new RegexRefused('lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported in search_content regexes.', 'match the surrounding text directly, or search for the main part and filter the lines you get back.');
  }
  const nested = findNestedQuantifier(source);
  if (nested) {
    throw new RegexRefused(
      `the regex has a repeated group that itself repeats (${nested}); that form can take exponential time.`,
      'remove the outer repetition, e.g. use `a+` instead of `(a+)+`, or search for a literal.',
    );
  }
  try {
    // No flags on purpose: V8's linear-time fallback engine supports neither `i` nor `u`. Case-insensitive
    // searches lowercase the pattern's letters here and each line before matching (see regexMatcher).
    return new RegExp(ignoreCase ? lowercaseLiterals(source) : source, '');
  } catch (error) {
    throw new RegexRefused(`the regex is not valid: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}.`, 'fix the syntax, or set regex: false to search for the text literally.');
  }
}

/** Lowercases letters outside escape sequences (`\W`, `\D`, `\B` keep their meaning). */
function lowercaseLiterals(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i += 1;
      continue;
    }
    out += c.toLowerCase();
  }
  return out;
}

/** Replaces escapes and character classes with a placeholder so structure checks see only syntax. */
function stripClasses(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      // Keep backreference escapes visible; neutralise every other escape.
      out += inClass ? '' : /[1-9k]/.test(next) ? `\\${next}` : 'x';
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        out += 'x';
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Finds `( ... unbounded quantifier ... )` followed by an unbounded quantifier. Returns the offending text
 * or undefined. Bounded repeats like {2} are not counted as unbounded.
 */
export function findNestedQuantifier(source: string): string | undefined {
  const s = stripClasses(source);
  // For each open group: whether an unbounded quantifier occurred inside it.
  const stack: Array<{ start: number; inner: boolean }> = [];
  const unboundedAt = (i: number): number => {
    const c = s[i];
    if (c === '*' || c === '+') return 1;
    if (c === '{') {
      const m = /^\{(\d*),(\d*)\}/.exec(s.slice(i));
      if (m && m[2] === '') return m[0].length;
      if (m && Number(m[2]) > 50) return m[0].length;
    }
    return 0;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') {
      stack.push({ start: i, inner: false });
      continue;
    }
    if (c === ')') {
      const group = stack.pop();
      if (!group) continue;
      const q = unboundedAt(i + 1);
      if (group.inner && q > 0) return s.slice(group.start, i + 1 + q);
      // An alternation inside a repeated group whose branches can match the same text is also risky; the
      // engine fallback covers it, so only the clear-cut nesting is refused here.
      if (stack.length > 0 && (group.inner || q > 0)) stack[stack.length - 1]!.inner = true;
      continue;
    }
    if (unboundedAt(i) > 0 && stack.length > 0) stack[stack.length - 1]!.inner = true;
  }
  return undefined;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
