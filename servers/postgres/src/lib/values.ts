/**
 * How PostgreSQL values become JSON. Numbers that fit a double, booleans and json/jsonb become JSON values;
 * everything else keeps PostgreSQL's own text form (bigint, numeric, timestamps, intervals, bytea as \x hex),
 * because converting those through JavaScript types would lose precision or shift time zones.
 */
import pg from 'pg';

const NUMBER_OIDS = new Set([21, 23, 26, 700, 701]); // int2, int4, oid, float4, float8
const BOOL_OID = 16;
const JSON_OIDS = new Set([114, 3802]); // json, jsonb
// Arrays of the types above parse into JS arrays; other arrays keep their text form ({a,b}).
const ARRAY_OIDS = new Set([1005, 1007, 1021, 1022, 1000, 199, 3807, 1009, 1015]);

const identity = (value: string) => value;

/** Type parsers for every result this server reads. */
export const resultTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (NUMBER_OIDS.has(oid) || oid === BOOL_OID || JSON_OIDS.has(oid) || ARRAY_OIDS.has(oid)) return pg.types.getTypeParser(oid, 'text');
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

/** Cuts one long string value so a single cell cannot spend the whole budget. */
export function capCell(value: unknown, maxChars: number): { value: unknown; cut: boolean } {
  if (typeof value === 'string' && value.length > maxChars) {
    return { value: `${value.slice(0, maxChars)}… [cut: ${value.length} characters in total]`, cut: true };
  }
  return { value, cut: false };
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
