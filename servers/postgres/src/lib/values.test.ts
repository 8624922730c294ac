/** Value conversion and cutting, without a database (database.test.ts checks the same on a real PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { capCell, fitRow, parseFloatCell, parseJsonCell, resultTypes } from './values.js';

const parser = (oid: number) => (resultTypes as unknown as { getTypeParser(oid: number, format?: string): (text: string) => unknown }).getTypeParser(oid, 'text');
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('floats', () => {
  it('keeps NaN and the infinities as PostgreSQL spells them, not as null', () => {
    expect(parseFloatCell('NaN')).toBe('NaN');
    expect(parseFloatCell('Infinity')).toBe('Infinity');
    expect(parseFloatCell('-Infinity')).toBe('-Infinity');
    expect(parseFloatCell('1.5')).toBe(1.5);
    expect(parseFloatCell('-0.25')).toBe(-0.25);
    expect(parser(701)('NaN')).toBe('NaN');
    expect(parser(700)('-Infinity')).toBe('-Infinity');
  });

  it('does the same inside float arrays, nested ones and NULL elements included', () => {
    expect(parser(1022)('{NaN,Infinity,-Infinity,1.5,NULL}')).toEqual(['NaN', 'Infinity', '-Infinity', 1.5, null]);
    expect(parser(1021)('{{1,NaN},{Infinity,2}}')).toEqual([
      [1, 'NaN'],
      ['Infinity', 2],
    ]);
  });
});

describe('json numbers beyond a double', () => {
  it('parses ordinary json as JSON values', () => {
    expect(parseJsonCell('{"a": 1, "b": [1.5, "x"], "c": null}')).toEqual({ a: 1, b: [1.5, 'x'], c: null });
    // 16+ digits that a double holds exactly, or only inside strings, do not change anything.
    expect(parseJsonCell('{"n": 9007199254740991, "f": 0.30000000000000004, "z": 0.0000000000000001}')).toEqual({ n: 9007199254740991, f: 0.30000000000000004, z: 1e-16 });
    expect(parseJsonCell('{"id": "12345678901234567890", "phone": "+4912345678901234567"}')).toEqual({ id: '12345678901234567890', phone: '+4912345678901234567' });
    expect(parseJsonCell('{"q": "say \\"12345678901234567890\\" twice"}')).toEqual({ q: 'say "12345678901234567890" twice' });
  });

  it('returns the JSON text when a number would lose digits', () => {
    expect(parseJsonCell('{"a": 12345678901234567890}')).toBe('{"a": 12345678901234567890}');
    expect(parseJsonCell('[9007199254740993]')).toBe('[9007199254740993]');
    expect(parseJsonCell('-9007199254740993')).toBe('-9007199254740993');
    expect(parseJsonCell('{"x": 1.10000000000000000001}')).toBe('{"x": 1.10000000000000000001}');
    expect(parseJsonCell('{"s": "12345678901234567890", "n": 123456789012.345678}')).toBe('{"s": "12345678901234567890", "n": 123456789012.345678}');
  });

  it('applies per element in json and jsonb arrays', () => {
    expect(parser(3807)('{"{\\"a\\": 1}","{\\"b\\": 12345678901234567890}",NULL}')).toEqual([{ a: 1 }, '{"b": 12345678901234567890}', null]);
    expect(parser(114)('{"big": 99999999999999999}')).toBe('{"big": 99999999999999999}');
  });
});

describe('capCell', () => {
  it('cuts long strings with a mark, never inside a surrogate pair', () => {
    const emoji = '😀';
    // The cut at 5 units would fall between the two halves of the fifth character's pair.
    const cut = capCell(`abcd${emoji}${'x'.repeat(20)}`, 5);
    expect(cut.cut).toBe(true);
    expect(cut.value).toBe('abcd… [cut: 26 characters in total]');
    expect(capCell(`abc${emoji}${'x'.repeat(20)}`, 5).value).toBe(`abc${emoji}… [cut: 25 characters in total]`);
    expect(capCell('short', 5)).toEqual({ value: 'short', cut: false });
    expect(capCell({ a: 'x'.repeat(50) }, 5)).toEqual({ value: { a: 'x'.repeat(50) }, cut: false });
  });
});

describe('fitRow', () => {
  it('cuts an oversized json or array cell to its JSON text so the row fits the budget', () => {
    const big = Array.from({ length: 2000 }, (_, i) => ({ id: i, pad: 'x'.repeat(100) }));
    const { row, cellsCut } = fitRow(['id', 'j'], [1, big], 5_000, 10_000);
    expect(cellsCut).toBe(1);
    expect(jsonBytes(row)).toBeLessThanOrEqual(5_000);
    expect(jsonBytes(row)).toBeGreaterThan(4_900);
    expect(row.id).toBe(1);
    expect(typeof row.j).toBe('string');
    expect(row.j as string).toMatch(/^\[\{"id":0,"pad":"x+"\},\{"id":1,/);
    expect(row.j as string).toMatch(new RegExp(`… \\[cut: JSON text of ${JSON.stringify(big).length} characters in total\\]$`));
  });

  it('shares the budget: small cells stay whole, many long strings are all cut, escapes and multi-byte text counted', () => {
    const values = ['small', ...Array.from({ length: 30 }, (_, i) => `${'"é😀\n'.repeat(2000)}${i}`), [`${'z'.repeat(9000)}`, 'z'.repeat(9000)], 42, null, true];
    const keys = values.map((_, i) => `c${i}`);
    const { row, cellsCut } = fitRow(keys, values, 20_000, 10_000);
    expect(jsonBytes(row)).toBeLessThanOrEqual(20_000);
    expect(row.c0).toBe('small');
    expect(row.c32).toBe(42);
    expect(row.c33).toBeNull();
    expect(row.c34).toBe(true);
    expect(cellsCut).toBe(31);
    for (let i = 1; i <= 30; i += 1) {
      const text = row[`c${i}`] as string;
      expect(text).toMatch(/… \[cut: 1000[12] characters in total\]$/);
      // Never half a surrogate pair before the mark.
      expect(text).not.toMatch(/[\ud800-\udbff]…/);
    }
  });

  it('comes down to the marks alone when the budget is smaller than the row names and marks', () => {
    const { row } = fitRow(['a', 'b'], ['x'.repeat(5000), { y: 'y'.repeat(5000) }], 10, 10_000);
    expect(row).toEqual({ a: '… [cut: 5000 characters in total]', b: `… [cut: JSON text of ${JSON.stringify({ y: 'y'.repeat(5000) }).length} characters in total]` });
  });
});
