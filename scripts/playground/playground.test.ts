/** `pnpm start`: the playground serves every local server over HTTP with one token, and stops them all. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectHttp, textOf } from '@portico/protocol/testing';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { describePlayground, repoRoot, startPlayground } from './playground.mjs';

interface RunningServer {
  name: string;
  url: string;
  pid: number;
}
interface Playground {
  token: string;
  servers: RunningServer[];
  skipped: { name: string; reason: string }[];
  children: import('node:child_process').ChildProcess[];
  databaseUrl: string;
  embeddedPostgres: boolean;
  stop(): Promise<void>;
}

const baseDir = mkdtempSync(join(tmpdir(), 'portico-playground-test-'));
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

/** One harmless read per server, with what its answer must show about the demo data. */
const readCalls: Record<string, { tool: string; args: Record<string, unknown>; expect: RegExp; isError?: boolean }> = {
  filesystem: { tool: 'list_directory', args: { path: join(baseDir, 'workspace') }, expect: /README\.md/ },
  sqlite: { tool: 'read_query', args: { query: 'SELECT name FROM products ORDER BY id' }, expect: /coffee[\s\S]*tea[\s\S]*cocoa/ },
  git: { tool: 'git_log', args: { repo_path: join(baseDir, 'repo') }, expect: /Add hello\.txt/ },
  postgres: { tool: 'query', args: { sql: 'SELECT name FROM customers ORDER BY id' }, expect: /Ada[\s\S]*Grace[\s\S]*Linus/ },
  // The only URL a test may fetch is loopback, which fetch refuses by design: a real call with a known answer.
  fetch: { tool: 'fetch', args: { url: 'http://127.0.0.1:9/' }, expect: /127\.0\.0\.1|private|loopback|not allowed|refused/i, isError: true },
};

describe('playground', () => {
  it('serves the local servers over HTTP with one token, then stops every child', async () => {
    // Tokens are left out of the environment, so github and slack must be listed as skipped.
    const env = { ...process.env };
    for (const name of ['GITHUB_PERSONAL_ACCESS_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_TEAM_ID', 'DATABASE_URL']) delete env[name];
    const playground: Playground = await startPlayground({ baseDir, ports: 'auto', env });
    try {
      const expected = ['sqlite', 'git', 'fetch', 'postgres'];
      if (existsSync(join(repoRoot, 'servers', 'filesystem', 'dist', 'cli.js'))) expected.push('filesystem');
      expect(playground.servers.map((s) => s.name).sort()).toEqual(expected.sort());
      expect(playground.skipped.map((s) => s.name).sort()).toEqual(['github', 'slack']);
      expect(playground.skipped.find((s) => s.name === 'github')!.reason).toContain('GITHUB_PERSONAL_ACCESS_TOKEN');
      expect(playground.skipped.find((s) => s.name === 'slack')!.reason).toContain('SLACK_BOT_TOKEN');

      const printed = describePlayground(playground) as string;
      for (const server of playground.servers) {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
        expect(printed).toContain(server.url);
        expect(printed).toContain(`@portico/server-${server.name}`);
        // A request without the token is refused: the one generated token really guards every server.
        const anonymous = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(anonymous.status).toBe(401);

        const client = await connectHttp({ url: server.url, token: playground.token });
        try {
          const tools = await client.listTools();
          const call = readCalls[server.name]!;
          expect(tools.map((t) => t.name)).toContain(call.tool);
          const result = await client.callTool(call.tool, call.args);
          expect(Boolean(result.isError), `${server.name} ${call.tool}: ${textOf(result)}`).toBe(Boolean(call.isError));
          expect(textOf(result)).toMatch(call.expect);
        } finally {
          await client.close();
        }
      }
      expect(printed).toContain('npx @modelcontextprotocol/inspector --cli');
      expect(printed).toContain(`Bearer ${playground.token}`);
    } finally {
      await playground.stop();
    }
    for (const child of playground.children) {
      expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
      // Exit 0 on SIGTERM is the contract; no child needed SIGKILL.
      expect(child.exitCode).toBe(0);
    }
    // The embedded PostgreSQL it started is gone too: its port refuses connections.
    expect(playground.embeddedPostgres).toBe(true);
    expect(await accepts(Number(new URL(playground.databaseUrl).port))).toBe(false);
  }, 90_000);
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
