/**
 * One guarded GET, redirects followed here (never by the HTTP library) so that every hop passes the SSRF
 * guard, and the connection of each hop goes to the address the guard checked: node:http/https get a
 * `lookup` function that answers with that address, so nothing resolves the name a second time.
 *
 * Everything is bounded: a hop limit, a connect timeout, a total deadline (all hops and the body), a byte
 * cap on the bytes that arrive and, separately, on the bytes that decompression produces (no gzip bomb).
 *
 * With a proxy the guard still checks the URL's host (literal or resolution) before anything is sent, but
 * the proxy resolves the name again on its side: pinning the address is then the proxy's business.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';
import type { CheckedTarget, SsrfGuard } from './guard.js';

export interface ProxySettings {
  url: URL;
  /** Value for Proxy-Authorization, built from user:password in the proxy URL. */
  authorization?: string;
}

export interface GuardedFetchOptions {
  userAgent: string;
  /** Cap on bytes received and, separately, on bytes after decompression. */
  maxBytes: number;
  connectTimeoutMs: number;
  /** Deadline for the whole fetch: every hop and the body. */
  timeoutMs: number;
  maxRedirects: number;
  proxy?: ProxySettings;
  /** The caller's cancellation (the MCP request's signal). */
  signal?: AbortSignal;
  accept?: string;
  /** Called for each hop after the guard accepted it and before the request is sent (robots.txt). */
  beforeHop?: (url: URL, hop: number) => Promise<void>;
}

export interface GuardedResponse {
  /** The URL of the last hop. */
  url: URL;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The decoded (decompressed) body. */
  body: Buffer;
  /** URLs of the redirect hops, in order. */
  redirects: string[];
  /** Bytes that arrived on the wire for the final response body. */
  wireBytes: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/json;q=0.9,text/plain;q=0.8,application/pdf;q=0.7,*/*;q=0.5';

export async function guardedFetch(start: URL, guard: SsrfGuard, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const seen = new Set<string>();
  const redirects: string[] = [];
  let url = start;
  try {
    for (let hop = 0; ; hop++) {
      seen.add(withoutHash(url));
      const target = await guard.check(url, signal);
      await options.beforeHop?.(url, hop);
      throwIfAborted(signal);
      const res = await sendRequest(target, options, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location) {
        res.destroy();
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new FetchError('bad_redirect', `${url.host} redirected to "${location.slice(0, 200)}", which is not a valid URL.`, { hint: 'the site is misconfigured; try another URL.' });
        }
        next.hash = '';
        if (seen.has(withoutHash(next))) {
          throw new FetchError('redirect_loop', `redirect loop: ${url.href} redirects back to ${next.href}, which was already visited.`, {
            hint: 'the site is misconfigured (or needs cookies this server does not keep); try another URL.',
          });
        }
        if (hop >= options.maxRedirects) {
          throw new FetchError('too_many_redirects', `more than ${options.maxRedirects} redirects starting from ${start.href}.`, {
            hint: `fetch the last URL of the chain (${next.href}) directly, or another URL.`,
          });
        }
        redirects.push(next.href);
        url = next;
        continue;
      }
      const { body, wireBytes } = await readBody(res, options.maxBytes, url, signal);
      return { url, status, statusText: res.statusMessage ?? '', headers: res.headers, body, redirects, wireBytes };
    }
  } catch (error) {
    throw explain(error, url, options, deadline);
  }
}

function withoutHash(url: URL): string {
  return url.href.replace(/#.*$/, '');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
}

function requestHeaders(target: CheckedTarget, options: GuardedFetchOptions): Record<string, string> {
  return {
    host: target.url.host,
    'user-agent': options.userAgent,
    accept: options.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
}

/**
 * A lookup that answers with the addresses the guard checked, and only those: the connection cannot go
 * anywhere else. Asked for all of them (autoSelectFamily, below), it gives every checked address, so a name
 * whose first address has nothing listening (localhost served on ::1 only) is still reached on the next.
 */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return ((_hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (opts?.all) callback(null, target.addresses.map(({ address, family }) => ({ address, family })));
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function sendRequest(target: CheckedTarget, options: GuardedFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const isHttps = target.url.protocol === 'https:';
  const path = `${target.url.pathname}${target.url.search}`;
  const headers = requestHeaders(target, options);
  const servername = isHttps && !target.isIpLiteral ? target.hostname : undefined;

  if (options.proxy) return sendViaProxy(target, options, signal, headers, path, servername);

  const transport = isHttps ? https : http;
  // autoSelectFamily is a net option that http passes on (Node >= 18.13); this @types/node does not list it.
  const requestOptions: https.RequestOptions & { autoSelectFamily: boolean } = {
    // The name is given (for Host and SNI) but never resolved: `lookup` returns the checked addresses.
    hostname: target.isIpLiteral ? target.address : target.hostname,
    port: target.port,
    path,
    method: 'GET',
    headers,
    agent: false,
    lookup: pinnedLookup(target),
    // Happy eyeballs over the checked addresses: each is tried in turn until one connects. (No `family`:
    // net only looks up every address, and tries them, when the family is left open.)
    autoSelectFamily: true,
    ...(servername ? { servername } : {}),
    signal,
  };
  const req = transport.request(requestOptions);
  return awaitResponse(req, options.connectTimeoutMs, `${target.hostname} (${target.addresses.map((a) => a.address).join(', ')})`);
}

function proxyEndpoint(proxy: ProxySettings): { hostname: string; port: number } {
  const hostname = proxy.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = proxy.url.port ? Number(proxy.url.port) : proxy.url.protocol === 'https:' ? 443 : 80;
  return { hostname, port };
}

function sendViaProxy(
  target: CheckedTarget,
  options: GuardedFetchOptions,
  signal: AbortSignal,
  headers: Record<string, string>,
  path: string,
  servername: string | undefined,
): Promise<IncomingMessage> {
  const proxy = options.proxy!;
  const endpoint = proxyEndpoint(proxy);
  const auth: Record<string, string> = proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {};
  if (target.url.protocol === 'http:') {
    // Plain HTTP through a proxy: absolute-form request line, the proxy connects onwards.
    const req = http.request({ ...endpoint, path: `${target.url.origin}${path}`, method: 'GET', headers: { ...headers, ...auth }, agent: false, signal });
    return awaitResponse(req, options.connectTimeoutMs, `the proxy ${endpoint.hostname}:${endpoint.port}`);
  }
  // HTTPS through a proxy: a CONNECT tunnel, then TLS to the site (certificate checked against its name).
  const authority = `${target.url.hostname}:${target.port}`;
  return new Promise<Socket>((resolve, reject) => {
    const connectReq = http.request({ ...endpoint, method: 'CONNECT', path: authority, headers: { host: authority, ...auth }, agent: false, signal });
    armConnectTimeout(connectReq, options.connectTimeoutMs, `the proxy ${endpoint.hostname}:${endpoint.port}`);
    connectReq.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new FetchError('proxy_failed', `the proxy refused to open a tunnel to ${authority} (HTTP ${res.statusCode}).`, { hint: 'the operator should check --proxy-url.' }));
    });
    connectReq.once('error', reject);
    connectReq.end();
  }).then((socket) => {
    const req = https.request({
      hostname: target.hostname,
      port: target.port,
      path,
      method: 'GET',
      headers,
      signal,
      // host: the name the certificate must match (SNI too, unless it is an IP literal).
      createConnection: () => tls.connect({ socket, host: target.hostname, ...(servername ? { servername } : {}) }),
    });
    return awaitResponse(req, options.connectTimeoutMs, target.hostname);
  });
}

function armConnectTimeout(req: http.ClientRequest, connectTimeoutMs: number, what: string): void {
  req.once('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => {
      req.destroy(new FetchError('connect_timeout', `connecting to ${what} took longer than ${Math.round(connectTimeoutMs / 1000)} s.`, { hint: 'the site may be down; try again later.' }));
    }, connectTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

function awaitResponse(req: http.ClientRequest, connectTimeoutMs: number, what: string): Promise<IncomingMessage> {
  armConnectTimeout(req, connectTimeoutMs, what);
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function tooLarge(url: URL, maxBytes: number, what: string): FetchError {
  return new FetchError('too_large', `the response from ${url.host} is larger than the ${formatBytes(maxBytes)} limit (${what}); the download was stopped.`, {
    hint: 'fetch a smaller page, or ask the operator to raise --max-bytes.',
  });
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function decodersFor(encodingHeader: string | undefined, url: URL): Transform[] {
  if (!encodingHeader) return [];
  const encodings = encodingHeader
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity');
  // Encodings are listed in the order they were applied; undo them last to first.
  return encodings.reverse().map((encoding) => {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        // SYNC_FLUSH: a truncated stream yields what it has, as browsers do.
        return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
      case 'deflate':
        return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
      case 'br':
        return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
      default:
        throw new FetchError('bad_encoding', `${url.host} sent the body with the content encoding "${encoding}", which this server cannot decode.`, {
          hint: 'try another URL.',
        });
    }
  });
}

/**
 * Reads the body with two caps: bytes arriving and bytes that decompression produces. Either one stops the
 * download at once (the socket is destroyed), so a never-ending body or a gzip bomb costs at most the cap.
 *
 * The first failure settles the read by itself: a stage that fails (a cap, a corrupt gzip stream) or the
 * fetch's deadline or cancellation (`signal`) destroys the response and answers, without waiting for
 * pipeline() to report. On Node 22 its promise did not always settle after a failure once the whole body and
 * the end of the connection had arrived (Node 22's larger stream buffers make that the usual case for the
 * e2e gzip bomb):
 * - pipeline() ends a response only by aborting its request, which does nothing once the request is
 *   destroyed: the response stayed paused with bytes buffered, so pipeline waited for it;
 * - destroying the response on failure as well closed every stream (response, counter and gunzip), and yet
 *   its promise stayed pending.
 * Both left the tool call unanswered, and the deadline could not end it. `read-body.test.ts` builds the
 * first state directly; the second showed in every run of the fetch suite under Node 22 (its gzip bomb test).
 * Exported for that test.
 */
export async function readBody(res: IncomingMessage, maxBytes: number, url: URL, signal?: AbortSignal): Promise<{ body: Buffer; wireBytes: number }> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(url, maxBytes, `it declares ${formatBytes(declared)}`);
  }
  let decoders: Transform[];
  try {
    decoders = decodersFor(res.headers['content-encoding'], url);
  } catch (error) {
    res.destroy();
    throw error;
  }
  let wireBytes = 0;
  let decodedBytes = 0;
  // Kept aside: when the sink throws, pipeline may report the teardown (an AbortError) instead of the cause.
  let limitError: FetchError | undefined;
  const chunks: Buffer[] = [];
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  const stop = (error: unknown) => {
    res.destroy();
    chunks.length = 0;
    fail(error);
  };
  const wireCounter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) callback((limitError = tooLarge(url, maxBytes, 'more bytes kept arriving')));
      else callback(null, chunk);
    },
  });
  const sink = async (source: AsyncIterable<Buffer>) => {
    try {
      for await (const chunk of source) {
        decodedBytes += chunk.length;
        if (decodedBytes > maxBytes) {
          limitError = tooLarge(url, maxBytes, decoders.length > 0 ? `it decompresses to more than that after ${formatBytes(wireBytes)} arrived` : 'more bytes kept arriving');
          throw limitError;
        }
        chunks.push(chunk);
      }
    } catch (error) {
      // Every stage's failure reaches the sink: pipeline destroys the stages after the failing one with its
      // error, and the sink's iterator throws it.
      stop(error);
      throw error;
    }
  };
  const onAbort = () => stop(signal?.reason ?? new Error('aborted'));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const piping = (pipeline as (...streams: unknown[]) => Promise<void>)(res, wireCounter, ...decoders, sink);
  // After a failure its outcome is not needed, and it may never come.
  piping.catch(() => {});
  try {
    await Promise.race([piping, failed]);
  } catch (error) {
    res.destroy();
    if (limitError) throw limitError;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR_FORMAT_PADDING_1') {
      throw new FetchError('bad_encoding', `${url.host} sent a body that does not decompress as its Content-Encoding says (${code}).`, { hint: 'try again, or another URL.', cause: error });
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { body: Buffer.concat(chunks), wireBytes };
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Turns whatever went wrong into a FetchError a model can act on. */
function explain(error: unknown, url: URL, options: GuardedFetchOptions, deadline: AbortSignal): FetchError {
  if (options.signal?.aborted) return new FetchError('cancelled', `the fetch of ${url.href} was cancelled.`, { cause: error });
  if (deadline.aborted) {
    return new FetchError('timeout', `fetching ${url.href} took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`, {
      hint: 'the site is slow or the page is very large; try again later or fetch a smaller page.',
      cause: error,
    });
  }
  if (error instanceof FetchError) return error;
  const e = error as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const host = url.host;
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e?.message ?? '')) {
    return new FetchError('tls_failed', `the TLS connection to ${host} failed: ${e.message} (${code || 'TLS error'}).`, {
      hint: 'the site\'s certificate is not trusted or does not match its name; use another URL (plain http:// if the site offers it).',
      cause: error,
    });
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    EPIPE: 'the connection was closed',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    EADDRNOTAVAIL: 'the address is not available',
    HPE_INVALID_CONSTANT: 'the server did not answer with valid HTTP',
    HPE_HEADER_OVERFLOW: 'the response headers are too large',
    ERR_INVALID_PROTOCOL: 'the protocol is not supported',
  };
  const reason = reasons[code] ?? (code.startsWith('HPE_') ? 'the server sent a malformed HTTP response' : `${e?.message ?? String(error)}`);
  const viaProxy = options.proxy ? ' (through the proxy)' : '';
  return new FetchError('connect_failed', `fetching ${url.href} failed${viaProxy}: ${reason}${code && !reason.includes(code) ? ` (${code})` : ''}.`, {
    hint: 'the site may be down; try again later or another URL.',
    cause: error,
  });
}
