/**
 * Malformed and edge-case JSON-RPC payloads, as a fixed corpus (every run) and a fast-check arbitrary
 * (random variations), plus the rule that says which answer each one needs:
 *  - not JSON at all            -> a -32700 Parse error with id null
 *  - a line over 16 MiB         -> a -32600 Invalid Request with id null (it is skipped unparsed)
 *  - a request with a usable id -> a response (result or error) carrying that id
 *  - anything else              -> no particular answer required, but the server must keep serving.
 */
import fc from 'fast-check';

export type Expectation = { kind: 'parse-error' } | { kind: 'oversized' } | { kind: 'response'; id: string | number } | { kind: 'none' };

/** The stdio line limit of @portico/protocol (DEFAULT_MAX_LINE_BYTES): longer lines are skipped unread. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export function expectationOf(payload: string): Expectation {
  // An over-long line is discarded without parsing, so its id cannot be known: an Invalid Request, id null.
  if (Buffer.byteLength(payload) > MAX_LINE_BYTES) return { kind: 'oversized' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload.trim() === '' ? { kind: 'none' } : { kind: 'parse-error' };
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const m = parsed as Record<string, unknown>;
    const isResponse = !('method' in m) && ('result' in m || 'error' in m);
    if (!isResponse && (typeof m.id === 'string' || (typeof m.id === 'number' && Number.isFinite(m.id)))) return { kind: 'response', id: m.id };
  }
  return { kind: 'none' };
}

const MIB = 1024 * 1024;

/** The fixed corpus; `idBase` keeps ids unique across calls. */
export function framingCorpus(idBase: number): string[] {
  let n = idBase;
  const id = () => (n += 1);
  const j = (v: unknown) => JSON.stringify(v);
  return [
    '{not json',
    '{"jsonrpc":"2.0","id":',
    '\u0000\u0001\u0002\u00ff\ufffd',
    Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]).toString('latin1'),
    'null',
    '42',
    '"a string"',
    'true',
    '{}',
    '[]',
    j({ jsonrpc: '2.0', id: id(), method: 'no/such/method' }),
    j({ jsonrpc: '2.0', id: `s-${id()}`, method: 'resources/unknown', params: {} }),
    j({ jsonrpc: '1.0', id: id(), method: 'ping' }),
    j({ id: id(), method: 'ping' }),
    j({ jsonrpc: 2, id: id(), method: 'ping' }),
    j({ jsonrpc: '2.0', id: id(), method: 42 }),
    j({ jsonrpc: '2.0', id: id(), method: null }),
    j({ jsonrpc: '2.0', id: id(), method: ['tools/list'] }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: 'a string' }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: [1, 2] }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: { name: 42 } }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: { name: 'list_allowed_directories', arguments: [] } }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/list', params: null }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/list', params: { cursor: 12 } }),
    j({ jsonrpc: '2.0', id: id(), method: 'tools/list', params: { cursor: '!!not-a-cursor' } }),
    j({ jsonrpc: '2.0', id: id(), method: 'resources/read', params: { uri: 'file:///etc/passwd' } }),
    j({ jsonrpc: '2.0', id: id(), method: 'prompts/get', params: { name: '__proto__' } }),
    j({ jsonrpc: '2.0', id: id(), method: 'initialize', params: { protocolVersion: '1999-01-01' } }),
    j({ jsonrpc: '2.0', id: { object: 'id' }, method: 'ping' }),
    j({ jsonrpc: '2.0', id: [1], method: 'ping' }),
    j({ jsonrpc: '2.0', id: true, method: 'ping' }),
    j({ jsonrpc: '2.0', id: null, method: 'ping' }),
    j({ jsonrpc: '2.0', id: 1.5 + id(), method: 'ping' }),
    j({ jsonrpc: '2.0', id: -id(), method: 'ping' }),
    j({ jsonrpc: '2.0', id: 'x'.repeat(10_000), method: 'ping' }),
    // The same id twice in a row: both get an answer.
    (() => {
      const dup = id();
      return `${j({ jsonrpc: '2.0', id: dup, method: 'ping' })}\n${j({ jsonrpc: '2.0', id: dup, method: 'ping' })}`;
    })(),
    // Batches are not part of MCP any more; a batch must not crash anything.
    j([{ jsonrpc: '2.0', id: id(), method: 'ping' }, { jsonrpc: '2.0', id: id(), method: 'tools/list' }]),
    j([]),
    j({ jsonrpc: '2.0', id: id(), result: {} }),
    j({ jsonrpc: '2.0', id: id(), error: { code: 1, message: 'unsolicited' } }),
    j({ jsonrpc: '2.0', method: 'notifications/unknown', params: { x: 1 } }),
    j({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'never-sent' } }),
    j({ jsonrpc: '2.0', id: id(), method: 'ping', params: { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } } }),
    // Deep nesting: as a whole line, and inside params.
    '['.repeat(200_000) + ']'.repeat(200_000),
    `{"jsonrpc":"2.0","id":${id()},"method":"ping","params":{"deep":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`,
    // Huge lines: 4 MiB inside the limit (answered), 17 MiB over the 16 MiB line limit (skipped).
    j({ jsonrpc: '2.0', id: id(), method: 'ping', params: { pad: 'p'.repeat(4 * MIB) } }),
    j({ jsonrpc: '2.0', id: id(), method: 'ping', params: { pad: 'q'.repeat(17 * MIB) } }),
    '   ',
  ];
}

/** Random payloads: mutated requests, random JSON and random bytes (newline-free, one line each). */
export function framingArbitrary(): fc.Arbitrary<string> {
  const idArb = fc.oneof(fc.integer({ min: 1_000_000, max: 2_000_000_000 }), fc.string({ minLength: 1, maxLength: 12 }), fc.constant(null), fc.boolean(), fc.double());
  const request = fc.record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.string({ maxLength: 4 }), fc.integer()),
      id: idArb,
      method: fc.oneof(fc.constantFrom('ping', 'tools/list', 'tools/call', 'resources/list', 'resources/read', 'prompts/list', 'completion/complete', 'logging/setLevel'), fc.string({ maxLength: 20 }), fc.integer()),
      params: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ name: fc.string({ maxLength: 20 }), arguments: fc.jsonValue({ maxDepth: 2 }) })),
    },
    { requiredKeys: [] },
  );
  const truncated = request.chain((r) => {
    const text = JSON.stringify(r);
    return fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
  });
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'));
  return fc
    .oneof({ arbitrary: request.map((r) => JSON.stringify(r)), weight: 5 }, { arbitrary: truncated, weight: 2 }, { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 }, { arbitrary: bytes, weight: 2 })
    .map((s) => s.replace(/[\r\n]/g, ' '));
}
