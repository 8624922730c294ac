/** The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('stdio', () => {
  it('lists tools that satisfy the contract and calls one', async () => {
    const c = await connectStdio({ bin });
    const tools = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(['greet', 'add_note']);
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    const r = await c.callTool('add_note', { text: 'remember' });
    expect(r.structuredContent).toEqual({ count: 1 });
    await c.close();
  });

  it('--read-only removes the writer', async () => {
    const c = await connectStdio({ bin, args: ['--read-only'] });
    expect((await c.listTools()).map((t) => t.name)).toEqual(['greet']);
    await c.close();
  });

  it('speaks 2026-07-28 too', async () => {
    const c = await connectStdio({ bin, era: 'modern' });
    expect(textOf(await c.callTool('greet', { name: 'Lin' }))).toBe('Hello, Lin!');
    await c.close();
  });
});

describe('http', () => {
  let server: BinProcess;
  beforeAll(async () => {
    server = await startHttpBin({ bin, args: ['--greeting', 'Hey'] });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain(server.token);
  });

  it('SIGINT closes open sessions and exits 0', async () => {
    const other = await startHttpBin({ bin });
    const c = await connectHttp({ url: other.url, token: other.token });
    await c.callTool('greet', { name: 'Bo' });
    const exited = new Promise<number | null>((resolve) => other.child.once('exit', (code) => resolve(code)));
    other.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(other.stderr()).toContain('SIGINT received; closing');
    await c.client.close().catch(() => {});
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`calls a tool (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      expect(textOf(await c.callTool('greet', { name: 'Kim' }))).toBe('Hey, Kim!');
      await c.close();
    });
  }
});
