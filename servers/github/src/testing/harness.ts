/**
 * Test harness (excluded from the build): the fake GitHub on loopback, the server's real config parsing and
 * deps (real Octokit with both plugins), and a real MCP client connected in memory. Timing is shrunk so
 * rate-limit waits and write pacing take milliseconds.
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '@portico/protocol';
import { connectInMemory, textOf, type ClientSetup, type InMemoryOptions, type TestClient } from '@portico/protocol/testing';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { config, type GitHubConfig, type GitHubTiming } from '../config.js';
import { createDeps, type GitHubDeps } from '../deps.js';
import { server } from '../server.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

export function canaryToken(): string {
  return `ghp_CANARY${randomBytes(12).toString('hex')}`;
}

export interface Harness {
  fake: FakeGitHub;
  client: TestClient;
  deps: GitHubDeps;
  token: string;
  logs: string[];
  /** Every result seen through call(), for the canary check. */
  results: CallToolResult[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  repositories?: string;
  maxRateLimitWait?: string;
  /** Token the server is configured with (default: the fake's token). */
  serverToken?: string;
  readOnly?: boolean;
  toolsets?: string[];
  /** Answers confirmations (the client then declares elicitation); omitted: a client without it. */
  onElicit?: ClientSetup['onElicit'];
  /** Confirmation, rate-limit and audit settings (default: confirm destructive, the server's own buckets). */
  governance?: InMemoryOptions<GitHubDeps>['governance'];
  /** Timing overrides, e.g. short timeouts for tests of a hung GitHub. */
  timing?: Partial<GitHubTiming>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const token = canaryToken();
  const fake = await startFakeGitHub({ token });
  const env: NodeJS.ProcessEnv = { GITHUB_PERSONAL_ACCESS_TOKEN: options.serverToken ?? token };
  const parsed: GitHubConfig = await config.parse({
    values: { 'api-url': fake.url, repositories: options.repositories, 'max-rate-limit-wait': options.maxRateLimitWait },
    positionals: [],
    env,
  });
  const logs: string[] = [];
  const log = createLogger({ name: 'portico-github', level: 'debug', write: (line) => logs.push(line) });
  const timing: GitHubTiming = { waitUnitMs: 5, minWriteIntervalMs: 0, minSearchIntervalMs: 0, retries: 1, requestTimeoutMs: 10_000, callTimeoutMs: 20_000, ...options.timing };
  const deps = createDeps({ ...parsed, timing }, { log });
  const client = await connectInMemory(server, {
    deps,
    log,
    selection: { readOnly: options.readOnly ?? false, ...(options.toolsets ? { toolsets: options.toolsets } : {}) },
    ...(options.onElicit ? { onElicit: options.onElicit } : {}),
    ...(options.governance ? { governance: options.governance } : {}),
  });
  const results: CallToolResult[] = [];
  return {
    fake,
    client,
    deps,
    token,
    logs,
    results,
    async call(name, args = {}) {
      const result = await client.callTool(name, args);
      results.push(result);
      return result;
    },
    async close() {
      await client.close();
      await deps.close();
      await fake.close();
    },
  };
}

/** Everything a result shows the model, as one string. */
export function everything(result: CallToolResult): string {
  return JSON.stringify(result);
}

export { textOf };

