#!/usr/bin/env node
/**
 * The HTTP floor: a raw node:http JSON-RPC responder on loopback, no framework, no SDK, no sessions kept
 * beyond handing out an id. It answers POST /mcp with one JSON body, so its CPU per call is what Node's HTTP
 * stack costs for one small request and response. Prints `floor-http listening on http://127.0.0.1:PORT/mcp`.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let message;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
      return;
    }
    if (message.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const headers = { 'content-type': 'application/json' };
    let result;
    if (message.method === 'initialize') {
      headers['mcp-session-id'] = randomUUID();
      result = { protocolVersion: message.params?.protocolVersion ?? '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'floor-http', version: '0.0.0' } };
    } else if (message.method === 'tools/list') {
      result = { tools: [{ name: 'echo', description: 'Echoes its input.', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } }] };
    } else {
      result = { content: [{ type: 'text', text: `Echo: ${message.params?.arguments?.message ?? ''}` }] };
    }
    res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`floor-http listening on http://127.0.0.1:${server.address().port}/mcp\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
