import { describe, expect, it } from 'vitest';
import { applyEdits, detectLineEnding, EditError, fenceDiff, unifiedDiff } from './edit.js';

describe('applyEdits', () => {
  it('replaces text that matches exactly once', () => {
    const r = applyEdits('a\nb\nc\n', [{ oldText: 'b', newText: 'B' }]);
    expect(r.content).toBe('a\nB\nc\n');
    expect(r.applied).toEqual([{ index: 0, match: 'exact', replacements: 1 }]);
  });

  it('refuses an ambiguous match, naming the lines, unless replaceAll', () => {
    const text = 'x = 1\ny = 2\nx = 1\n';
    let error: unknown;
    try {
      applyEdits(text, [{ oldText: 'x = 1', newText: 'x = 3' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).reason).toBe('ambiguous');
    expect((error as EditError).message).toContain('lines 1, 3');
    expect(applyEdits(text, [{ oldText: 'x = 1', newText: 'x = 3', replaceAll: true }]).content).toBe('x = 3\ny = 2\nx = 3\n');
  });

  it('reports a missing oldText as not_found and an empty one as empty', () => {
    expect(() => applyEdits('abc', [{ oldText: 'zzz', newText: '' }])).toThrow(/not found/);
    expect(() => applyEdits('abc', [{ oldText: '', newText: 'x' }])).toThrow(/empty/);
  });

  it('preserves CRLF line endings when the model types LF', () => {
    const r = applyEdits('one\r\ntwo\r\nthree\r\n', [{ oldText: 'one\ntwo', newText: 'uno\ndos\nextra' }]);
    expect(r.content).toBe('uno\r\ndos\r\nextra\r\nthree\r\n');
    expect(r.lineEnding).toBe('crlf');
  });

  it('preserves a UTF-8 BOM', () => {
    const r = applyEdits('\uFEFFhello\n', [{ oldText: 'hello', newText: 'bye' }]);
    expect(r.content).toBe('\uFEFFbye\n');
    expect(r.hadBom).toBe(true);
  });

  it('falls back to whitespace-tolerant matching and re-indents the replacement', () => {
    const file = 'function f() {\n    if (a) {\n        return 1;\n    }\n}\n';
    const r = applyEdits(file, [{ oldText: 'if (a) {\n  return 1;\n}', newText: 'if (a) {\n  return 2;\n}' }]);
    expect(r.applied[0]!.match).toBe('whitespace');
    expect(r.content).toBe('function f() {\n    if (a) {\n      return 2;\n    }\n}\n');
  });

  it('applies edits in sequence', () => {
    const r = applyEdits('a b c', [
      { oldText: 'a', newText: 'x' },
      { oldText: 'x b', newText: 'y' },
    ]);
    expect(r.content).toBe('y c');
  });

  it('detects line endings', () => {
    expect(detectLineEnding('a\r\nb\r\n')).toBe('crlf');
    expect(detectLineEnding('a\r\nb\n')).toBe('lf');
    expect(detectLineEnding('abc')).toBe('lf');
  });
});

describe('unifiedDiff', () => {
  it('produces a unified diff without CRs, fenced safely', () => {
    const d = unifiedDiff('/x/f.txt', 'a\r\nb\r\n', 'a\r\nc\r\n');
    expect(d).toContain('--- /x/f.txt\toriginal');
    expect(d).toContain('-b\n+c');
    expect(d).not.toContain('\r');
    expect(fenceDiff('has ``` inside\n').startsWith('````diff\n')).toBe(true);
  });
});
