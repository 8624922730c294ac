/** Sends one framing payload to a raw peer (stdio or HTTP) and checks the answers the payload requires. */
import { expectationOf } from './framing-cases.js';
import type { JsonRpcMessage, RawStdioPeer } from './raw-stdio.js';

const ANSWER_TIMEOUT_MS = 15_000;

export interface Needs {
  ids: Map<string | number, number>;
  parseErrors: number;
  oversized: number;
}

export function needsOf(payload: string): Needs {
  const needs: Needs = { ids: new Map(), parseErrors: 0, oversized: 0 };
  for (const line of payload.split('\n')) {
    const e = expectationOf(line);
    if (e.kind === 'parse-error') needs.parseErrors += 1;
    if (e.kind === 'oversized') needs.oversized += 1;
    if (e.kind === 'response') needs.ids.set(e.id, (needs.ids.get(e.id) ?? 0) + 1);
  }
  return needs;
}

/** What is missing from `messages` for `needs` (empty when every required answer is there). */
export function missingAnswers(needs: Needs, messages: JsonRpcMessage[]): string[] {
  const missing: string[] = [];
  for (const [id, count] of needs.ids) {
    const got = messages.filter((m) => m.id === id && ('result' in m || 'error' in m)).length;
    if (got < count) missing.push(`response to id ${JSON.stringify(id).slice(0, 40)} (${got}/${count})`);
  }
  const parseErrors = messages.filter((m) => m.id === null && m.error?.code === -32700).length;
  if (parseErrors < needs.parseErrors) missing.push(`parse error with id null (${parseErrors}/${needs.parseErrors})`);
  const oversized = messages.filter((m) => m.id === null && m.error?.code === -32600).length;
  if (oversized < needs.oversized) missing.push(`invalid request (oversized) with id null (${oversized}/${needs.oversized})`);
  return missing;
}

let sentinelCounter = 0;

/**
 * Writes the payload as one line, then a ping with a fresh sentinel id. Every answer the payload needs must
 * arrive (bounded wait), and the sentinel ping must be answered: the server is alive and still reading.
 */
export async function checkStdioPayload(peer: RawStdioPeer, payload: string): Promise<string[]> {
  const from = peer.messages.length;
  const needs = needsOf(payload);
  const sentinel = `sentinel-${(sentinelCounter += 1)}`;
  peer.write(`${payload}\n`);
  peer.send({ jsonrpc: '2.0', id: sentinel, method: 'ping' });
  await peer.waitFor((m) => m.id === sentinel && 'result' in m, ANSWER_TIMEOUT_MS, from);
  // Answers to requests (not parse errors, which are synchronous) may trail the sentinel: wait, bounded.
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  let missing = missingAnswers(needs, peer.messages.slice(from));
  while (missing.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    missing = missingAnswers(needs, peer.messages.slice(from));
  }
  return missing;
}
