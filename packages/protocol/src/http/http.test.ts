/** The HTTP entry over real loopback HTTP with the real MCP client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../run.js';
import { secrets } from '../secrets.js';
import { connectHttp, textOf } from '../testing/index.js';
import { echoConfig, echoDeps, echoServer } from '../test-fixtures/echo-server.js';

const TOKEN = 'canary-http-token-5b1f0c2e9d8a7f6e';
let server: RunningServer;
let stderr = '';
const originalWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  // Capture everything the server writes to stderr, to grep it for the token afterwards.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return originalWrite(chunk as never, ...(rest as []));
  }) as typeof process.stderr.write;
  const started = await startServer(echoServer, {
    config: echoConfig,
    createDeps: (c) => echoDeps(c.secret),
    argv: ['--transport', 'http', '--port', '0', '--log-level', 'debug'],
    env: { PORTICO_HTTP_TOKEN: TOKEN },
  });
  server = started!;
});

afterAll(async () => {
  await server.close();
  process.stderr.write = originalWrite;
});

const post = (headers: Record<string, string>, body: unknown = { jsonrpc: '2.0', id: 1, method: 'ping' }) =>
  fetch(server.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

describe('HTTP entry', () => {
  it('prints the contract listening line', () => {
    expect(stderr).toMatch(/portico-echo listening on http:\/\/127\.0\.0\.1:\d+\/mcp/);
  });

  it('answers /healthz without auth', async () => {
    const res = await fetch(server.url!.replace('/mcp', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', server: 'portico-echo' });
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(server.url!.replace('/mcp', '/other'))).status).toBe(404);
  });

  it('refuses /mcp without a token: 401 with WWW-Authenticate', async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a wrong token, including a prefix of the right one', async () => {
    for (const token of ['nope', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const res = await post({ authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });

  it('refuses a foreign Host (DNS rebinding) with 403 even with the token', async () => {
    const { request } = await import('node:http');
    const url = new URL(server.url!);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { host: 'evil.example:80', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('refuses a foreign Origin with 403 and accepts a loopback one', async () => {
    expect((await post({ authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' })).status).toBe(403);
    const ok = await post({ authorization: `Bearer ${TOKEN}`, origin: 'http://localhost:5173' }, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('answers 413 to an oversized body', async () => {
    const res = await fetch(server.url!, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`,
    });
    expect(res.status).toBe(413);
  });

  it('answers malformed JSON-RPC with an error and keeps serving', async () => {
    const bad = await fetch(server.url!, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{not json',
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const deep = await fetch(server.url!, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    expect(deep.status).toBeGreaterThanOrEqual(400);
    expect(deep.status).toBeLessThan(500);
    const c = await connectHttp({ url: server.url!, token: TOKEN });
    expect(textOf(await c.callTool('echo', { text: 'still here' }))).toContain('still here');
    await c.close();
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`serves tools to a ${era} client`, async () => {
      const c = await connectHttp({ url: server.url!, token: TOKEN, era });
      const result = await c.callTool('echo', { text: 'hi' });
      expect(result.structuredContent).toEqual({ text: 'hi' });
      await c.close();
    });
  }

  it('round-trips roots/list over HTTP with a 2025-11-25 client, and re-lists after list_changed', async () => {
    const c = await connectHttp({ url: server.url!, token: TOKEN, roots: [{ uri: 'file:///srv/a', name: 'a' }] });
    expect((await c.callTool('show_roots')).structuredContent).toEqual({ roots: [{ uri: 'file:///srv/a', name: 'a' }] });
    await c.setRoots([{ uri: 'file:///srv/b' }]);
    // The notification is asynchronous; poll (bounded) until the server has re-listed.
    let roots: unknown;
    for (let i = 0; i < 50; i++) {
      roots = (await c.callTool('show_roots')).structuredContent;
      if (JSON.stringify(roots).includes('/srv/b')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(roots).toEqual({ roots: [{ uri: 'file:///srv/b' }] });
    await c.close();
  });

  it('gives a modern (stateless) client no roots rather than failing', async () => {
    const c = await connectHttp({ url: server.url!, token: TOKEN, era: 'modern', roots: [{ uri: 'file:///srv/a' }] });
    expect((await c.callTool('show_roots')).structuredContent).toEqual({ roots: null });
    await c.close();
  });

  it('turns an internal fault into a reference id and keeps the secret out of the result', async () => {
    secrets.register('canary-secret-0123456789');
    const c = await connectHttp({ url: server.url!, token: TOKEN });
    const internal = await c.callTool('fail', { kind: 'internal' });
    expect(internal.isError).toBe(true);
    expect(textOf(internal)).toMatch(/reference [0-9a-f]{8}/);
    expect(JSON.stringify(internal)).not.toContain('canary-secret');
    const actionable = await c.callTool('fail', { kind: 'tool' });
    expect(actionable.isError).toBe(true);
    expect(textOf(actionable)).toBe('the thing was not found.\nTry: ask for another thing.');
    await c.close();
    expect(stderr).toContain('internal fault in tool fail');
    expect(stderr).not.toContain('canary-secret-0123456789');
  });

  it('closes a session on DELETE and forgets it', async () => {
    const c = await connectHttp({ url: server.url!, token: TOKEN });
    await c.callTool('echo', { text: 'x' });
    const sessionId = (c.client.transport as unknown as { sessionId?: string }).sessionId;
    expect(sessionId).toBeTruthy();
    await c.close();
    const res = await post({ authorization: `Bearer ${TOKEN}`, 'mcp-session-id': sessionId! });
    expect(res.status).toBe(404);
  });

  it('reaps idle 2025-11-25 sessions after --session-idle-timeout', async () => {
    const short = await startServer(echoServer, {
      config: echoConfig,
      createDeps: (c) => echoDeps(c.secret),
      argv: ['--transport', 'http', '--port', '0', '--session-idle-timeout', '1'],
      env: { PORTICO_HTTP_TOKEN: TOKEN },
    });
    try {
      const c = await connectHttp({ url: short!.url!, token: TOKEN });
      await c.callTool('echo', { text: 'x' });
      const sessionId = (c.client.transport as unknown as { sessionId?: string }).sessionId!;
      const ping = () =>
        fetch(short!.url!, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
        });
      expect((await ping()).status).toBe(200);
      // Idle for longer than the 1 s timeout plus one reaper tick (1 s); bounded poll.
      let status = 200;
      for (let i = 0; i < 40 && status !== 404; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(short!.url!.replace('/mcp', '/healthz'));
        expect(res.status).toBe(200);
        if (i >= 10) status = (await ping()).status;
      }
      expect(status).toBe(404);
      await c.client.close().catch(() => {});
    } finally {
      await short!.close();
    }
  });

  it('never wrote the bearer token to stderr', () => {
    expect(stderr.length).toBeGreaterThan(0);
    expect(stderr).not.toContain(TOKEN);
  });
});
