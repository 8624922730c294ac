/** The matching rules alone; operations.test.ts runs the same params against a real database file. */
import { describe, expect, it } from 'vitest';
import { bindArguments, paramsCount, ParamsMismatch } from './binding.js';
import { describeStatement } from './sql-guard.js';

const bind = (sql: string, params: Parameters<typeof bindArguments>[1]) => bindArguments(describeStatement(sql), params, 'read_query');

describe('bindArguments', () => {
  it('a list binds in order, booleans as 1/0', () => {
    expect(bind('SELECT ?, ?, ?', ['a', true, null])).toEqual(['a', 1, null]);
  });

  it('an object binds by name without the prefix; :a, @a and $a are one name', () => {
    expect(bind('SELECT :a, @a, $b', { a: false, b: 2 })).toEqual([{ a: 0, b: 2 }]);
  });

  it('a ? takes only digits after it, as SQLite reads it: ?AND is a plain ? then AND, ?1a is ?1 then a', () => {
    expect(bind('SELECT 1 WHERE 1=?AND 2=?', [1, 2])).toEqual([1, 2]);
    expect(bind('SELECT ?1a', { 1: 'v' })).toEqual([{ 1: 'v' }]);
  });

  it('a statement without placeholders takes an empty list or object and binds nothing', () => {
    expect(bind('SELECT 1', [])).toEqual([]);
    expect(bind('SELECT 1', {})).toEqual([]);
  });

  it.each([
    ['SELECT :a', ['x'], /cannot fill :a from a list/],
    ['SELECT ?1', ['x'], /cannot fill \?1 from a list: .* \?1 is numbered/],
    ['SELECT ?, :a', { a: 1 }, /cannot fill a plain \? from an object/],
    ['SELECT ?1, :a', { 1: 1, a: 1 }, /mixes numbered/],
    ['SELECT ?01', { '01': 1 }, /from \?1 to \?1 without gaps or leading zeros/],
    ['SELECT ?1, ?3', { 1: 1, 3: 1 }, /from \?1 to \?3 without gaps/],
    ['SELECT :a, :b', { a: 1 }, /^params has no value for :b$/],
    ['SELECT :a', { a: 1, A: 2 }, /^params names "A", which the statement has no placeholder for \(it has :a\)$/],
  ])('%s with %j is refused', (sql, params, message) => {
    let thrown: unknown;
    try {
      bind(sql, params as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ParamsMismatch);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as ParamsMismatch).hint.length).toBeGreaterThan(10);
  });

  it('paramsCount counts list entries or named values', () => {
    expect(paramsCount([1, 2])).toBe(2);
    expect(paramsCount({ a: 1 })).toBe(1);
  });
});
