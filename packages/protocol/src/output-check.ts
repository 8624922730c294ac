/**
 * A fast, one-sided check of a tool's structured output against its zod output schema.
 *
 * Why: before sending a result, the SDK validates its structuredContent with the output schema's
 * `~standard.validate`. zod 4 validates by parsing. It rebuilds every array, object and record it walks: a new
 * container, and a payload object per element and per field. The SDK then drops that copy, because output is only
 * checked, never transformed on its way out. For a 10,000-row SQLite result this was ~12 ms of a ~41 ms call on
 * the main thread, plus the garbage left for the collector.
 *
 * `compileOutputCheck(schema)` compiles the schema once into closures that only read the value. The answer is
 * one-sided:
 * - true: zod accepts the value too. Each construct below is checked as zod 4 checks it, or more strictly.
 * - false: not proven. Either the value is wrong, or it uses something this module leaves to zod.
 *   `fastOutputSchema` then asks zod, so the verdict on a failure, and its error text, are always zod's own.
 *
 * Constructs not modelled here (transforms, refinements, coercion, tuples, intersections, exclusive unions, ...)
 * are handed to zod for that subtree only, so the rest of the value still takes the fast path. The schemas the
 * servers register are checked in scripts/schemas/output-check.test.ts: none of them needs zod on the fast path.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type Predicate = (value: unknown) => boolean;

/** The parts of zod 4's internal schema object this module reads (`schema._zod`). */
interface ZodInternals {
  def: ZodDef;
  run: (payload: { value: unknown; issues: unknown[] }, ctx: { async: boolean }) => { issues: unknown[] } | Promise<unknown>;
  values?: Set<unknown>;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
  traits?: Set<string>;
}
interface ZodDef {
  type: string;
  checks?: ZodCheckLike[];
  check?: string;
  coerce?: boolean;
  element?: ZodLike;
  shape?: Record<string, ZodLike>;
  catchall?: ZodLike;
  keyType?: ZodLike;
  valueType?: ZodLike;
  options?: ZodLike[];
  inclusive?: boolean;
  discriminator?: string;
  innerType?: ZodLike;
  getter?: () => ZodLike;
}
interface ZodLike {
  _zod: ZodInternals;
}
interface ZodCheckLike {
  _zod: { def: { check: string }; check: (payload: { value: unknown; issues: unknown[] }) => unknown };
}

/**
 * Check kinds that only read the value; any other kind goes to zod (`overwrite` rewrites the value, `custom` runs
 * caller code). zod runs a check only when its `when` says so; running every check regardless can only add
 * issues, never remove one, so the fast check stays at least as strict.
 */
const READ_ONLY_CHECKS = new Set(['less_than', 'greater_than', 'multiple_of', 'number_format', 'bigint_format', 'max_length', 'min_length', 'length_equals', 'max_size', 'min_size', 'size_equals', 'string_format']);

/** Compiles `schema` into a predicate: true only when zod would accept the value (see the module comment). */
export function compileOutputCheck(schema: unknown): Predicate {
  return compile(schema as ZodLike, new Map());
}

/** The parts of `schema` that the fast check hands to zod, as paths (`rows[]`, `.name`); empty when none. */
export function zodFallbacks(schema: unknown): string[] {
  const found: string[] = [];
  compile(schema as ZodLike, new Map(), (path) => found.push(path || '(root)'));
  return found;
}

/**
 * `schema` as the Standard Schema the SDK validates output with: the fast check first, zod's own validate when
 * the fast check cannot vouch for the value. The JSON Schema that tools/list advertises is zod's, unchanged.
 */
export function fastOutputSchema(schema: StandardSchemaWithJSON): StandardSchemaWithJSON {
  // Built once per schema: every session's McpServer registers the same tool definitions.
  let wrapped = wrappers.get(schema);
  if (!wrapped) wrappers.set(schema, (wrapped = wrap(schema)));
  return wrapped;
}

const wrappers = new WeakMap<StandardSchemaWithJSON, StandardSchemaWithJSON>();

function wrap(schema: StandardSchemaWithJSON): StandardSchemaWithJSON {
  const standard = schema['~standard'];
  const accepts = compileOutputCheck(schema);
  return {
    '~standard': {
      version: standard.version,
      vendor: standard.vendor,
      jsonSchema: standard.jsonSchema,
      validate: (value: unknown) => (accepts(value) ? { value } : standard.validate(value)),
    },
  } as StandardSchemaWithJSON;
}

type OnFallback = (path: string) => void;

function compile(schema: ZodLike, seen: Map<ZodLike, Predicate>, onFallback?: OnFallback, path = ''): Predicate {
  const known = seen.get(schema);
  if (known) return known;
  // Recursive schemas (a getter in a shape, z.lazy) meet themselves again: hand out a forwarder first.
  let compiled: Predicate = () => false;
  seen.set(schema, (value) => compiled(value));
  compiled = compileNode(schema, seen, onFallback, path);
  seen.set(schema, compiled);
  return compiled;
}

function compileNode(schema: ZodLike, seen: Map<ZodLike, Predicate>, onFallback: OnFallback | undefined, path: string): Predicate {
  const internals = schema?._zod;
  if (!internals?.def) return () => false;
  const def = internals.def;
  // As zod runs them: a schema that is itself a check (z.int(), z.email(), ...) first, then def.checks.
  const allChecks: ZodCheckLike[] = internals.traits?.has('$ZodCheck') ? [schema as unknown as ZodCheckLike, ...(def.checks ?? [])] : [...(def.checks ?? [])];
  if (def.coerce || !allChecks.every((c) => READ_ONLY_CHECKS.has(c._zod.def.check))) return viaZod(schema, onFallback, path);
  const child = (inner: ZodLike | undefined, suffix: string) => (inner ? compile(inner, seen, onFallback, path + suffix) : undefined);

  let base: Predicate | undefined;
  switch (def.type) {
    case 'string':
      base = (v) => typeof v === 'string';
      break;
    case 'number':
      // zod rejects NaN and ±Infinity; Number.isFinite is false for both.
      base = (v) => typeof v === 'number' && Number.isFinite(v);
      break;
    case 'boolean':
      base = (v) => typeof v === 'boolean';
      break;
    case 'null':
      base = (v) => v === null;
      break;
    case 'undefined':
      base = (v) => v === undefined;
      break;
    case 'unknown':
    case 'any':
      base = () => true;
      break;
    case 'enum':
    case 'literal': {
      const values = internals.values;
      if (values) base = (v) => values.has(v);
      break;
    }
    case 'nullable': {
      const inner = child(def.innerType, '');
      if (inner) base = (v) => v === null || inner(v);
      break;
    }
    case 'optional': {
      // zod passes undefined through, unless the inner schema fills in a default: then the inner schema decides.
      const inner = child(def.innerType, '');
      const innerDefaulted = def.innerType?._zod.optin === 'defaulted';
      if (inner) base = (v) => (v === undefined ? !innerDefaulted || inner(v) : inner(v));
      break;
    }
    case 'default': {
      // undefined becomes the default value, which zod does not check.
      const inner = child(def.innerType, '');
      if (inner) base = (v) => v === undefined || inner(v);
      break;
    }
    case 'readonly': {
      base = child(def.innerType, '');
      break;
    }
    case 'lazy': {
      const target = def.getter?.();
      if (target) {
        let resolved: Predicate | undefined;
        base = (v) => (resolved ??= compile(target, seen, onFallback, path))(v);
      }
      break;
    }
    case 'array': {
      const element = child(def.element, '[]');
      if (element) base = arrayOf(element);
      break;
    }
    case 'object':
      base = objectCheck(def, child);
      break;
    case 'record':
      base = recordCheck(def, child);
      break;
    case 'union': {
      // Inclusive unions pass when any option passes. z.xor (exclusive) needs exactly one: left to zod.
      // A discriminated union picks its option by the discriminator, and the options' discriminator values are
      // distinct, so an option that passes is the one zod picks: "any option passes" is exact there too.
      if (def.inclusive === false && def.discriminator === undefined) break;
      const options = (def.options ?? []).map((o, i) => child(o, `|${i}`)!);
      if (options.length > 0) base = anyOf(options);
      break;
    }
  }
  if (!base) return viaZod(schema, onFallback, path);
  if (allChecks.length === 0) return base;
  const checked = base;
  // The checks only read the value (READ_ONLY_CHECKS), so running them all on a scratch payload is exact.
  return (v) => {
    if (!checked(v)) return false;
    const payload = { value: v, issues: [] as unknown[] };
    try {
      for (const check of allChecks) check._zod.check(payload);
    } catch {
      return false;
    }
    return payload.issues.length === 0;
  };
}

function arrayOf(element: Predicate): Predicate {
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
    return true;
  };
}

function anyOf(options: Predicate[]): Predicate {
  return (v) => {
    for (const option of options) if (option(v)) return true;
    return false;
  };
}

function objectCheck(def: ZodDef, child: (inner: ZodLike | undefined, suffix: string) => Predicate | undefined): Predicate | undefined {
  // Unknown keys are stripped by a plain z.object and kept by a loose one: either way they pass. A strict object
  // (or any other catchall) has to look at them: left to zod.
  const catchallType = def.catchall?._zod.def.type;
  if (catchallType !== undefined && catchallType !== 'unknown' && catchallType !== 'any') return undefined;
  const shape = def.shape ?? {};
  const keys = Object.keys(shape).filter((k) => k !== '__proto__');
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const fields = keys.map((key) => {
    const field = shape[key]!;
    // zod: a missing key passes only when its schema is optional on the way in (optin set) and accepts undefined.
    return { key, check: child(field, `.${key}`)!, absentOk: field._zod.optin !== undefined };
  });
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const record = v as Record<string, unknown>;
    for (const { key, check, absentOk } of fields) {
      const value = record[key];
      if (value === undefined && !(key in record)) {
        if (!absentOk || !check(undefined)) return false;
      } else if (!check(value)) return false;
    }
    return true;
  };
}

function recordCheck(def: ZodDef, child: (inner: ZodLike | undefined, suffix: string) => Predicate | undefined): Predicate | undefined {
  const keyType = def.keyType?._zod;
  // Only z.record(z.string(), ...): every string key passes. Enum or literal keys (which must all be present),
  // checked or coerced keys are left to zod.
  if (!keyType || keyType.def.type !== 'string' || keyType.def.coerce || (keyType.def.checks?.length ?? 0) > 0 || keyType.traits?.has('$ZodCheck')) return undefined;
  const value = child(def.valueType, '{}');
  if (!value) return undefined;
  return (v) => {
    if (!isPlainObject(v)) return false;
    // zod also sees enumerable symbol keys, which z.string() rejects.
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    const record = v as Record<string, unknown>;
    // for...in also visits inherited enumerable keys, which zod skips: stricter, never looser.
    for (const key in record) if (!value(record[key])) return false;
    return true;
  };
}

/**
 * zod's plain-object test for records, narrowed: a literal object ({} or JSON.parse output) or one made with
 * Object.create(null). Anything else (class instances, an own `constructor` key) is left to zod.
 */
function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype) return (v as { constructor?: unknown }).constructor === Object;
  return proto === null && (v as { constructor?: unknown }).constructor === undefined;
}

/** zod itself on this subtree: exact, at zod's cost. */
function viaZod(schema: ZodLike, onFallback: OnFallback | undefined, path: string): Predicate {
  onFallback?.(path);
  return (v) => {
    try {
      const result = schema._zod.run({ value: v, issues: [] }, { async: false });
      return !(result instanceof Promise) && result.issues.length === 0;
    } catch {
      // An async refinement met in a synchronous run, or a throwing transform: not proven here.
      return false;
    }
  };
}
