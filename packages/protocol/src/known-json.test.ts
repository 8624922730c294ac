import { describe, expect, it } from 'vitest';
import { messageJsonPieces, rememberJson, stringifyItems, stringifyMessage } from './known-json.js';

function toolAnswer(structuredContent: Record<string, unknown>) {
  return { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'say "hi"\n' }], structuredContent } };
}

describe('stringifyMessage', () => {
  it('is JSON.stringify plus the terminator when nothing is remembered', () => {
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: 2, result: { content: [] } },
      toolAnswer({ tree: [{ name: 'a', type: 'file' }], entries: 1 }),
    ];
    for (const m of messages) {
      expect(stringifyMessage(m)).toBe(JSON.stringify(m));
      expect(stringifyMessage(m, '\n')).toBe(`${JSON.stringify(m)}\n`);
    }
  });

  it('splices a remembered structuredContent field in and gives the same JSON value', () => {
    const tree = [{ name: 'a "quoted" name', type: 'directory', children: [{ name: 'ü', type: 'file' }] }];
    rememberJson(tree, JSON.stringify(tree));
    const message = toolAnswer({ path: '/x', tree, entries: 2, truncated: false });
    const line = stringifyMessage(message, '\n');
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(message)));
    // The transport writes the pieces: the remembered JSON is one of them, as given, not a copy joined in.
    const pieces = messageJsonPieces(message);
    expect(pieces.join('')).toBe(line.slice(0, -1));
    expect(pieces).toContain(JSON.stringify(tree));
  });

  it('uses the remembered JSON as given (the record is trusted, so it is visible when spliced)', () => {
    const value = { n: 1 };
    rememberJson(value, '{"n":2}');
    expect(JSON.parse(stringifyMessage(toolAnswer({ value }))).result.structuredContent.value).toEqual({ n: 2 });
  });

  it('falls back to ordinary serialisation for a copy of a remembered value', () => {
    const value = { n: 1 };
    rememberJson(value, '{"n":2}');
    const copy = structuredClone(value);
    expect(JSON.parse(stringifyMessage(toolAnswer({ value: copy }))).result.structuredContent.value).toEqual({ n: 1 });
  });

  it('writes valid JSON when every structuredContent field is remembered, and keeps other result fields', () => {
    const a = rememberJson([1, 2], '[1,2]');
    const b = rememberJson({ k: 'v' }, '{"k":"v"}');
    const message = { jsonrpc: '2.0', id: 'x', result: { content: [], structuredContent: { a, b }, isError: false, _meta: { m: 1 } } };
    expect(JSON.parse(stringifyMessage(message))).toEqual(JSON.parse(JSON.stringify(message)));
  });

  it('keeps a "__proto__" field of structuredContent as data, as JSON.stringify does', () => {
    const structured = JSON.parse('{"__proto__": {"evil": true}, "tree": null}') as Record<string, unknown>;
    structured['tree'] = rememberJson([0], '[0]');
    const out = JSON.parse(stringifyMessage(toolAnswer(structured)));
    expect(Object.keys(out.result.structuredContent).sort()).toEqual(['__proto__', 'tree']);
    expect(({} as Record<string, unknown>)['evil']).toBeUndefined();
  });

  it('leaves results with a toJSON method to JSON.stringify', () => {
    const tree = rememberJson([1], '["spliced"]');
    const result = { content: [], structuredContent: { tree }, toJSON: () => ({ replaced: true }) };
    expect(stringifyMessage({ jsonrpc: '2.0', id: 1, result })).toBe('{"jsonrpc":"2.0","id":1,"result":{"replaced":true}}');
  });

  it('stringifyItems gives the JSON of each item and remembers the array as JSON.stringify would write it', () => {
    const rows = [{ s: 'quote " \\ \n \u2028 😀', n: null, at: new Date(0), nested: { blob: [1, 2] } }, { s: '', skipped: undefined }, {}];
    const jsons = stringifyItems(rows);
    expect(jsons).toEqual(rows.map((row) => JSON.stringify(row)));
    const message = toolAnswer({ columns: ['s'], rows, rowCount: 3 });
    expect(messageJsonPieces(message)).toContain(JSON.stringify(rows));
    expect(JSON.parse(stringifyMessage(message))).toEqual(JSON.parse(JSON.stringify(message)));
  });
});
