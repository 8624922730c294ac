/**
 * Issue 12, fuzzing of raw JSON-RPC framing on stdio: bytes written straight to a built bin's stdin (invalid
 * JSON, wrong types for jsonrpc/id/method/params, unknown methods, duplicate ids, binary bytes, deep nesting,
 * huge lines, batches). Every malformed line with an id gets an answer with that id, every line that is not
 * JSON gets a Parse error with id null, stdout stays pure JSON, and a ping after each payload is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { fcParams, framingRuns } from '../src/budget.js';
import { framingArbitrary, framingCorpus } from '../src/framing-cases.js';
import { checkStdioPayload } from '../src/framing-check.js';
import { RawStdioPeer } from '../src/raw-stdio.js';
import { binOf } from '../src/targets.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('rb-framing-');
});
afterAll(async () => {
  await dir?.cleanup();
});

const launches: Record<string, () => { bin: string; args: string[] }> = {
  filesystem: () => ({ bin: binOf('filesystem'), args: [dir.path] }),
  sqlite: () => ({ bin: binOf('sqlite'), args: ['--db-path', `${dir.path}/framing.db`] }),
  git: () => ({ bin: binOf('git'), args: [] }),
  fetch: () => ({ bin: binOf('fetch'), args: ['--allow-host', '127.0.0.1'] }),
};

describe.each(Object.keys(launches))('%s over stdio', (name) => {
  let peer: RawStdioPeer;
  beforeAll(async () => {
    const { bin, args } = launches[name]!();
    peer = new RawStdioPeer(bin, args);
    await peer.initialize();
  });
  afterAll(async () => {
    // Closing stdin is how a host ends a stdio server: it must exit on its own, with code 0.
    const end = await peer.close();
    expect(end).toEqual({ code: 0, signal: null, timedOut: false });
  });

  it('answers the fixed corpus of malformed payloads and keeps serving', async () => {
    const problems: string[] = [];
    for (const [i, payload] of framingCorpus(1000).entries()) {
      const missing = await checkStdioPayload(peer, payload);
      if (missing.length) problems.push(`case ${i} (${payload.slice(0, 60)}…): missing ${missing.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(peer.badStdoutLines).toEqual([]);
  });

  it('answers random payloads and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(framingArbitrary(), async (payload) => {
        expect(await checkStdioPayload(peer, payload)).toEqual([]);
      }),
      fcParams(framingRuns),
    );
    expect(peer.badStdoutLines).toEqual([]);
    // A real request still works after all of it.
    peer.send({ jsonrpc: '2.0', id: 'final-list', method: 'tools/list' });
    const list = await peer.waitFor((m) => m.id === 'final-list', 10_000);
    expect((list.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0);
  });
});
