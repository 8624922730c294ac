/**
 * --audit-log on every server: each of the seven bins, started as the load and soak runs start them (real
 * fixtures, loopback fakes, canary credentials), writes one JSON line per tool call that a test can read back,
 * with no canary secret and no result in it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectHttp, textOf } from '@portico/protocol/testing';
import { CANARY_VALUES } from '@portico/test-utils';
import { SERVER_NAMES, startServer } from './servers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'portico-audit-all-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface AuditLine {
  server: string;
  transport: string;
  session: string;
  tool: string;
  arguments: unknown;
  outcome: string;
  duration_ms: number;
}

describe('audit log on every server', () => {
  it.each(SERVER_NAMES as string[])('%s: one line per call, read back, no secrets and no results', async (name) => {
    const auditPath = join(dir, `${name}.jsonl`);
    const server = await startServer(name, { captureDir: join(dir, 'capture'), extraArgs: ['--audit-log', auditPath] });
    const results: string[] = [];
    try {
      const client = await connectHttp({ url: server.url, token: server.token });
      for (let i = 0; i < 2; i++) {
        const result = await client.callTool(server.call.name, server.call.arguments);
        expect(result.isError, textOf(result)).toBeFalsy();
        results.push(JSON.stringify(result.structuredContent ?? textOf(result)));
      }
      // A call that never reaches a handler (unknown tool) is refused and leaves no line.
      const refused = await client.callTool('no_such_tool_here', {}).then(
        (r) => (r.isError ? textOf(r) : 'answered'),
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/no_such_tool_here/);
      await client.close();
    } finally {
      await server.stop();
    }
    const raw = readFileSync(auditPath, 'utf8');
    const lines = raw.trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
    expect(lines.map((l) => [l.server, l.tool, l.outcome])).toEqual([
      [`portico-${name}`, server.call.name, 'ok'],
      [`portico-${name}`, server.call.name, 'ok'],
    ]);
    for (const line of lines) {
      expect(line.transport).toBe('http');
      expect(line.session).toMatch(/^[\w-]{8,}$/);
      expect(line.duration_ms).toBeGreaterThanOrEqual(0);
    }
    for (const canary of CANARY_VALUES) expect(raw).not.toContain(canary);
    // A result is never logged: the log is smaller than one result, and does not contain it.
    for (const result of results) if (result.length > 40) expect(raw).not.toContain(result);
  }, 120_000);
});
