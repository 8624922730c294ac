/**
 * Glob patterns as the tools take them, compiled once with picomatch. Paths are always matched in POSIX
 * form relative to the directory being searched, with dotfiles included (like the official server).
 */
import type picomatch from 'picomatch';
import { loadPicomatch } from './lazy.js';

export class PatternError extends Error {
  constructor(
    message: string,
    readonly pattern: string,
  ) {
    super(message);
    this.name = 'PatternError';
  }
}

const MAX_PATTERN_LENGTH = 1000;
const MAX_PATTERNS = 200;

export type PathMatcher = (relPath: string, name: string) => boolean;

function compileOne(pattern: string): (p: string) => boolean {
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new PatternError('a glob pattern is empty.', String(pattern));
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PatternError(`a glob pattern is longer than ${MAX_PATTERN_LENGTH} characters.`, pattern.slice(0, 40));
  try {
    const re = loadPicomatch().makeRe(normalise(pattern), { dot: true, windows: false });
    return (p) => re.test(p);
  } catch (error) {
    throw new PatternError(`"${pattern}" is not a valid glob: ${(error as Error).message}`, pattern);
  }
}

/** Backslashes typed on Windows become separators; a leading ./ means "relative to the search root". */
function normalise(pattern: string): string {
  let p = pattern.replace(/\\(?![*?[\]{}()!])/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return literalParentheses(p);
}

/**
 * Escapes parentheses that do not belong to an extglob (`@(`, `!(`, `+(`, `*(`, `?(`): picomatch reads a bare
 * `(a|b)` as a regular-expression group, where minimatch (the official server's matcher) and shells take the
 * characters literally, so "report (1).txt" would match "report 1.txt" and miss itself.
 */
export function literalParentheses(pattern: string): string {
  let out = '';
  const open: boolean[] = []; // per open parenthesis: true when it started an extglob
  let inBracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[i + 1];
      i += 1;
    } else if (inBracket) {
      if (c === ']') inBracket = false;
      out += c;
    } else if (c === '[') {
      inBracket = true;
      out += c;
    } else if (c === '(') {
      const extglob = i > 0 && '@!+*?'.includes(pattern[i - 1]!);
      open.push(extglob);
      out += extglob ? c : '\\(';
    } else if (c === ')') {
      out += open.pop() === true ? c : '\\)';
    } else {
      out += c;
    }
  }
  return out;
}

/** Matches the path relative to the search root (search_files' `pattern`). */
export function compileGlob(pattern: string): PathMatcher {
  const test = compileOne(pattern);
  return (rel) => test(rel);
}

/**
 * An exclude or include list. A pattern with a slash matches the relative path; a pattern without one
 * matches the entry's name at any depth too, so `node_modules` or `*.log` exclude them everywhere.
 */
export function compileGlobList(patterns: readonly string[] | undefined): PathMatcher | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  if (patterns.length > MAX_PATTERNS) throw new PatternError(`at most ${MAX_PATTERNS} patterns are accepted.`, '');
  const compiled = patterns.map((pattern) => ({ test: compileOne(pattern), byName: !normalise(pattern).replace(/\/+$/, '').includes('/') }));
  return (rel, name) => compiled.some((c) => c.test(rel) || (c.byName && c.test(name)));
}

/**
 * The fixed leading directory of a pattern (`src/lib` for `src/lib/**\/*.ts`), so a walk need not visit
 * directories the pattern can never match. Empty when the pattern starts with a wildcard.
 */
export function staticBase(pattern: string): string {
  const scanned = loadPicomatch().scan(normalise(pattern), { windows: false } as picomatch.PicomatchOptions);
  if (scanned.negated || scanned.negatedExtglob) return '';
  if (!scanned.isGlob) {
    // A plain path: it can only match itself, so its parent is the base.
    const idx = scanned.input.lastIndexOf('/');
    return idx === -1 ? '' : scanned.input.slice(0, idx);
  }
  return scanned.base.replace(/^\.\/?/, '').replace(/\/+$/, '');
}

/** Can a directory at `rel` contain matches of a pattern whose static base is `base`? */
export function dirMayContain(base: string, rel: string): boolean {
  if (base === '') return true;
  return base === rel || base.startsWith(`${rel}/`) || rel.startsWith(`${base}/`);
}
