/**
 * fast-check arbitraries derived from a tool's JSON inputSchema (the subset zod 4 emits: type / type lists,
 * properties, required, enum, minLength/maxLength, minimum/maximum and their exclusive forms, pattern,
 * items with minItems/maxItems, additionalProperties with propertyNames, anyOf/oneOf). Most values follow
 * the schema so calls reach the handler; some leaves are hostile strings, and a few are out of range or
 * of the wrong type, so the validation path is fuzzed too.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

export interface DeriveOptions {
  /** Strings mixed into every string-typed leaf. */
  hostile: string[];
  /**
   * Replaces the arbitrary of one field entirely (e.g. fetch's `url`, which must never name a real host).
   * `path` is the property path, e.g. ['edits', 'oldText'].
   */
  override?: (path: string[]) => fc.Arbitrary<unknown> | undefined;
}

/** Arrays and strings are kept small: the point is shape, and huge values come from the hostile corpus. */
const MAX_GENERATED_ITEMS = 4;
const MAX_GENERATED_CHARS = 40;

const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(true),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ nested: { deeper: [1, 'two', null] } }),
);

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  return [];
}

function stringArbitrary(schema: JsonSchema, options: DeriveOptions): fc.Arbitrary<unknown> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_GENERATED_CHARS, MAX_GENERATED_CHARS));
  const valid = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && (schema.maxLength === undefined || s.length <= schema.maxLength))
    : fc.string({ minLength, maxLength, unit: 'grapheme' });
  const hostile = options.hostile.length > 0 ? fc.constantFrom(...options.hostile) : valid;
  return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostile, weight: 3 });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  let min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : -1_000_000);
  let max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : 1_000_000);
  if (min > max) [min, max] = [max, min];
  const inRange = integer
    ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  // Just outside the bounds, and extremes: the schema must reject them before any handler runs.
  const edges = fc.constantFrom(min - 1, max + 1, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308);
  return fc.oneof({ arbitrary: inRange, weight: 4 }, { arbitrary: edges, weight: 1 });
}

function typedArbitrary(type: string, schema: JsonSchema, path: string[], options: DeriveOptions): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(schema, options);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = schema.items ? valueArbitrary(schema.items, [...path, '[]'], options) : fc.jsonValue({ maxDepth: 2 });
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS));
      return fc.array(item, { minLength, maxLength });
    }
    case 'object':
      return objectArbitrary(schema, path, options);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectArbitrary(schema: JsonSchema, path: string[], options: DeriveOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0 && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const key = schema.propertyNames ? (stringArbitrary(schema.propertyNames, options) as fc.Arbitrary<string>) : fc.string({ maxLength: 12 });
    return fc.dictionary(key, valueArbitrary(schema.additionalProperties, [...path, '*'], options), { maxKeys: MAX_GENERATED_ITEMS });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) model[name] = valueArbitrary(properties[name]!, [...path, name], options);
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((n) => names.includes(n)) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** The arbitrary of one value: the schema's shape most of the time, the wrong type now and then. */
export function valueArbitrary(schema: JsonSchema, path: string[], options: DeriveOptions): fc.Arbitrary<unknown> {
  const overridden = options.override?.(path);
  if (overridden) return overridden;
  let shaped: fc.Arbitrary<unknown>;
  if (schema.const !== undefined) shaped = fc.constant(schema.const);
  else if (schema.enum && schema.enum.length > 0) shaped = fc.oneof({ arbitrary: fc.constantFrom(...schema.enum), weight: 5 }, { arbitrary: fc.constantFrom(...options.hostile, 'not-a-member'), weight: 1 });
  else if (schema.anyOf || schema.oneOf) shaped = fc.oneof(...(schema.anyOf ?? schema.oneOf)!.map((s) => valueArbitrary(s, path, options)));
  else {
    const types = typesOf(schema);
    shaped = types.length === 0 ? fc.jsonValue({ maxDepth: 2 }) : fc.oneof(...types.map((t) => typedArbitrary(t, schema, path, options)));
  }
  return fc.oneof({ arbitrary: shaped, weight: 12 }, { arbitrary: wrongTypeValue, weight: 1 });
}

/**
 * Tool arguments: an object following the input schema, or (rarely) one with every required field
 * missing, or extra unknown fields.
 */
export function argumentsArbitrary(inputSchema: JsonSchema, options: DeriveOptions): fc.Arbitrary<Record<string, unknown>> {
  const shaped = objectArbitrary(inputSchema, [], options);
  const withExtra = shaped.map((args) => ({ ...args, unexpected_field: '../outside', __proto__field: { polluted: true } }));
  return fc.oneof({ arbitrary: shaped, weight: 10 }, { arbitrary: fc.constant({}), weight: 1 }, { arbitrary: withExtra, weight: 1 });
}
