/** The stdio transport under malformed input: every bad line gets an answer (or is dropped if it is a notification) and the server keeps answering. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { encodeLine, ResilientStdioTransport } from './stdio.js';
import { buildMcpServer } from './build-server.js';
import { createLogger } from './logger.js';
import { echoDeps, echoServer } from './test-fixtures/echo-server.js';

function harness() {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: unknown[] = [];
  let pending = '';
  output.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let i: number;
    while ((i = pending.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(pending.slice(0, i)));
      pending = pending.slice(i + 1);
    }
  });
  const transport = new ResilientStdioTransport({ input, output, maxLineBytes: 1024 * 1024 });
  const log = createLogger({ name: 't', level: 'error' });
  const handle = serveStdio(
    (ctx) => buildMcpServer({ definition: echoServer, tools: echoServer.tools, deps: echoDeps(), log, session: { transport: 'stdio', era: ctx.era } }),
    { transport },
  );
  const send = (line: string | Buffer) => input.write(typeof line === 'string' ? `${line}\n` : Buffer.concat([line, Buffer.from('\n')]));
  const waitFor = async (predicate: (m: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const found = lines.find((m) => predicate(m as Record<string, unknown>));
      if (found) return found as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no matching message; got ${JSON.stringify(lines).slice(0, 500)}`);
  };
  return { send, lines, waitFor, close: () => handle.close() };
}

const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });

describe('stdio transport with malformed input', () => {
  it('answers each kind of bad line and keeps serving', async () => {
    const h = harness();
    h.send(init);
    await h.waitFor((m) => m.id === 0 && 'result' in m);
    h.send('{"jsonrpc":"2.0","method":"notifications/initialized"}');

    h.send('this is not json');
    await h.waitFor((m) => (m.error as { code?: number })?.code === -32700);

    // A line over the limit is skipped without being buffered whole, and answered.
    h.send(`{"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}}`);
    await h.waitFor((m) => (m.error as { code?: number; message?: string })?.message?.includes('larger than') === true);

    h.send(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    h.send('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":42}}');
    await h.waitFor((m) => m.id === 7 && 'error' in m);
    h.send('{"jsonrpc":"2.0","id":8,"method":"no/such/method"}');
    await h.waitFor((m) => m.id === 8 && (m.error as { code: number }).code === -32601);
    h.send(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]));
    h.send('{"jsonrpc":"2.0","id":"dup","method":"ping"}');
    h.send('{"jsonrpc":"2.0","id":"dup","method":"ping"}');
    h.send('{"jsonrpc":"1.0","id":9,"method":"ping"}');
    await h.waitFor((m) => m.id === 9 && (m.error as { code: number }).code === -32600);

    h.send('{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"text":"alive"}}}');
    const answer = await h.waitFor((m) => m.id === 10);
    expect((answer.result as { structuredContent: unknown }).structuredContent).toEqual({ text: 'alive' });
    // Every malformed request that had an id got an answer.
    expect(h.lines.filter((m) => (m as { id?: unknown }).id === 'dup').length).toBeGreaterThanOrEqual(1);
    await h.close();
  });
});

describe('encodeLine', () => {
  const long = (middle: string) => [`{"text":"${'a'.repeat(70_000)}`, `${middle}"}`];
  const utf8Of = (encoded: string | Buffer) => (typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded);

  it('gives exactly the UTF-8 bytes of the joined pieces and a newline, long or short, ASCII or not', () => {
    const cases = [long(''), long('ü'), long('ÿ'), long('Ł'), long('😀'), long('\ud800'), ['short ü'], ['short'], ['a', 'b', 'ü'], [], ['', 'x'.repeat(70_000), '']];
    for (const pieces of cases) {
      expect(utf8Of(encodeLine(pieces)).equals(Buffer.from(`${pieces.join('')}\n`, 'utf8'))).toBe(true);
    }
    // Every non-ASCII piece between ASCII ones, so a wrong offset after a multi-byte piece shows.
    const mixed = ['é'.repeat(40_000), 'a'.repeat(40_000), '😀'.repeat(10_000), 'z'];
    expect(utf8Of(encodeLine(mixed)).equals(Buffer.from(`${mixed.join('')}\n`, 'utf8'))).toBe(true);
  });

  it('makes a long line bytes and leaves a short one a string', () => {
    expect(Buffer.isBuffer(encodeLine(long('')))).toBe(true);
    expect(Buffer.isBuffer(encodeLine(long('Ł')))).toBe(true);
    expect(encodeLine(['short', ' line'])).toBe('short line\n');
  });
});
