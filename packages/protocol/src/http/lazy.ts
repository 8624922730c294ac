/**
 * startHttpEntry, loaded on first use. The HTTP entry pulls in @modelcontextprotocol/node, Hono's Node adapter
 * and undici (Request/Response); a stdio server, the common case, never needs them, and importing them costs
 * cold start on every launch by a host.
 */
import type { HttpEntry, HttpEntryOptions } from './server.js';

export async function startHttpEntry(options: HttpEntryOptions): Promise<HttpEntry> {
  const { startHttpEntry: start } = await import('./server.js');
  return start(options);
}
