/**
 * A loopback pass-through proxy that adds `Authorization: Bearer <token>` and changes nothing else (Host and
 * Origin included, so the DNS-rebinding scenario still tests the server's own checks). Portico's /mcp
 * requires the token and the conformance suite sends none.
 */
import { createServer, request } from 'node:http';

export async function startTokenProxy(upstreamUrl, token) {
  const upstream = new URL(upstreamUrl);
  const host = upstream.hostname.replace(/^\[|\]$/g, '');
  const port = Number(upstream.port);
  const proxy = createServer((req, res) => {
    const headers = { ...req.headers, authorization: `Bearer ${token}` };
    const out = request({ host, port, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${proxy.address().port}/mcp`,
    close: () =>
      new Promise((r) => {
        proxy.closeAllConnections?.();
        proxy.close(() => r());
      }),
  };
}
