#!/usr/bin/env node
/**
 * The stdio floor: a bare-Node JSON-lines responder with no SDK, no schema validation and no logging.
 * It answers initialize, tools/list and tools/call with fixed, realistically shaped messages, so that what it
 * costs is what Node itself costs to read a line, parse it, stringify an answer and write it: the least any
 * MCP server written in Node can spend per call. Notifications (no id) get no answer, as in JSON-RPC.
 */
import { createInterface } from 'node:readline';

const TOOL = {
  name: 'list_allowed_directories',
  description: 'Returns the list of directories this server may access.',
  inputSchema: { type: 'object', properties: {} },
};
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    process.stdout.write('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}\n');
    return;
  }
  if (message.id === undefined) return;
  let result;
  switch (message.method) {
    case 'initialize':
      result = { protocolVersion: message.params?.protocolVersion ?? '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'floor-stdio', version: '0.0.0' } };
      break;
    case 'tools/list':
      result = { tools: [TOOL] };
      break;
    case 'tools/call':
      result = { content: [{ type: 'text', text: `Allowed directories:\n${process.cwd()}` }] };
      break;
    case 'ping':
      result = {};
      break;
    default:
      process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } }) + '\n');
      return;
  }
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }) + '\n');
});
