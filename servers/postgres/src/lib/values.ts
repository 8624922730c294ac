/**
 * How PostgreSQL values become JSON. Numbers that fit a double, booleans and json/jsonb become JSON values;
 * everything else keeps PostgreSQL's own text form (bigint, numeric, timestamps, intervals, bytea as \x hex),
 * because converting those through JavaScript types would lose precision or shift time zones.
 * Two exceptions keep information JSON numbers cannot carry: float NaN/Infinity/-Infinity stay the strings
 * PostgreSQL prints (JSON would turn them into null, indistinguishable from SQL NULL), and a json/jsonb value
 * holding a number a double cannot represent exactly (e.g. an id beyond 2^53) comes back as its JSON text.
 */
import pg from 'pg';
import { sliceText } from '@portico/protocol';

const INTEGER_OIDS = new Set([21, 23, 26]); // int2, int4, oid
const FLOAT_OIDS = new Set([700, 701]); // float4, float8
const BOOL_OID = 16;
const JSON_OIDS = new Set([114, 3802]); // json, jsonb
const FLOAT_ARRAY_OIDS = new Set([1021, 1022]); // float4[], float8[]
const JSON_ARRAY_OIDS = new Set([199, 3807]); // json[], jsonb[]
// Arrays of the types above parse into JS arrays; other arrays keep their text form ({a,b}).
const ARRAY_OIDS = new Set([1005, 1007, 1000, 1009, 1015]); // int2[], int4[], bool[], text[], varchar[]

const identity = (value: string) => value;

/** float4/float8 text: a number, or for NaN, Infinity and -Infinity PostgreSQL's own spelling. */
export function parseFloatCell(text: string): number | string {
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : text;
}

/** pg-types' array parser (its type declaration does not match what the module exports). */
const arrayParser = pg.types.arrayParser as unknown as { create(source: string, transform: (entry: string | null) => unknown): { parse(): unknown[] } };

function parseArray(text: string, element: (entry: string) => unknown): unknown[] {
  return arrayParser.create(text, (entry) => (entry === null ? null : element(entry))).parse();
}

/** Numbers with at most this many digits always survive a trip through a double. */
const SAFE_DIGITS = 15;
/** Cheap pre-check: a run of 16 digits, possibly with a decimal point in it, somewhere in the text. */
const MAYBE_LONG_NUMBER = /\d[\d.]{15}/;

/**
 * json/jsonb text to a JSON value, unless a number in it would change on the way through a double (more
 * than 15 digits and a different shortest form: 9007199254740993, 1.10000000000000000001). Then the whole
 * value stays its JSON text, a string, so no digit is lost. Most values never get past the pre-check.
 */
export function parseJsonCell(text: string): unknown {
  if (MAYBE_LONG_NUMBER.test(text) && hasInexactNumber(text)) return text;
  return JSON.parse(text);
}

/** True when a number token outside strings in this JSON text is not exactly representable as a double. */
function hasInexactNumber(text: string): boolean {
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Skip a string, escapes included.
      i += 1;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) i += 2;
        else if (c === 0x22) break;
        else i += 1;
      }
      i += 1;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      const start = i;
      // Significant digits of the mantissa: leading zeros (0.000123) do not count.
      let digits = 0;
      let inExponent = false;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c >= 0x30 && c <= 0x39) {
          if (!inExponent && (digits > 0 || c !== 0x30)) digits += 1;
        } else if (c === 0x65 || c === 0x45) {
          inExponent = true;
        } else if (c !== 0x2e && c !== 0x2b && c !== 0x2d) {
          break;
        }
        i += 1;
      }
      if (digits > SAFE_DIGITS) {
        const token = text.slice(start, i);
        if (String(Number(token)) !== token) return true;
      }
    } else {
      i += 1;
    }
  }
  return false;
}

/** Type parsers for every result this server reads. */
export const resultTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (FLOAT_OIDS.has(oid)) return parseFloatCell;
    if (JSON_OIDS.has(oid)) return parseJsonCell;
    if (FLOAT_ARRAY_OIDS.has(oid)) return (text: string) => parseArray(text, parseFloatCell);
    if (JSON_ARRAY_OIDS.has(oid)) return (text: string) => parseArray(text, parseJsonCell);
    if (INTEGER_OIDS.has(oid) || oid === BOOL_OID || ARRAY_OIDS.has(oid)) return pg.types.getTypeParser(oid, 'text');
    return identity;
  },
} as unknown as pg.CustomTypesConfig;

export interface ColumnInfo {
  name: string;
  /** PostgreSQL type name when known (int4, text, ...), otherwise the type oid. */
  type: string;
}

/** Object keys for columns; duplicates (SELECT 1 AS a, 2 AS a) get a suffix so no value is lost. */
export function uniqueColumnKeys(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = name === '' || name === '?column?' ? name || 'column' : name;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    if (count === 0) return base;
    let candidate = `${base}_${count + 1}`;
    while (seen.has(candidate)) candidate = `${candidate}_`;
    seen.set(candidate, 1);
    return candidate;
  });
}

/** Cuts one long string value so a single cell cannot spend the whole budget (never inside a surrogate pair). */
export function capCell(value: unknown, maxChars: number): { value: unknown; cut: boolean } {
  if (typeof value === 'string' && value.length > maxChars) {
    return { value: `${sliceText(value, 0, maxChars).text}${cutMark(value.length, false)}`, cut: true };
  }
  return { value, cut: false };
}

function cutMark(totalChars: number, structured: boolean): string {
  return structured ? `… [cut: JSON text of ${totalChars} characters in total]` : `… [cut: ${totalChars} characters in total]`;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/** Bytes one UTF-16 unit (or pair) of a string costs inside JSON.stringify's output, and how many units it is. */
function jsonCost(text: string, at: number): [bytes: number, units: number] {
  const code = text.charCodeAt(at);
  if (code === 0x22 || code === 0x5c) return [2, 1];
  if (code < 0x20) return [code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6, 1];
  if (code < 0x80) return [1, 1];
  if (code < 0x800) return [2, 1];
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(at + 1);
    // A pair is 4 bytes of UTF-8; a lone surrogate is written as a \udXXX escape.
    return next >= 0xdc00 && next <= 0xdfff ? [4, 2] : [6, 1];
  }
  if (code >= 0xdc00 && code <= 0xdfff) return [6, 1];
  return [3, 1];
}

/**
 * The longest start of `text` (at most `maxChars` UTF-16 units, never half a surrogate pair) that, with the
 * cut mark, serialises to at most `maxJsonBytes` bytes of JSON. With a budget smaller than the mark alone,
 * the mark alone.
 */
function cutToBytes(text: string, maxChars: number, maxJsonBytes: number, structured: boolean): string {
  const mark = cutMark(text.length, structured);
  let budget = maxJsonBytes - jsonBytes(mark);
  const limit = Math.min(text.length, maxChars);
  let end = 0;
  while (end < limit) {
    const [bytes, units] = jsonCost(text, end);
    if (bytes > budget || end + units > limit) break;
    budget -= bytes;
    end += units;
  }
  return `${text.slice(0, end)}${mark}`;
}

/**
 * A row that is over the byte budget on its own (it is the first row of a result: later rows are left for the
 * next page instead). Long strings are cut as capCell does; then, while the row is still too big, the budget is
 * shared out fairly: cells smaller than their share stay whole, and each larger string, json or array cell is
 * replaced by its text (JSON text for json and arrays) cut to its share and marked as cut. Numbers, booleans
 * and nulls are never cut. The result fits `maxBytes` unless the column names and cut marks alone do not.
 */
export function fitRow(keys: readonly string[], values: readonly unknown[], maxBytes: number, maxCellChars: number): { row: Record<string, unknown>; cellsCut: number } {
  const cells = values.map((value, index) => {
    const capped = capCell(value, maxCellChars);
    return { index, value, capped, size: jsonBytes(capped.value), cuttable: typeof value === 'string' || (value !== null && typeof value === 'object') };
  });
  const out = cells.map((cell) => cell.capped.value);
  let cellsCut = cells.filter((cell) => cell.capped.cut).length;
  // Braces, quoted keys, colons and commas: the same row with every value a one-byte 0.
  let available = jsonBytes(Object.fromEntries(keys.map((key) => [key, 0]))) - keys.length;
  available = maxBytes - available;
  for (const cell of cells) if (!cell.cuttable) available -= cell.size;
  const cuttable = cells.filter((cell) => cell.cuttable).sort((a, b) => a.size - b.size);
  let left = cuttable.length;
  for (const cell of cuttable) {
    const share = Math.floor(Math.max(0, available) / left);
    left -= 1;
    if (cell.size <= share) {
      available -= cell.size;
      continue;
    }
    const structured = typeof cell.value !== 'string';
    const text = structured ? (JSON.stringify(cell.value) ?? 'null') : (cell.value as string);
    const fitted = cutToBytes(text, structured ? Number.POSITIVE_INFINITY : maxCellChars, share, structured);
    out[cell.index] = fitted;
    if (!cell.capped.cut) cellsCut += 1;
    available -= jsonBytes(fitted);
  }
  const row: Record<string, unknown> = {};
  keys.forEach((key, i) => (row[key] = out[i]));
  return { row, cellsCut };
}

/** Common built-in type names by oid, so results can name column types without a catalog round trip. */
const TYPE_NAMES: Record<number, string> = {
  16: 'bool', 17: 'bytea', 18: 'char', 19: 'name', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 26: 'oid', 114: 'json',
  142: 'xml', 700: 'float4', 701: 'float8', 1042: 'bpchar', 1043: 'varchar', 1082: 'date', 1083: 'time', 1114: 'timestamp',
  1184: 'timestamptz', 1186: 'interval', 1266: 'timetz', 1700: 'numeric', 2950: 'uuid', 3802: 'jsonb', 869: 'inet', 650: 'cidr',
  1000: 'bool[]', 1005: 'int2[]', 1007: 'int4[]', 1016: 'int8[]', 1009: 'text[]', 1015: 'varchar[]', 1021: 'float4[]', 1022: 'float8[]',
  199: 'json[]', 3807: 'jsonb[]', 2249: 'record', 2278: 'void', 705: 'unknown',
};

export function typeName(oid: number): string {
  return TYPE_NAMES[oid] ?? `oid:${oid}`;
}
