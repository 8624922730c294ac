/**
 * The guarded client against real loopback sites: pinned addresses (no rebinding), redirect hops, byte and
 * decompression caps, timeouts, TLS and proxy failures. 127.0.0.2 is "public" (opened with the allow
 * list); 127.0.0.3 is "internal" and must never see a request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endlessBody, type FixtureSite, gzipBomb, html, redirect, startInternalSite, startSite, status } from '../test-support/fixtures.js';
import { NetworkAllowList } from './address-classifier.js';
import { FetchError } from './errors.js';
import { type Resolver, SsrfGuard } from './guard.js';
import { HostPolicy } from './host-policy.js';
import { type GuardedFetchOptions, guardedFetch } from './http-client.js';

const MB = 1024 * 1024;
const base: GuardedFetchOptions = { userAgent: 'test-agent/1.0', maxBytes: 1 * MB, connectTimeoutMs: 5000, timeoutMs: 15_000, maxRedirects: 5 };

function guard(options: { allow?: string[]; resolver?: Resolver; allowHosts?: string[]; denyHosts?: string[] } = {}) {
  return new SsrfGuard({
    hosts: new HostPolicy(options.allowHosts ?? [], options.denyHosts ?? []),
    networks: new NetworkAllowList(options.allow ?? ['127.0.0.2/32']),
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }
  throw new Error('expected the fetch to fail');
}

let pub: FixtureSite;
let internal: FixtureSite;
const endless = endlessBody(2 * 1024 * MB);
const endlessDeclared = endlessBody(2 * 1024 * MB, { declareLength: true });
const bomb = gzipBomb(64 * MB);
const brBomb = zlib.brotliCompressSync(Buffer.alloc(32 * MB));

beforeAll(async () => {
  pub = await startSite('127.0.0.2', {
    '/': html('<html><body><p>public page</p></body></html>'),
    '/to-internal': redirect(() => `${internal.url}/secret`),
    '/to-internal-decimal': redirect(() => `http://2130706435:${internal.port}/secret`),
    '/to-file': redirect('file:///etc/passwd'),
    '/to-denied': redirect(() => `http://www.denied.test:${pub.port}/`),
    '/loop-a': redirect('/loop-b'),
    '/loop-b': redirect('/loop-a'),
    '/chain': (req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('n') ?? '0');
      res.writeHead(302, { location: `/chain?n=${n + 1}` });
      res.end();
    },
    '/hop1': redirect('/hop2', 301),
    '/hop2': redirect('/', 307),
    '/endless': endless.route,
    '/endless-declared': endlessDeclared.route,
    '/bomb': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    },
    '/br-bomb': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'br', 'content-length': String(brBomb.length) });
      res.end(brBomb);
    },
    '/gzip-ok': (_req, res) => {
      const body = zlib.gzipSync('hello compressed world');
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(body);
    },
    '/bad-gzip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end('this is not gzip at all');
    },
    '/never': () => {
      // Never answers: the total deadline must end it.
    },
    '/500': status(500, 'boom'),
  });
  // Same port on the internal address, so a rebinding answer would reach it.
  internal = await startSite('127.0.0.3', {}, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('INTERNAL SECRET');
  }).catch(() => startInternalSite('127.0.0.3'));
});

afterAll(async () => {
  await pub?.close();
  await internal?.close();
});

describe('pinned connections (no DNS rebinding)', () => {
  it('connects to the address the guard checked, resolving once per hop', async () => {
    // A rebinding DNS server: a public answer first, then the internal address.
    const answers = ['127.0.0.2', '127.0.0.3', '127.0.0.3'];
    let calls = 0;
    const resolver: Resolver = async () => [{ address: answers[Math.min(calls++, answers.length - 1)]!, family: 4 }];
    const internalBefore = internal.hits();
    const pubBefore = pub.hitsOn('/');
    const res = await guardedFetch(new URL(`http://rebind.test:${pub.port}/`), guard({ resolver }), base);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('public page');
    expect(calls).toBe(1);
    expect(pub.hitsOn('/')).toBe(pubBefore + 1);
    expect(internal.hits()).toBe(internalBefore);
    // The Host header carries the name, not the address.
    expect(pub.server.requests.at(-1)!.headers.host).toBe(`rebind.test:${pub.port}`);
  });

  it('tries each checked address in turn when the first has nothing listening', async () => {
    // Both answers are open; nothing listens on 127.0.0.4, so the connection must go on to 127.0.0.2.
    const resolver: Resolver = async () => [
      { address: '127.0.0.4', family: 4 },
      { address: '127.0.0.2', family: 4 },
    ];
    const pubBefore = pub.hitsOn('/');
    const res = await guardedFetch(new URL(`http://two-addresses.test:${pub.port}/`), guard({ resolver, allow: ['127.0.0.2/32', '127.0.0.4/32'] }), base);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('public page');
    expect(pub.hitsOn('/')).toBe(pubBefore + 1);
  });

  it('reaches localhost served on ::1 only (the checked 127.0.0.1 refuses)', async () => {
    const v6 = await startSite('::1', { '/': html('<p>hello from ::1</p>') });
    try {
      // The system resolver answers localhost with 127.0.0.1 and ::1; both ranges are opened.
      const res = await guardedFetch(new URL(`http://localhost:${v6.port}/`), guard({ allow: ['127.0.0.0/8', '::1/128'] }), base);
      expect(res.body.toString()).toContain('hello from ::1');
      expect(v6.hitsOn('/')).toBe(1);
    } finally {
      await v6.close();
    }
  });

  it('refuses a name whose answers mix a public and an internal address', async () => {
    const resolver: Resolver = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.3', family: 4 },
    ];
    const before = pub.hits() + internal.hits();
    const error = await failure(guardedFetch(new URL(`http://mixed.test:${pub.port}/`), guard({ resolver }), base));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toContain('127.0.0.3');
    expect(pub.hits() + internal.hits()).toBe(before);
  });

  it('refuses names that resolve to the metadata address without sending anything', async () => {
    const resolver: Resolver = async () => [{ address: '169.254.169.254', family: 4 }];
    const error = await failure(guardedFetch(new URL('http://metadata.test/latest/meta-data/'), guard({ resolver }), base));
    expect(error.code).toBe('blocked_address');
    expect(error.message).toMatch(/link-local.*169\.254\.169\.254/);
    expect(error.hint).toContain('--allow-network');
  });
});

describe('redirects', () => {
  it('follows redirects on allowed hosts and reports them', async () => {
    const res = await guardedFetch(new URL(`${pub.url}/hop1`), guard(), base);
    expect(res.status).toBe(200);
    expect(res.url.href).toBe(`${pub.url}/`);
    expect(res.redirects).toEqual([`${pub.url}/hop2`, `${pub.url}/`]);
  });

  for (const path of ['/to-internal', '/to-internal-decimal']) {
    it(`refuses a redirect hop to the internal site (${path}) with zero hits there`, async () => {
      const before = internal.hits();
      const error = await failure(guardedFetch(new URL(`${pub.url}${path}`), guard(), base));
      expect(error.code).toBe('blocked_address');
      expect(error.message).toContain('127.0.0.3');
      expect(internal.hits()).toBe(before);
    });
  }

  it('refuses a redirect to a non-http scheme', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/to-file`), guard(), base));
    expect(error.code).toBe('unsupported_scheme');
  });

  it('detects a redirect loop', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/loop-a`), guard(), base));
    expect(error.code).toBe('redirect_loop');
    expect(pub.hitsOn('/loop-a')).toBeGreaterThanOrEqual(1);
  });

  it('stops after the hop limit', async () => {
    const before = pub.hitsOn('/chain');
    const error = await failure(guardedFetch(new URL(`${pub.url}/chain?n=0`), guard(), base));
    expect(error.code).toBe('too_many_redirects');
    // The first request plus five redirects, no more.
    expect(pub.hitsOn('/chain') - before).toBe(6);
  });

  it('applies --deny-host on redirect hops', async () => {
    const resolver: Resolver = async () => [{ address: '127.0.0.2', family: 4 }];
    const before = pub.hitsOn('/');
    const error = await failure(guardedFetch(new URL(`http://ok.test:${pub.port}/to-denied`), guard({ resolver, denyHosts: ['*.denied.test'] }), base));
    expect(error.code).toBe('host_denied');
    expect(error.message).toContain('*.denied.test');
    expect(pub.hitsOn('/to-denied')).toBe(1);
    expect(pub.hitsOn('/')).toBe(before);
  });

  it('applies --allow-host on redirect hops', async () => {
    const resolver: Resolver = async () => [{ address: '127.0.0.2', family: 4 }];
    const error = await failure(guardedFetch(new URL(`http://ok.test:${pub.port}/to-denied`), guard({ resolver, allowHosts: ['ok.test'] }), base));
    expect(error.code).toBe('host_not_allowed');
  });
});

describe('bounded bodies', () => {
  it('stops a 2 GB streamed body at the byte cap, far below 2 GB', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/endless`), guard(), base));
    expect(error.code).toBe('too_large');
    await endless.finished();
    // What the fixture managed to hand to the socket before the client hung up: the cap plus socket buffers.
    expect(endless.sent()).toBeLessThan(64 * MB);
    expect(endless.sent()).toBeGreaterThan(1 * MB);
  });

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/endless-declared`), guard(), base));
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('declares 2048 MB');
    await endlessDeclared.finished();
    expect(endlessDeclared.sent()).toBeLessThan(64 * MB);
  });

  it('caps gzip decompression (a 64 MB bomb in a small body)', async () => {
    expect(bomb.length).toBeLessThan(1 * MB);
    const error = await failure(guardedFetch(new URL(`${pub.url}/bomb`), guard(), base));
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('decompresses');
  });

  it('caps brotli decompression too', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/br-bomb`), guard(), base));
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('decompresses');
  });

  it('decodes ordinary gzip bodies', async () => {
    const res = await guardedFetch(new URL(`${pub.url}/gzip-ok`), guard(), base);
    expect(res.body.toString()).toBe('hello compressed world');
  });

  it('reports a body that does not decompress', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/bad-gzip`), guard(), base));
    expect(error.code).toBe('bad_encoding');
  });

  it('ends a fetch that never answers at the total deadline', async () => {
    const error = await failure(guardedFetch(new URL(`${pub.url}/never`), guard(), { ...base, timeoutMs: 1000 }));
    expect(error.code).toBe('timeout');
  });

  it('reports cancellation as cancelled', async () => {
    const controller = new AbortController();
    const promise = guardedFetch(new URL(`${pub.url}/never`), guard(), { ...base, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await failure(promise);
    expect(error.code).toBe('cancelled');
  });

  it('returns 4xx/5xx responses to the caller with their status', async () => {
    const res = await guardedFetch(new URL(`${pub.url}/500`), guard(), base);
    expect(res.status).toBe(500);
  });

  it('reports a refused connection', async () => {
    // A port nothing listens on: bind, note the port, close.
    const probe = createHttpServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.2', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const error = await failure(guardedFetch(new URL(`http://127.0.0.2:${port}/`), guard(), base));
    expect(error.code).toBe('connect_failed');
    expect(error.message).toContain('refused');
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('TLS', () => {
  let tlsServer: Server;
  let port: number;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fetch-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=self-signed.test'], { stdio: 'ignore' });
    tlsServer = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('tls page'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.2', r));
    port = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    tlsServer?.closeAllConnections();
    await new Promise<void>((r) => tlsServer?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate with a TLS error', async () => {
    const resolver: Resolver = async () => [{ address: '127.0.0.2', family: 4 }];
    const error = await failure(guardedFetch(new URL(`https://self-signed.test:${port}/`), guard({ resolver }), base));
    expect(error.code).toBe('tls_failed');
    expect(error.message).toMatch(/self-signed|certificate/i);
  });
});

describe('through a proxy', () => {
  let proxy: Server;
  let proxyPort: number;
  const proxied: string[] = [];
  beforeAll(async () => {
    // A minimal forward proxy on loopback: absolute-form GET and CONNECT, recording what it was asked for.
    proxy = createHttpServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      const target = new URL(req.url ?? '/');
      const upstream = httpRequest({ hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end();
    });
    proxy.on('connect', (req, socket) => {
      proxied.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.4', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise<void>((r) => proxy?.close(() => r()));
  });

  it('sends allowed requests through the proxy', async () => {
    const res = await guardedFetch(new URL(`${pub.url}/`), guard(), { ...base, proxy: { url: new URL(`http://127.0.0.4:${proxyPort}`) } });
    expect(res.body.toString()).toContain('public page');
    expect(proxied).toContain(`GET ${pub.url}/`);
  });

  it('checks the URL before the proxy sees it: internal targets never reach the proxy', async () => {
    const before = proxied.length;
    const internalBefore = internal.hits();
    const error = await failure(guardedFetch(new URL(`${internal.url}/secret`), guard(), { ...base, proxy: { url: new URL(`http://127.0.0.4:${proxyPort}`) } }));
    expect(error.code).toBe('blocked_address');
    expect(proxied.length).toBe(before);
    expect(internal.hits()).toBe(internalBefore);
  });

  it('checks redirect hops too when going through the proxy', async () => {
    const internalBefore = internal.hits();
    const error = await failure(guardedFetch(new URL(`${pub.url}/to-internal`), guard(), { ...base, proxy: { url: new URL(`http://127.0.0.4:${proxyPort}`) } }));
    expect(error.code).toBe('blocked_address');
    expect(proxied.some((p) => p.includes('127.0.0.3'))).toBe(false);
    expect(internal.hits()).toBe(internalBefore);
  });

  it('opens a CONNECT tunnel for https and verifies TLS end to end', async () => {
    // The public fixture speaks plain HTTP, so TLS through the tunnel fails: proof the tunnel reached it and TLS ran.
    const error = await failure(guardedFetch(new URL(`https://127.0.0.2:${pub.port}/`), guard(), { ...base, proxy: { url: new URL(`http://127.0.0.4:${proxyPort}`) } }));
    expect(proxied).toContain(`CONNECT 127.0.0.2:${pub.port}`);
    expect(['tls_failed', 'connect_failed']).toContain(error.code);
  });
});
