/**
 * Fixture sites for the fetch tests, each on its own loopback address and counting its hits:
 * 127.0.0.2 plays a public site (tests open it with --allow-network 127.0.0.2/32), 127.0.0.3, 127.0.0.1
 * and ::1 play internal services that must never be reached. Only loopback traffic, every stream bounded.
 */
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { type LoopbackServer, type RecordedRequest, startLoopbackServer, waitFor } from '@portico/test-utils';
import type { FetchConfig } from '../config.js';

export type Route = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface FixtureSite {
  server: LoopbackServer;
  /** Origin, e.g. http://127.0.0.2:40123 */
  url: string;
  host: string;
  port: number;
  hits(): number;
  /** Hits on one path (query ignored). */
  hitsOn(path: string): number;
  close(): Promise<void>;
}

export async function startSite(host: string, routes: Record<string, Route>, fallback?: Route): Promise<FixtureSite> {
  const server = await startLoopbackServer(
    async (req, res) => {
      const path = req.url.split('?')[0] ?? '/';
      const route = routes[path] ?? fallback;
      if (route) return route(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    },
    { host },
  );
  return {
    server,
    url: server.url,
    host,
    port: server.port,
    hits: () => server.hits(),
    hitsOn: (path) => server.requests.filter((r) => (r.url.split('?')[0] ?? '/') === path).length,
    close: () => server.close(),
  };
}

/** An internal service: answers everything with a secret, so a leak would be visible. */
export function startInternalSite(host: string): Promise<FixtureSite> {
  return startSite(host, {}, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`INTERNAL SECRET from ${host}`);
  });
}

export const html = (body: string, headers: Record<string, string> = {}): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
};

export const bytes = (body: Buffer, contentType: string, headers: Record<string, string> = {}): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length), ...headers });
  res.end(body);
};

export const status = (code: number, body = ''): Route => (_req, res) => {
  res.writeHead(code, { 'content-type': 'text/plain' });
  res.end(body);
};

export const redirect = (location: string | (() => string), code = 302): Route => (_req, res) => {
  res.writeHead(code, { location: typeof location === 'function' ? location() : location });
  res.end();
};

/** A body that streams lazily up to `total` bytes, only as fast as the client reads; counts what it wrote. */
export function endlessBody(total: number, options: { declareLength?: boolean; contentType?: string } = {}): { route: Route; sent(): number; finished(): Promise<void> } {
  let sent = 0;
  let done: () => void = () => {};
  const finishedPromise = new Promise<void>((resolve) => (done = resolve));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const route: Route = (_req, res) => {
    res.writeHead(200, { 'content-type': options.contentType ?? 'text/plain', ...(options.declareLength ? { 'content-length': String(total) } : {}) });
    let closed = false;
    res.on('close', () => {
      closed = true;
      done();
    });
    const pump = () => {
      while (!closed && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed && sent >= total) res.end();
    };
    pump();
  };
  return { route, sent: () => sent, finished: () => finishedPromise };
}

/** gzip of `size` zero bytes: a small body that decompresses to a lot. Computed in chunks, not in one buffer. */
export function gzipBomb(size: number): Buffer {
  const gzip = zlib.gzipSync(Buffer.alloc(Math.min(size, 16 * 1024 * 1024)), { level: 9 });
  if (size <= 16 * 1024 * 1024) return gzip;
  // gzip members concatenate: a decoder must decompress all of them one after another.
  const members = Math.ceil(size / (16 * 1024 * 1024));
  return Buffer.concat(Array.from({ length: members }, () => gzip));
}

/** A one-page PDF with the given lines of text (Helvetica), built by hand: no PDF library needed to make one. */
export function makePdf(lines: string[], title?: string): Buffer {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${esc(l)}) Tj T*`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(title ? [`<< /Title (${esc(title)}) >>`] : []),
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${title ? ` /Info ${objects.length} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A long article: numbered paragraphs, so a reassembled page can be compared exactly. */
export function longArticle(paragraphs: number): string {
  const body = Array.from({ length: paragraphs }, (_, i) => `<p>Paragraph ${i + 1}: ${'the quick brown fox jumps over the lazy dog, '.repeat(4)}ünïcödé ✓ 😀 end ${i + 1}.</p>`).join('\n');
  return `<!doctype html><html><head><title>Long article</title></head><body><article><h1>Long article</h1>${body}</article></body></html>`;
}

/**
 * A wide page of about `bytes` bytes: sibling <div>s, no nesting, the shape that costs the Markdown conversion
 * the most per byte (about 2 s per MB on a 2-vCPU machine; 9.5 MB took 16-20 s and held the server). Stays
 * far under the nesting guard's limits, so only the conversion's deadline can stop it. Bounded by `bytes`.
 */
export function widePage(bytes: number, title = 'Wide page'): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes && i < 10_000_000; i++) {
    const item = `<div>item ${i}</div>`;
    items.push(item);
    size += item.length;
  }
  return `<!doctype html><html><head><title>${title}</title></head><body>${items.join('')}</body></html>`;
}

/**
 * The settings the tests start from: the fixture sites' address 127.0.0.2 allowed, robots.txt obeyed, 1 MiB
 * and 15 s per fetch, 10 s to convert a large HTML page, the page cache on. Each test file overrides what it is about.
 */
export function testConfig(overrides: Partial<FetchConfig> = {}): FetchConfig {
  return {
    ignoreRobotsTxt: false,
    allowNetworks: ['127.0.0.2/32'],
    allowHosts: [],
    denyHosts: [],
    maxBytes: 1024 * 1024,
    timeoutMs: 15_000,
    connectTimeoutMs: 5_000,
    cacheTtlMs: 60_000,
    convertTimeoutMs: 10_000,
    ...overrides,
  };
}

/**
 * Starts a fetch, waits until the site has served its body and 300 ms more (the conversion is then running),
 * and pings the server: how long the ping took, whether the fetch was still running when it was answered, and
 * the fetch's result and duration. The server used to answer nothing while it converted a large page.
 */
export async function pingDuringFetch<R>(fetch: () => Promise<R>, served: () => boolean, ping: () => Promise<unknown>): Promise<{ pingMs: number; stillRunning: boolean; result: R; callMs: number }> {
  let done = false;
  const started = performance.now();
  const call = fetch().finally(() => (done = true));
  if (!(await waitFor(served, 5_000))) throw new Error('the site never served the page');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const pingStarted = performance.now();
  await ping();
  const pingMs = performance.now() - pingStarted;
  const stillRunning = !done;
  const result = await call;
  return { pingMs, stillRunning, result, callMs: performance.now() - started };
}
