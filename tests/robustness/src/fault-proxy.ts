/**
 * A loopback HTTP proxy that sits between a server and its (fake) upstream and injects faults on demand:
 * drop the connection without an answer, answer 500, or answer 429 with Retry-After. The fakes of GitHub and
 * Slack stay untouched; the server only sees a different base URL.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { kind: 'pass' } | { kind: 'drop' } | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string };

export interface FaultProxy {
  url: string;
  /** The fault for the next `times` requests (default: all until changed); then back to pass. */
  inject(fault: Fault, times?: number): void;
  /** Requests the proxy answered with a fault / passed through. */
  faulted: number;
  passed: number;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  if (!/^127\.|^\[::1\]$/.test(target.hostname)) throw new Error(`fault proxy forwards only to loopback, not ${target.hostname}`);
  let current: Fault = { kind: 'pass' };
  let remaining = Infinity;
  const state = { faulted: 0, passed: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = remaining > 0 ? current : ({ kind: 'pass' } as Fault);
    if (fault.kind !== 'pass') {
      remaining -= 1;
      state.faulted += 1;
      if (fault.kind === 'drop') {
        // Read nothing more, answer nothing: the client sees the socket close mid-request.
        req.socket.destroy();
        return;
      }
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ message: `injected ${fault.status}` }));
      return;
    }
    state.passed += 1;
    const forwarded = request(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`;
  return {
    url: base,
    inject(fault, times = Infinity) {
      current = fault;
      remaining = times;
    },
    get faulted() {
      return state.faulted;
    },
    get passed() {
      return state.passed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
