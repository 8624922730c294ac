/** The built bin over Streamable HTTP, in both protocol eras, plus the modern era over stdio. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, type BinProcess } from '@portico/protocol/testing';
import { bin, CANARY, makeFixture, OFFICIAL_TOOLS, snapshot, type Fixture } from './fixtures.js';

let fx: Fixture;
let server: BinProcess;
let outsideBefore: Record<string, string>;

beforeAll(async () => {
  fx = await makeFixture();
  outsideBefore = await snapshot(fx.outside);
  server = await startHttpBin({ bin, args: [fx.root] });
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
  expect(server.stderr()).not.toContain(server.token);
  expect(server.stderr()).not.toContain(CANARY);
  expect(await snapshot(fx.outside)).toEqual(outsideBefore);
  await fx.cleanup();
});

describe('http', () => {
  for (const era of ['legacy', 'modern'] as const) {
    it(`serves the drop-in tools and reads, writes and searches (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      expect(dropInProblems(await c.listTools(), OFFICIAL_TOOLS)).toEqual([]);
      expect(textOf(await c.callTool('read_text_file', { path: 'hello.txt', tail: 1 }))).toBe('line 5\n');
      const w = await c.callTool('write_file', { path: `http-${era}.txt`, content: `via ${era}` });
      expect(w.isError).toBeFalsy();
      expect(await readFile(join(fx.root, `http-${era}.txt`), 'utf8')).toBe(`via ${era}`);
      const s = await c.callTool('search_content', { path: '.', pattern: `via ${era}` });
      expect((s.structuredContent as { matches: unknown[] }).matches).toHaveLength(1);
      const out = await c.callTool('read_text_file', { path: join(fx.outside, 'secret.txt') });
      expect(out.isError).toBe(true);
      expect(textOf(out)).not.toContain(CANARY);
      await c.close();
    });
  }

  it('narrows by the roots of a sessionful client', async () => {
    const c = await connectHttp({ url: server.url, token: server.token, era: 'legacy', roots: [{ uri: `file://${join(fx.root, 'src')}` }] });
    expect((await c.callTool('list_allowed_directories', {})).structuredContent).toEqual({ directories: [{ path: join(fx.root, 'src'), readOnly: false }] });
    expect((await c.callTool('read_text_file', { path: join(fx.root, 'hello.txt') })).isError).toBe(true);
    await c.close();
  });
});

describe('stdio, 2026-07-28', () => {
  it('works in the modern era too', async () => {
    const c = await connectStdio({ bin, args: [fx.root], era: 'modern' });
    expect(textOf(await c.callTool('read_text_file', { path: 'hello.txt', head: 1 }))).toBe('line 1\n');
    expect((await c.callTool('list_allowed_directories', {})).structuredContent).toEqual({ directories: [{ path: fx.root, readOnly: false }] });
    await c.close();
  });

  it('refuses a missing directory at start with exit code 2', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [bin, join(fx.base.path, 'does-not-exist')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
    const none = spawnSync(process.execPath, [bin], { encoding: 'utf8', timeout: 20_000 });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no allowed directory/);
  });
});
