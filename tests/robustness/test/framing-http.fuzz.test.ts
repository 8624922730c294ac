/**
 * Issue 12, fuzzing of raw JSON-RPC framing over Streamable HTTP: raw POSTs to /mcp with the bearer token
 * and a live session. Every POST gets an HTTP answer (bounded wait) that is not a 5xx; a body that is not
 * JSON gets a Parse error; a request with an id gets an answer carrying that id (or a 4xx refusal of the
 * whole body, e.g. 413 over the 4 MiB limit); and a real client still works afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connectHttp, startHttpBin, textOf, type BinProcess } from '@portico/protocol/testing';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { fcParams, framingRuns } from '../src/budget.js';
import { framingArbitrary, framingCorpus } from '../src/framing-cases.js';
import { needsOf } from '../src/framing-check.js';
import { openSession, postRaw } from '../src/raw-http.js';
import { binOf } from '../src/targets.js';

const HTTP_BODY_LIMIT = 4 * 1024 * 1024;

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('rb-framing-http-');
});
afterAll(async () => {
  await dir?.cleanup();
});

/** Problems with one raw POST's answer (empty when it is acceptable). */
async function checkHttpPayload(server: BinProcess, session: Record<string, string>, payload: string): Promise<string[]> {
  const oversized = Buffer.byteLength(payload) > HTTP_BODY_LIMIT;
  let answer: Awaited<ReturnType<typeof postRaw>>;
  try {
    answer = await postRaw(server.url, server.token, Buffer.from(payload, 'utf8'), session);
  } catch (error) {
    // Over the body limit the server answers 413 and closes before reading the rest; the client may then
    // fail its write (EPIPE/ECONNRESET) before it reads the 413. That is a refusal, not a fault.
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    if (oversized && (code === 'EPIPE' || code === 'ECONNRESET')) return [];
    throw error;
  }
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
  if (oversized) {
    if (answer.status !== 413) problems.push(`oversized body answered ${answer.status}, not 413`);
    return problems;
  }
  // A POST body is one message (or a batch), so the stdio line rules apply to the whole body.
  const needs = needsOf(payload.replace(/\n/g, ' '));
  if (needs.parseErrors > 0 && !answer.messages.some((m) => m.error?.code === -32700)) problems.push(`no Parse error for a non-JSON body (HTTP ${answer.status}: ${answer.body.slice(0, 120)})`);
  for (const id of needs.ids.keys()) {
    const answered = answer.messages.some((m) => m.id === id);
    // A 4xx that refuses the whole body (wrong content, unsupported shape) is an error answer too.
    if (!answered && !(answer.status >= 400 && answer.status < 500)) problems.push(`no answer for id ${JSON.stringify(id).slice(0, 40)} (HTTP ${answer.status}: ${answer.body.slice(0, 120)})`);
  }
  return problems;
}

describe.each(['filesystem', 'sqlite'] as const)('%s over HTTP', (name) => {
  let server: BinProcess;
  let session: Record<string, string>;
  beforeAll(async () => {
    server = await startHttpBin({ bin: binOf(name), args: name === 'filesystem' ? [dir.path] : ['--db-path', `${dir.path}/http.db`] });
    session = await openSession(server.url, server.token);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('answers the fixed corpus of malformed bodies without 5xx or hang', async () => {
    const problems: string[] = [];
    for (const [i, payload] of framingCorpus(5000).entries()) {
      const found = await checkHttpPayload(server, session, payload);
      if (found.length) problems.push(`case ${i} (${payload.slice(0, 60)}…): ${found.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers random bodies, then still serves a real client', async () => {
    await fc.assert(
      fc.asyncProperty(framingArbitrary(), async (payload) => {
        expect(await checkHttpPayload(server, session, payload)).toEqual([]);
      }),
      fcParams(framingRuns),
    );
    const c = await connectHttp({ url: server.url, token: server.token });
    try {
      const tools = await c.listTools();
      expect(tools.length).toBeGreaterThan(0);
      const r = await c.callTool(name === 'filesystem' ? 'list_allowed_directories' : 'list_tables', {});
      expect(r.isError).toBeFalsy();
      expect(textOf(r).length).toBeGreaterThan(0);
    } finally {
      await c.close();
    }
    expect(server.child.exitCode).toBeNull();
  });
});
