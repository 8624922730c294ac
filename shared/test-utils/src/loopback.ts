/**
 * A loopback HTTP server for fake upstreams (GitHub, Slack) and fixture sites (fetch). It binds only to
 * 127.0.0.0/8 or ::1, counts hits, and records requests so tests can assert what was (not) sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LoopbackServer {
  url: string;
  port: number;
  host: string;
  requests: RecordedRequest[];
  hits(): number;
  close(): Promise<void>;
}

export type LoopbackHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export async function startLoopbackServer(handler: LoopbackHandler, options: { host?: string; port?: number } = {}): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  if (!(host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) throw new Error(`loopback servers bind only to 127.0.0.0/8 or ::1, not ${host}`);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    host,
    requests,
    hits: () => requests.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
