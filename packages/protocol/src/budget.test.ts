import { describe, expect, it } from 'vitest';
import { ByteBudget, capList, continuationHint, decodeCursor, encodeCursor, sliceText } from './budget.js';
import { ToolError } from './errors.js';

describe('sliceText', () => {
  it('pages through a text and reassembles it exactly', () => {
    const text = 'αβγ😀'.repeat(1000);
    let start = 0;
    let out = '';
    for (let i = 0; i < 10_000; i++) {
      const slice = sliceText(text, start, 333);
      out += slice.text;
      if (slice.nextStart === null) break;
      start = slice.nextStart;
    }
    expect(out).toBe(text);
  });
  it('never splits a surrogate pair', () => {
    const slice = sliceText('a😀b', 0, 2);
    expect(slice.text).toBe('a');
    expect(slice.nextStart).toBe(1);
  });
  it('moves on when a pair alone is more than maxChars, and never starts inside a pair', () => {
    const one = sliceText('😀b', 0, 1);
    expect(one).toMatchObject({ text: '😀', nextStart: 2, truncated: true });
    const inside = sliceText('a😀c', 2, 5);
    expect(inside).toMatchObject({ text: '😀c', start: 1, nextStart: null });
    // Paging one character at a time still ends, and reassembles the text.
    const text = 'x😀😀y😀';
    let start = 0;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const slice = sliceText(text, start, 1);
      out += slice.text;
      if (slice.nextStart === null) break;
      expect(slice.nextStart).toBeGreaterThan(start);
      start = slice.nextStart;
    }
    expect(out).toBe(text);
  });
  it('refuses a start past the end with a hint', () => {
    expect(() => sliceText('abc', 10, 5)).toThrow(ToolError);
  });
});

describe('budgets and cursors', () => {
  it('caps lists and byte budgets', () => {
    expect(capList([1, 2, 3], 2)).toEqual({ items: [1, 2], truncated: true, total: 3 });
    const b = new ByteBudget(10);
    expect(b.take(6)).toBe(true);
    expect(b.take(6)).toBe(false);
    expect(b.remaining).toBe(4);
  });
  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor({ offset: 5 }))).toEqual({ offset: 5 });
    expect(() => decodeCursor('%%%')).toThrow(/cursor is not one this server issued/);
    expect(() => decodeCursor(encodeCursor({ offset: 'x' }), (v): v is { offset: number } => typeof (v as { offset: unknown }).offset === 'number')).toThrow(ToolError);
  });
  it('words the continuation hint', () => {
    expect(continuationHint('Output', 'start_index=5000')).toBe('[Output truncated. To get the rest, call again with start_index=5000.]');
  });
});
