/**
 * readBody on a response whose body and connection end have already arrived when a stage fails. Over real
 * sockets that state needs a loaded machine (the e2e gzip bomb hung 1 call in 15–40 on Node 22 under load), so
 * these tests build it directly from Node's own classes: an IncomingMessage with bytes buffered and no end yet,
 * whose ClientRequest is already destroyed (so aborting it, all pipeline() does to a response, changes nothing).
 * No connection is made.
 */
import { ClientRequest, IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FetchError } from './errors.js';
import { readBody } from './http-client.js';

const MB = 1024 * 1024;
const url = new URL('http://example.test/page');

function arrivedResponse(body: Buffer, headers: IncomingHttpHeaders, { complete = true } = {}): IncomingMessage {
  const res = new IncomingMessage(new Socket());
  res.headers = headers;
  res.complete = complete;
  res.push(body);
  // createConnection: a socket that never connects; the request is destroyed before anything is written.
  const req = new ClientRequest({ createConnection: () => new Socket() });
  req.on('error', () => {});
  req.destroy();
  (res as IncomingMessage & { req: ClientRequest }).req = req;
  return res;
}

/** readBody's outcome, or 'still waiting' if it has not settled after `ms` (the hang this guards against). */
async function settle(promise: Promise<unknown>, ms = 5000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'resolved', (error: unknown) => error), waiting]);
  } finally {
    clearTimeout(timer);
  }
}

describe('readBody when the whole response arrived before a stage failed', () => {
  it('answers a gzip bomb with too_large and destroys the response', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MB));
    const res = arrivedResponse(bomb, { 'content-encoding': 'gzip' });
    const outcome = await settle(readBody(res, 1 * MB, url));
    expect(outcome).toBeInstanceOf(FetchError);
    expect((outcome as FetchError).code).toBe('too_large');
    expect((outcome as FetchError).message).toContain('decompresses to more than that');
    expect(res.destroyed).toBe(true);
  });

  it('answers a corrupt gzip body with bad_encoding and destroys the response', async () => {
    const good = zlib.gzipSync(Buffer.from('x'.repeat(200_000)));
    const corrupt = Buffer.concat([good.subarray(0, 10), Buffer.alloc(4096, 0xff), good.subarray(10)]);
    const res = arrivedResponse(corrupt, { 'content-encoding': 'gzip' });
    const outcome = await settle(readBody(res, 10 * MB, url));
    expect(outcome).toBeInstanceOf(FetchError);
    expect((outcome as FetchError).code).toBe('bad_encoding');
    expect(res.destroyed).toBe(true);
  });

  it('ends a body that never finishes when the fetch is aborted (deadline or cancellation)', async () => {
    const res = arrivedResponse(Buffer.from('<html>the rest never comes'), { 'content-type': 'text/html' }, { complete: false });
    const outcome = await settle(readBody(res, 10 * MB, url, AbortSignal.timeout(50)));
    expect(outcome).toBeInstanceOf(Error);
    expect(res.destroyed).toBe(true);
  });

  it('still reads a whole response that ends normally', async () => {
    const res = arrivedResponse(zlib.gzipSync(Buffer.from('hello, world')), { 'content-encoding': 'gzip' });
    res.push(null);
    const read = readBody(res, 10 * MB, url, AbortSignal.timeout(5000));
    await expect(read).resolves.toMatchObject({ body: Buffer.from('hello, world') });
  });
});
