/**
 * Test harness: a fake Slack on loopback, the server's real config parsing and deps (the real
 * @slack/web-api client), and a real MCP client in memory. Every result and log line is kept so a test can
 * assert that the canary tokens never appear anywhere.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { createLogger } from '@portico/protocol';
import { connectInMemory, textOf, type ClientSetup, type InMemoryOptions, type TestClient } from '@portico/protocol/testing';
import { config } from '../config.js';
import { createDeps, type SlackDeps, type SlackDepsOverrides } from '../deps.js';
import { server } from '../server.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';

export const CANARY_BOT_TOKEN = 'xoxb-canary-7f3a9c1e5b2d-BOT';
export const CANARY_USER_TOKEN = 'xoxp-canary-4e8b2f6a0c1d-USER';

export interface HarnessOptions {
  channelIds?: string;
  postChannelIds?: string;
  userToken?: boolean;
  readOnly?: boolean;
  /** Team the fake's auth.test reports (default the configured one). */
  fakeTeamId?: string;
  /** Token the server is configured with (default the canary the fake expects). */
  botToken?: string;
  maxRetryWait?: string;
  extraUsers?: number;
  /** Answers confirmations (the client then declares elicitation); omitted: a client without it. */
  onElicit?: ClientSetup['onElicit'];
  /** Confirmation, rate-limit and audit settings (default: confirm destructive tools). */
  governance?: InMemoryOptions<SlackDeps>['governance'];
  /** Retry and time-limit settings (default: no retries, 5 s per request). */
  api?: SlackDepsOverrides;
}

export interface Harness {
  fake: FakeSlack;
  client: TestClient;
  deps: SlackDeps;
  logLines: string[];
  results: CallToolResult[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult & { text: string }>;
  /** Everything the server produced: results and log lines, for canary assertions. */
  everything(): string;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeSlack({
    botToken: CANARY_BOT_TOKEN,
    ...(options.userToken ? { userToken: CANARY_USER_TOKEN } : {}),
    ...(options.fakeTeamId ? { teamId: options.fakeTeamId } : {}),
    ...(options.extraUsers ? { extraUsers: options.extraUsers } : {}),
  });
  const logLines: string[] = [];
  const log = createLogger({ name: 'portico-slack', level: 'debug', write: (line) => logLines.push(line) });
  const parsed = await config.parse({
    values: {
      'channel-ids': options.channelIds,
      'post-channel-ids': options.postChannelIds,
      'api-url': fake.apiUrl,
      'max-retry-wait': options.maxRetryWait ?? '2',
    },
    positionals: [],
    env: {
      SLACK_BOT_TOKEN: options.botToken ?? CANARY_BOT_TOKEN,
      SLACK_TEAM_ID: 'T0TEAM',
      ...(options.userToken ? { SLACK_USER_TOKEN: CANARY_USER_TOKEN } : {}),
    },
  });
  // No retries of network faults unless a test asks; rate-limit waits stay real (Retry-After of 1 s) but few.
  const deps = createDeps(parsed, { log }, { retries: 0, retryBackoffMs: 10, maxRateLimitRetries: 2, timeoutMs: 5_000, ...options.api });
  const client = await connectInMemory(server, {
    deps,
    log,
    selection: { readOnly: options.readOnly ?? false },
    ...(options.onElicit ? { onElicit: options.onElicit } : {}),
    ...(options.governance ? { governance: options.governance } : {}),
  });
  const results: CallToolResult[] = [];
  return {
    fake,
    client,
    deps,
    logLines,
    results,
    async call(name, args = {}) {
      const result = await client.callTool(name, args);
      results.push(result);
      return Object.assign(result, { text: textOf(result) });
    },
    everything: () => JSON.stringify(results) + logLines.join(''),
    async close() {
      await client.close();
      await fake.close();
    },
  };
}
