import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { compileUserRegex, findNestedQuantifier, RegexRefused } from './regex-guard.js';
import { literalMatcher, regexMatcher, searchInFile } from './search-content.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('fs-search-');
});
afterAll(async () => dir.cleanup());

async function search(content: string | Buffer, options: Parameters<typeof searchInFile>[1]) {
  const path = join(dir.path, `f-${Math.random()}`);
  await writeFile(path, content);
  const h = await open(path, 'r');
  try {
    return await searchInFile(h, options);
  } finally {
    await h.close();
  }
}

describe('searchInFile', () => {
  it('finds literal matches with line numbers and context', async () => {
    const r = await search('one\ntwo\nneedle here\nfour\nfive\n', { matcher: literalMatcher('needle', false), contextLines: 1, maxMatches: 10 });
    expect(r.matches).toEqual([{ line: 3, text: 'needle here', before: ['two'], after: ['four'] }]);
  });

  it('matches case-insensitively and with a regex', async () => {
    const r1 = await search('Alpha\nbeta\n', { matcher: literalMatcher('ALPHA', true), contextLines: 0, maxMatches: 10 });
    expect(r1.matches.map((m) => m.line)).toEqual([1]);
    const r2 = await search('foo1\nbar\nfoo22\n', { matcher: regexMatcher(compileUserRegex('^foo\\d+$', false)), contextLines: 0, maxMatches: 10 });
    expect(r2.matches.map((m) => m.line)).toEqual([1, 3]);
  });

  it('caps the number of matches and skips binary files', async () => {
    const r = await search('x\n'.repeat(100), { matcher: literalMatcher('x', false), contextLines: 0, maxMatches: 5 });
    expect(r.matches).toHaveLength(5);
    expect(r.capped).toBe(true);
    const b = await search(Buffer.from([120, 0, 120, 10]), { matcher: literalMatcher('x', false), contextLines: 0, maxMatches: 5 });
    expect(b.binary).toBe(true);
    expect(b.matches).toEqual([]);
  });

  it('matches `$` and line-end text in CRLF files as in LF files', async () => {
    const regex = regexMatcher(compileUserRegex('foo$', false));
    const crlf = await search('a foo\r\nfoo bar\r\nlast foo', { matcher: regex, contextLines: 0, maxMatches: 10 });
    expect(crlf.matches.map((m) => [m.line, m.text])).toEqual([[1, 'a foo'], [3, 'last foo']]);
    const literal = await search('x\r\nend.\r\n', { matcher: literalMatcher('end.', false), contextLines: 0, maxMatches: 10 });
    expect(literal.matches.map((m) => m.line)).toEqual([2]);
  });

  it('shows each context line once when matches are close together, as grep does', async () => {
    // Lines: 1 a, 2 hit, 3 b, 4 hit, 5 hit, 6 c, 7 d, 8 e, 9 f, 10 hit, 11 g
    const text = ['a', 'hit', 'b', 'hit', 'hit', 'c', 'd', 'e', 'f', 'hit', 'g'].join('\n');
    const r = await search(text, { matcher: literalMatcher('hit', false), contextLines: 2, maxMatches: 10 });
    expect(r.matches).toEqual([
      { line: 2, text: 'hit', before: ['a'], after: ['b'] },
      { line: 4, text: 'hit', before: [], after: [] },
      { line: 5, text: 'hit', before: [], after: ['c', 'd'] },
      { line: 10, text: 'hit', before: ['e', 'f'], after: ['g'] },
    ]);
    const shown = r.matches.flatMap((m) => [...m.before.map((_, i) => m.line - m.before.length + i), m.line, ...m.after.map((_, i) => m.line + 1 + i)]);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('is not capped when the file holds exactly maxMatches matches', async () => {
    const r = await search('x\nx\ny\n', { matcher: literalMatcher('x', false), contextLines: 0, maxMatches: 2 });
    expect(r.matches).toHaveLength(2);
    expect(r.capped).toBe(false);
  });

  it('finds matches across chunk boundaries in big files', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => (i === 40_000 ? 'the target line' : `filler ${i}`));
    const r = await search(lines.join('\r\n'), { matcher: literalMatcher('target', false), contextLines: 0, maxMatches: 5 });
    expect(r.matches).toEqual([{ line: 40_001, text: 'the target line', before: [], after: [] }]);
  });
});

describe('regex guard', () => {
  it('refuses nested quantifiers, backreferences and lookarounds', () => {
    for (const bad of ['(a+)+$', '(\\w*)*x', '((ab)+c*)+', '(x+){2,}', '(a)\\1', '(?=a)b', '(?<!a)b']) {
      expect(() => compileUserRegex(bad, false), bad).toThrow(RegexRefused);
    }
    expect(findNestedQuantifier('[(a+)+]')).toBeUndefined();
    expect(findNestedQuantifier('(ab)+c*')).toBeUndefined();
  });

  it('refuses invalid syntax with a hint', () => {
    expect(() => compileUserRegex('a(b', false)).toThrow(/not valid/);
  });

  it('does not hang on polynomial patterns thanks to the engine fallback', async () => {
    const re = compileUserRegex('.*.*.*.*x', false);
    // Would take minutes with pure backtracking on a long line; the linear fallback answers quickly.
    expect(regexMatcher(re)('a'.repeat(10_000))).toBe(-1);
    expect(regexMatcher(compileUserRegex('.*.*.*.*X', true))('a'.repeat(10_000))).toBe(-1);
  });
});

describe('case-insensitive regex', () => {
  it('lowercases literals but keeps escapes', () => {
    const m = regexMatcher(compileUserRegex('HELLO\\W+World', true));
    expect(m('say hello, WORLD')).toBe(4);
    expect(m('helloworld')).toBe(-1);
  });
});
