/**
 * Raw POSTs to a server's /mcp with the bearer token: arbitrary bodies, bounded by a timeout, answers parsed
 * from either application/json or a text/event-stream of JSON-RPC messages.
 */
import type { JsonRpcMessage } from './raw-stdio.js';

export interface RawAnswer {
  status: number;
  messages: JsonRpcMessage[];
  body: string;
}

export const HTTP_ANSWER_TIMEOUT_MS = 15_000;

export async function postRaw(url: string, token: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
    signal: AbortSignal.timeout(HTTP_ANSWER_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, messages: parseMessages(text, res.headers.get('content-type') ?? ''), body: text };
}

function parseMessages(text: string, contentType: string): JsonRpcMessage[] {
  const values: unknown[] = [];
  const push = (raw: string) => {
    try {
      const v = JSON.parse(raw) as unknown;
      if (Array.isArray(v)) values.push(...v);
      else values.push(v);
    } catch {
      // Not JSON (e.g. a plain-text 4xx body): no messages.
    }
  };
  if (contentType.includes('text/event-stream')) {
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) push(data);
    }
  } else if (text.trim()) push(text);
  return values.filter((v): v is JsonRpcMessage => typeof v === 'object' && v !== null);
}

/** Opens a 2025-11-25 session with a raw initialize; returns the headers later requests need. */
export async function openSession(url: string, token: string): Promise<Record<string, string>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-http', version: '0.0.0' } } }),
    signal: AbortSignal.timeout(HTTP_ANSWER_TIMEOUT_MS),
  });
  await res.text();
  const session = res.headers.get('mcp-session-id');
  if (!res.ok || !session) throw new Error(`initialize failed: HTTP ${res.status}`);
  const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  await postRaw(url, token, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), headers);
  return headers;
}
