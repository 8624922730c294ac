/**
 * The Streamable HTTP entry at /mcp, on node:http:
 * - 2025-11-25 clients get sessions (Mcp-Session-Id), so server-to-client requests such as roots/list work;
 * - 2026-07-28 clients are served statelessly, one server instance per request;
 * - /healthz answers without auth; everything on /mcp needs the bearer token and a loopback (or allowed)
 *   Host and Origin; bodies are size-limited; idle sessions are reaped; close() ends everything.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as NodeHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, isLegacyRequest, type McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import type { Logger } from '../logger.js';
import { bearerMatches, checkHostAndOrigin, createOriginPolicy } from './guards.js';

export interface HttpEntryOptions {
  /** Bin name, e.g. `portico-sqlite`, used in the listening line and the WWW-Authenticate realm. */
  bin: string;
  version: string;
  host: string;
  port: number;
  token: string;
  allowedOrigins: string[];
  sessionIdleMs: number;
  maxBodyBytes: number;
  /** Most concurrent 2025-11-25 sessions; past it new sessions get 503. */
  maxSessions?: number;
  log: Logger;
  createServer(era: 'legacy' | 'modern'): McpServer;
}

export interface HttpEntry {
  url: string;
  port: number;
  /** Open 2025-11-25 sessions (for tests and the leak checks). */
  sessionCount(): number;
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

const MCP_HEADERS = 'authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id';

export async function startHttpEntry(options: HttpEntryOptions): Promise<HttpEntry> {
  const { log } = options;
  const policy = createOriginPolicy(options.host, options.allowedOrigins);
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 1000;

  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  };

  const modern = createMcpHandler(() => options.createServer('modern'), {
    legacy: 'reject',
    maxRequestBodySize: options.maxBodyBytes,
    onerror: (error) => log.debug(`modern HTTP exchange: ${error.message}`),
  });

  const serveLegacy = async (request: Request, parsedBody: unknown): Promise<Response> => {
    const bodyOptions = parsedBody === undefined ? undefined : { parsedBody };
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(404, -32001, 'Session not found (it may have expired): start a new session with initialize.');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(request, bodyOptions);
    }
    if (request.method !== 'POST') {
      return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required for GET and DELETE.');
    }
    if (sessions.size >= maxSessions) {
      return jsonRpcError(503, -32000, `Too many open sessions (${maxSessions}); close idle sessions with DELETE /mcp or retry later.`);
    }
    const server = options.createServer('legacy');
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now() });
        log.debug(`session ${id.slice(0, 8)} opened (${sessions.size} open)`);
      },
      onsessionclosed: (id) => {
        void closeSession(id);
        log.debug(`session ${id.slice(0, 8)} closed by the client`);
      },
    });
    await server.connect(transport);
    const response = await transport.handleRequest(request, bodyOptions);
    if (!transport.sessionId) {
      // Not an initialize (or a failed one): nothing to keep.
      setImmediate(() => {
        void transport.close().catch(() => {});
        void server.close().catch(() => {});
      });
    }
    return response;
  };

  // The body is read and parsed once here and handed on as parsedBody. Left to the SDK, isLegacyRequest reads
  // a clone of it and the transport reads it again: two web-stream tees and JSON parses per call, about a
  // tenth of the server's CPU per cheap call. (Its size was already bounded when the Request was built.)
  const route = async (incoming: Request): Promise<Response> => {
    let request = incoming;
    let parsedBody: unknown;
    if (request.method === 'POST') {
      const text = await request.text();
      try {
        parsedBody = text.length === 0 ? undefined : JSON.parse(text);
      } catch {
        parsedBody = undefined;
      }
      // No JSON body: rebuild the request so the SDK reads and answers it exactly as before.
      if (parsedBody === undefined) request = new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: text, signal: incoming.signal });
    }
    const legacy = await isLegacyRequest(request, parsedBody, { maxRequestBodySize: options.maxBodyBytes });
    if (legacy) return serveLegacy(request, parsedBody);
    return parsedBody === undefined ? modern.fetch(request) : modern.fetch(request, { parsedBody });
  };
  const mcpNodeHandler = toNodeHandler(
    { fetch: route },
    { maxRequestBodySize: options.maxBodyBytes, onerror: (error) => log.warn(`HTTP request failed: ${error.message}`) },
  );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
      return sendJson(res, 200, { status: 'ok', server: options.bin, version: options.version });
    }
    if (path !== '/mcp') return sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });

    const verdict = checkHostAndOrigin(req, policy);
    if (!verdict.ok) {
      log.warn(`refused ${req.method} /mcp: ${verdict.message}`);
      return sendJsonRpcError(res, verdict.status, -32000, verdict.message);
    }
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'mcp-session-id, mcp-protocol-version, www-authenticate');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS', 'access-control-allow-headers': MCP_HEADERS, 'access-control-max-age': '600' });
      return void res.end();
    }
    if (!bearerMatches(req.headers.authorization, options.token)) {
      const challenge = req.headers.authorization
        ? `Bearer realm="${options.bin}", error="invalid_token", error_description="The bearer token is not valid for this server"`
        : `Bearer realm="${options.bin}"`;
      return sendJsonRpcError(res, 401, -32001, 'Unauthorized: send Authorization: Bearer <token> with the token this server printed or was configured with.', {
        'www-authenticate': challenge,
      });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxBodyBytes) {
      req.resume();
      return sendJsonRpcError(res, 413, -32600, `Request body too large (limit ${options.maxBodyBytes} bytes).`, { connection: 'close' });
    }
    await mcpNodeHandler(req, res);
  };

  const httpServer: NodeHttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('unexpected HTTP failure', error);
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, 'Internal server error.');
      else res.destroy();
    });
  });
  httpServer.headersTimeout = 30_000;
  httpServer.requestTimeout = 0; // SSE streams are long-lived; idle sessions are reaped below instead.
  // Clients (undici) read the Keep-Alive: timeout hint and close idle sockets before it, so a longer value
  // only keeps descriptors open longer (the soak counts them); it does not remove the idle-socket race.
  httpServer.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${address.port}/mcp`;

  const reaper = setInterval(
    () => {
      const cutoff = Date.now() - options.sessionIdleMs;
      for (const [id, session] of sessions) {
        if (session.lastSeen < cutoff) {
          log.debug(`session ${id.slice(0, 8)} idle; closing`);
          void closeSession(id);
        }
      }
    },
    Math.min(60_000, Math.max(1_000, Math.floor(options.sessionIdleMs / 4))),
  );
  reaper.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    sessionCount: () => sessions.size,
    close: () => {
      closing ??= (async () => {
        clearInterval(reaper);
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await Promise.all([...sessions.keys()].map((id) => closeSession(id)));
        await modern.close().catch(() => {});
        httpServer.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { jsonrpc: '2.0', id: null, error: { code, message } }, headers);
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
