/**
 * The fast output check against zod itself: it may only say "valid" where zod says so too, it must say "valid"
 * for the values the servers really send (or it saves nothing), and through a real client a bad result still
 * gets zod's verdict and error text.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineServer, defineTool } from './define.js';
import { compileOutputCheck, fastOutputSchema, zodFallbacks } from './output-check.js';
import { readPackageInfo } from './package-version.js';
import { connectInMemory, textOf } from './testing/index.js';

const zodAccepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
const show = (value: unknown) => inspect(value, { depth: 4 });

class Point {
  constructor(
    public x = 1,
    public y = 2,
  ) {}
}

// Values that trip the usual shortcuts: odd numbers, holes, prototypes, symbol keys, a shadowed constructor.
const symbolKeyed = { a: 'x', [Symbol('s')]: 'y' };
const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x' });
const ODD_VALUES: unknown[] = [
  undefined, null, 0, -0, 1.5, -7, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '', 'text', '😀😀', true, false,
  [], [1, 'a'], [, 1], {}, { a: 'x' }, { a: undefined }, nullProto, symbolKeyed, new Point(), new Date(0),
  { constructor: () => 1 }, { constructor: 5 }, { ['__proto__']: 1 }, JSON.parse('{"__proto__": {"a": 1}}'), 10n, Symbol('x'),
];

const Tree: z.ZodType = z.lazy(() => z.object({ name: z.string(), children: z.array(Tree).optional() }));
const Cell = z.union([z.string(), z.number(), z.null(), z.object({ blob_base64: z.string(), bytes: z.number().int() })]);

/** Schemas built the way the servers build theirs, each with values zod accepts and values it rejects. */
const CASES: Array<{ name: string; schema: z.ZodType; valid: unknown[]; invalid: unknown[] }> = [
  { name: 'string', schema: z.string(), valid: ['', 'a'], invalid: [1, null, undefined] },
  { name: 'number', schema: z.number(), valid: [0, -0, 1.5], invalid: [Number.NaN, Number.POSITIVE_INFINITY, '1'] },
  { name: 'int', schema: z.number().int(), valid: [0, -3, 2 ** 53 - 1], invalid: [1.5, 2 ** 53, Number.NaN] },
  { name: 'z.int()', schema: z.int(), valid: [7], invalid: [7.5, '7'] },
  { name: 'bounded number', schema: z.number().min(1).max(10), valid: [1, 10], invalid: [0, 11] },
  { name: 'boolean', schema: z.boolean(), valid: [true, false], invalid: [0, 'true'] },
  { name: 'null', schema: z.null(), valid: [null], invalid: [undefined, 0] },
  { name: 'enum', schema: z.enum(['file', 'directory']), valid: ['file'], invalid: ['File', null] },
  { name: 'literal', schema: z.literal(3), valid: [3], invalid: ['3', 4] },
  { name: 'nullable', schema: z.string().nullable(), valid: ['a', null], invalid: [undefined, 1] },
  { name: 'string lengths (code points)', schema: z.string().min(2).max(3), valid: ['ab', '😀😀😀'], invalid: ['a', 'abcd', '😀😀😀😀'] },
  { name: 'array with a cap', schema: z.array(z.string()).max(2), valid: [[], ['a', 'b']], invalid: [['a', 'b', 'c'], [1], 'ab'] },
  {
    name: 'object',
    schema: z.object({ path: z.string(), size: z.number().int().optional(), kind: z.enum(['a', 'b']).default('a') }),
    valid: [{ path: 'p' }, { path: 'p', size: 3, extra: 'kept out' }, { path: 'p', size: undefined }, Object.assign(new Point(), { path: 'p' }), { path: 'p', kind: 'b' }],
    invalid: [{}, { path: 1 }, { path: 'p', size: 1.5 }, { path: 'p', kind: 'c' }, [], null],
  },
  { name: 'required unknown field', schema: z.object({ v: z.unknown() }), valid: [{ v: 1 }, { v: undefined }], invalid: [{}] },
  { name: 'strict object (zod decides)', schema: z.strictObject({ a: z.string() }), valid: [{ a: 'x' }], invalid: [{ a: 'x', b: 1 }] },
  { name: 'loose object', schema: z.looseObject({ a: z.string() }), valid: [{ a: 'x', b: 1 }], invalid: [{ b: 1 }] },
  { name: 'record of cells', schema: z.record(z.string(), Cell), valid: [{ a: 1, b: 'x', c: null, d: { blob_base64: 'AA==', bytes: 1 } }, {}, nullProto], invalid: [{ a: true }, { d: { blob_base64: 'AA==' } }, symbolKeyed, []] },
  { name: 'rows', schema: z.object({ rows: z.array(z.record(z.string(), Cell)), rowCount: z.number().int() }), valid: [{ rows: [{ a: 1 }, { a: 'x' }], rowCount: 2 }], invalid: [{ rows: [{ a: [] }], rowCount: 1 }] },
  { name: 'record with enum keys (zod decides)', schema: z.record(z.enum(['a', 'b']), z.number()), valid: [{ a: 1, b: 2 }], invalid: [{ a: 1 }] },
  { name: 'union', schema: z.union([z.string(), z.number().int()]), valid: ['a', 3], invalid: [1.5, null] },
  {
    name: 'discriminated union',
    schema: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), n: z.number() }), z.object({ kind: z.literal('b'), s: z.string() })]),
    valid: [{ kind: 'a', n: 1 }, { kind: 'b', s: 'x' }],
    invalid: [{ kind: 'a', s: 'x' }, { kind: 'c' }, { n: 1 }],
  },
  { name: 'exclusive union (zod decides)', schema: z.xor([z.string(), z.string().min(2)]), valid: ['a'], invalid: ['ab', 1] },
  { name: 'recursive tree', schema: Tree, valid: [{ name: 'a', children: [{ name: 'b' }, { name: 'c', children: [] }] }], invalid: [{ name: 'a', children: [{}] }, { children: [] }] },
  { name: 'readonly', schema: z.object({ a: z.string() }).readonly(), valid: [{ a: 'x' }], invalid: [{ a: 1 }] },
  { name: 'email (a format check)', schema: z.email(), valid: ['a@example.com'], invalid: ['not an email'] },
  { name: 'refinement (zod decides)', schema: z.string().refine((s) => s !== '.'), valid: ['a'], invalid: ['.'] },
  { name: 'transform (zod decides)', schema: z.string().transform((s) => s.length), valid: ['abc'], invalid: [3] },
];

describe('compileOutputCheck', () => {
  for (const { name, schema, valid, invalid } of CASES) {
    it(`agrees with zod where it says "valid": ${name}`, () => {
      const fast = compileOutputCheck(schema);
      for (const value of valid) expect(zodAccepts(schema, value), `fixture: zod accepts ${show(value)}`).toBe(true);
      for (const value of invalid) {
        expect(zodAccepts(schema, value), `fixture: zod rejects ${show(value)}`).toBe(false);
        expect(fast(value)).toBe(false);
      }
      for (const value of [...ODD_VALUES, ...ODD_VALUES.map((v) => ({ rows: [v], rowCount: 1, path: 'p', a: v, v, kind: 'a', n: v, name: 'n', children: [v] }))]) {
        if (fast(value)) expect(zodAccepts(schema, value), show(value)).toBe(true);
      }
      // The valid values take the fast path, unless the schema has parts left to zod on purpose.
      if (zodFallbacks(schema).length === 0) for (const value of valid) expect(fast(value)).toBe(true);
    });
  }

  it('names the parts it leaves to zod, and none of the common shapes', () => {
    expect(zodFallbacks(z.object({ a: z.strictObject({ b: z.string() }), c: z.array(z.string().transform((s) => s)) }))).toEqual(['.a', '.c[]']);
    expect(zodFallbacks(z.object({ rows: z.array(z.record(z.string(), Cell)), next: z.number().int().nullable(), tree: Tree }))).toEqual([]);
  });

  it('never says "valid" where zod does not, on random values shaped like the schemas', () => {
    // A seeded generator: each case's valid values, with random parts swapped for odd values, keys deleted or
    // added, and arrays grown. 200 mutants per valid value, reproducible from the seed.
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const mutate = (value: unknown, depth = 0): unknown => {
      if (depth > 3 || random() < 0.25) return pick(ODD_VALUES);
      if (Array.isArray(value)) return random() < 0.3 ? [...value, pick(ODD_VALUES)] : value.map((v) => (random() < 0.5 ? mutate(v, depth + 1) : v));
      if (value && typeof value === 'object') {
        const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
        const keys = Object.keys(copy);
        if (keys.length && random() < 0.2) delete copy[pick(keys)];
        else if (random() < 0.2) copy[pick(['extra', 'a', 'size', 'kind', 'bytes'])] = pick(ODD_VALUES);
        else if (keys.length) copy[pick(keys)] = mutate(copy[pick(keys)], depth + 1);
        return copy;
      }
      return pick(ODD_VALUES);
    };
    let fastSaidValid = 0;
    let zodSaidValid = 0;
    for (const { schema, valid } of CASES) {
      const fast = compileOutputCheck(schema);
      for (const value of valid) {
        for (let i = 0; i < 200; i++) {
          const candidate = mutate(value);
          const zodVerdict = zodAccepts(schema, candidate);
          if (zodVerdict) zodSaidValid += 1;
          if (fast(candidate)) {
            fastSaidValid += 1;
            expect(zodVerdict, show(candidate)).toBe(true);
          }
        }
      }
    }
    // The mutants must include values zod accepts, or the loop above proves nothing.
    expect(zodSaidValid).toBeGreaterThan(200);
    expect(fastSaidValid).toBeGreaterThan(zodSaidValid / 2);
  });
});

describe('fastOutputSchema', () => {
  const schema = z.object({ rows: z.array(z.record(z.string(), Cell)), rowCount: z.number().int() });

  it('advertises exactly the JSON Schema zod gives', () => {
    const wrapped = fastOutputSchema(schema);
    const options = { target: 'draft-2020-12' } as const;
    expect(wrapped['~standard'].jsonSchema.output(options)).toEqual(schema['~standard'].jsonSchema.output(options));
    expect(fastOutputSchema(schema)).toBe(wrapped);
  });

  it('passes a valid value through untouched and gives zod issues for a bad one', async () => {
    const wrapped = fastOutputSchema(schema);
    const good = { rows: [{ a: 1 }], rowCount: 1 };
    expect(await wrapped['~standard'].validate(good)).toEqual({ value: good });
    const bad = { rows: [{ a: true }], rowCount: 1 };
    expect(await wrapped['~standard'].validate(bad)).toEqual(await schema['~standard'].validate(bad));
  });

  it('still stops a tool whose structured content breaks its schema, through a real client', async () => {
    const rows = defineTool({
      name: 'rows',
      title: 'Rows',
      description: 'Returns the rows it is told to, to test output validation.',
      input: z.object({ broken: z.boolean().describe('Send a cell the schema does not allow.') }),
      output: schema,
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler({ broken }) {
        const cells = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `row ${i}`, note: null }));
        if (broken) (cells[999] as Record<string, unknown>).note = { nested: true };
        return { structured: { rows: cells, rowCount: cells.length } };
      },
    });
    const definition = defineServer<Record<string, never>>({ name: 'rows', package: readPackageInfo(import.meta.url), defaultPort: 3398, tools: [rows] });
    const c = await connectInMemory(definition, { deps: {} });
    const ok = await c.callTool('rows', { broken: false });
    expect(ok.isError).toBeFalsy();
    expect((ok.structuredContent as { rowCount: number }).rowCount).toBe(1000);
    const refused = await c.callTool('rows', { broken: true });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/Output validation error.*rows/s);
    await c.close();
  });
});
