/**
 * Matching a tool's `params` to a statement's placeholders before better-sqlite3 binds them. A list fills plain
 * `?` placeholders in order; an object fills named (:name, @name, $name) or numbered (?1, ?2) ones by name.
 * better-sqlite3 alone would ignore extra names and answer a wrong shape with "Too many parameter values were
 * provided" or "Too few", which say nothing about what to change; every mismatch is refused here with the
 * placeholder at fault named.
 */
import type { SqlParam, SqlParams } from './messages.js';
import type { StatementInfo } from './sql-guard.js';

/** A `params` that does not fit the statement's placeholders (reported to the model as bad input). */
export class ParamsMismatch extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ParamsMismatch';
  }
}

type PlaceholderKind = 'plain' | 'numbered' | 'named';

function kindOf(token: string): PlaceholderKind {
  if (token === '?') return 'plain';
  return token.startsWith('?') ? 'numbered' : 'named';
}

/** Booleans become 1/0: SQLite has no boolean type. */
function bindable(value: SqlParam): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

const OBJECT_HINT = 'pass params as an object keyed by placeholder name without its prefix: {"name": value} for :name, @name or $name, {"1": value} for ?1.';
const LIST_HINT = 'pass params as a list with one value per ?, in the order they appear (repeat a value to use it twice).';

/**
 * The arguments for better-sqlite3's run/iterate/all: the list's values, or one object of named values.
 * Throws ParamsMismatch when `params` cannot fill the statement's placeholders exactly.
 */
export function bindArguments(info: StatementInfo, params: SqlParams, tool: string): unknown[] {
  const placeholders = info.tokens.filter((t) => t.kind === 'param').map((t) => t.value);
  const kinds = new Set(placeholders.map(kindOf));
  if (Array.isArray(params)) {
    const other = placeholders.find((p) => kindOf(p) !== 'plain');
    if (other !== undefined) {
      throw new ParamsMismatch(`${tool} cannot fill ${other} from a list: a list fills plain ? placeholders in order, and ${other} is ${kindOf(other)}`, OBJECT_HINT);
    }
    return params.map(bindable);
  }
  if (kinds.has('plain')) {
    throw new ParamsMismatch(`${tool} cannot fill a plain ? from an object: plain ? placeholders have no name`, kinds.size > 1 ? `use one kind of placeholder in a statement; ${LIST_HINT}` : LIST_HINT);
  }
  if (kinds.has('numbered') && kinds.has('named')) {
    // SQLite numbers named placeholders after the highest ?N seen so far, so the two kinds can share a slot.
    throw new ParamsMismatch(`${tool} cannot bind a statement that mixes numbered (?1) and named (:name) placeholders`, 'use one kind of placeholder in a statement.');
  }
  // better-sqlite3 looks names up without their prefix (:a, @a and $a are all "a").
  const needed = new Map<string, string>();
  for (const p of placeholders) if (!needed.has(p.slice(1))) needed.set(p.slice(1), p);
  const given = Object.keys(params);
  const missing = [...needed].filter(([name]) => !Object.hasOwn(params, name)).map(([, token]) => token);
  if (missing.length) {
    throw new ParamsMismatch(`params has no value for ${missing.join(', ')}`, `give every placeholder a value: ${OBJECT_HINT}`);
  }
  const unused = given.filter((name) => !needed.has(name));
  if (unused.length) {
    throw new ParamsMismatch(
      `params names ${unused.map((n) => `"${n}"`).join(', ')}, which the statement has no placeholder for${needed.size ? ` (it has ${[...needed.values()].join(', ')})` : ''}`,
      'remove the extra names, or check their spelling (names are case-sensitive and given without the :, @ or $).',
    );
  }
  if (kinds.has('numbered')) {
    const numbers = [...needed.keys()].map(Number);
    const highest = Math.max(...numbers);
    if (numbers.length !== highest || [...needed.keys()].some((n) => n !== String(Number(n)))) {
      // Slots without a ?N of their own cannot be bound by name (better-sqlite3: "Too few parameter values").
      throw new ParamsMismatch(`${tool} needs numbered placeholders to run from ?1 to ?${highest} without gaps or leading zeros`, 'renumber the placeholders ?1, ?2, ... or use named ones (:name).');
    }
  }
  if (needed.size === 0) return [];
  return [Object.fromEntries(given.map((name) => [name, bindable(params[name]!)]))];
}

/** How many values `params` holds, for previews ("with 2 bound value(s)"). */
export function paramsCount(params: SqlParams): number {
  return Array.isArray(params) ? params.length : Object.keys(params).length;
}
