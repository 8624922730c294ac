/**
 * Issue 12, faults: a client that disconnects in the middle of a long call.
 *  - HTTP: the POST carrying a long tools/call is aborted (socket closed) while the server works on it; the
 *    server stays up, answers /healthz and new clients, and keeps the row acknowledged before.
 *  - stdio: stdin is closed while a long call runs; the process exits on its own with code 0, and the row
 *    acknowledged before is in the database when it is opened again.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, startHttpBin, textOf, type BinProcess } from '@portico/protocol/testing';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { openSession } from '../src/raw-http.js';
import { RawStdioPeer } from '../src/raw-stdio.js';
import { binOf } from '../src/targets.js';

// Runs until the query timeout stops it: long enough to disconnect in the middle.
const ENDLESS_QUERY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('rb-disconnect-');
});
afterAll(async () => {
  await dir?.cleanup();
});

const rowsOf = async (dbPath: string) => {
  const c = await connectStdio({ bin: binOf('sqlite'), args: ['--db-path', dbPath, '--read-only'] });
  try {
    return textOf(await c.callTool('read_query', { query: 'SELECT note FROM acknowledged ORDER BY id' }));
  } finally {
    await c.close();
  }
};

describe('HTTP client aborts mid-call', () => {
  let server: BinProcess;
  const dbPath = () => join(dir.path, 'http.db');
  beforeAll(async () => {
    server = await startHttpBin({ bin: binOf('sqlite'), args: ['--db-path', dbPath(), '--query-timeout', '8'] });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('the server survives, serves new clients and keeps acknowledged data', async () => {
    const writer = await connectHttp({ url: server.url, token: server.token });
    for (const query of ['CREATE TABLE acknowledged (id INTEGER PRIMARY KEY, note TEXT)', "INSERT INTO acknowledged (note) VALUES ('before the disconnect')"]) {
      const r = await writer.callTool('write_query', { query });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    await writer.close();

    const session = await openSession(server.url, server.token);
    const abort = new AbortController();
    const inFlight = fetch(server.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...session },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'long', method: 'tools/call', params: { name: 'read_query', arguments: { query: ENDLESS_QUERY } } }),
      signal: abort.signal,
    }).then(
      async (res) => {
        await res.text();
        return 'answered';
      },
      (error: Error) => error.name,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    abort.abort();
    expect(await inFlight).toBe('AbortError');

    const health = await fetch(server.url.replace('/mcp', '/healthz'), { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    const reader = await connectHttp({ url: server.url, token: server.token });
    try {
      const started = Date.now();
      const r = await reader.callTool('read_query', { query: 'SELECT note FROM acknowledged' }, { timeout: 30_000 });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(textOf(r)).toContain('before the disconnect');
      // Reported, not asserted (no timed assertions): whether the abandoned query kept a runner busy.
      console.info(`[disconnect http] first read after the abort answered in ${Date.now() - started} ms`);
    } finally {
      await reader.close();
    }
    expect(server.child.exitCode).toBeNull();
  });
});

describe('stdio client closes stdin mid-call', () => {
  it('the process exits cleanly and the acknowledged row is on disk', async () => {
    const dbPath = join(dir.path, 'stdio.db');
    const peer = new RawStdioPeer(binOf('sqlite'), ['--db-path', dbPath, '--query-timeout', '8']);
    await peer.initialize();
    let n = 0;
    for (const query of ['CREATE TABLE acknowledged (id INTEGER PRIMARY KEY, note TEXT)', "INSERT INTO acknowledged (note) VALUES ('before the disconnect')"]) {
      const id = `w${(n += 1)}`;
      peer.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'write_query', arguments: { query } } });
      const answer = await peer.waitFor((m) => m.id === id, 15_000);
      expect((answer.result as { isError?: boolean }).isError, JSON.stringify(answer)).toBeFalsy();
    }
    peer.send({ jsonrpc: '2.0', id: 'long', method: 'tools/call', params: { name: 'read_query', arguments: { query: ENDLESS_QUERY } } });
    await new Promise((r) => setTimeout(r, 1_000));
    const closing = Date.now();
    const end = await peer.close(10_000);
    console.info(`[disconnect stdio] exited ${Date.now() - closing} ms after stdin closed`);
    expect(end, peer.stderr).toEqual({ code: 0, signal: null, timedOut: false });
    expect(peer.badStdoutLines).toEqual([]);
    expect(await rowsOf(dbPath)).toContain('before the disconnect');
  });
});
