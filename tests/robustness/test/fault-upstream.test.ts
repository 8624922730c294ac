/**
 * Issue 12, faults: the GitHub and Slack upstreams (their loopback fakes, behind a fault-injecting loopback
 * proxy) drop the connection, answer 500, or answer 429 with a long Retry-After. Each time the built bin
 * answers an isError result that names the problem (not an internal fault), and the very next call after
 * the upstream is healthy again succeeds. Writes acknowledged before the faults are still there after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, textOf, type StdioTestClient } from '@portico/protocol/testing';
import { startFakeGitHub, type FakeGitHub } from '../../../servers/github/src/testing/fake-github.js';
import { GENERAL, startFakeSlack, type FakeSlack } from '../../../servers/slack/src/testing/fake-slack.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../src/fault-proxy.js';
import { binOf, GITHUB_TOKEN, SLACK_TOKEN } from '../src/targets.js';

const INTERNAL_FAULT = /Internal error in/;

interface Scenario {
  label: string;
  fault: Fault;
  /** What the error text must name. */
  names: RegExp;
}

const scenarios = (rateLimitBody: string): Scenario[] => [
  { label: 'connection dropped', fault: { kind: 'drop' }, names: /connect|reach|network|socket|closed|reset|unavailable|request failed/i },
  { label: 'HTTP 500', fault: { kind: 'status', status: 500 }, names: /500|server error|unavailable|failed/i },
  {
    label: '429 with a long Retry-After',
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }, body: rateLimitBody },
    names: /rate.?limit|429|too many|retry/i,
  },
];

describe('GitHub upstream faults', () => {
  let fake: FakeGitHub;
  let proxy: FaultProxy;
  let c: StdioTestClient;
  beforeAll(async () => {
    fake = await startFakeGitHub({ token: GITHUB_TOKEN });
    proxy = await startFaultProxy(fake.url);
    // Rate limits longer than 2 s are reported, not waited out, so the 429 case ends promptly.
    c = await connectStdio({ bin: binOf('github'), env: { GITHUB_PERSONAL_ACCESS_TOKEN: GITHUB_TOKEN, GITHUB_API_URL: proxy.url, GITHUB_MAX_RATE_LIMIT_WAIT: '2' } });
  });
  afterAll(async () => {
    await c?.close();
    await proxy?.close();
    await fake?.close();
    expect(c.stderr()).not.toContain(GITHUB_TOKEN);
  });

  it('an issue created before the faults is still there after them', async () => {
    const created = await c.callTool('create_issue', { owner: 'acme', repo: 'widgets', title: 'acknowledged before faults', body: 'keep me' });
    expect(created.isError).toBeFalsy();
    const number = (created.structuredContent as { number: number }).number;
    for (const s of scenarios(JSON.stringify({ message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest/rate-limit' }))) {
      proxy.inject(s.fault);
      const failed = await c.callTool('get_issue', { owner: 'acme', repo: 'widgets', issue_number: number });
      const text = textOf(failed);
      console.info(`[fault upstream] ${s.label}: ${text.split('\n')[0]!.slice(0, 200)}`);
      expect(failed.isError, `${s.label}: ${text}`).toBe(true);
      expect(text, s.label).not.toMatch(INTERNAL_FAULT);
      expect(text, s.label).toMatch(s.names);
      proxy.inject({ kind: 'pass' });
      const recovered = await c.callTool('get_issue', { owner: 'acme', repo: 'widgets', issue_number: number });
      expect(recovered.isError, `${s.label}, after recovery: ${textOf(recovered)}`).toBeFalsy();
      expect(textOf(recovered)).toContain('acknowledged before faults');
    }
    expect(proxy.faulted).toBeGreaterThanOrEqual(3);
  });
});

describe('Slack upstream faults', () => {
  let fake: FakeSlack;
  let proxy: FaultProxy;
  let c: StdioTestClient;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: SLACK_TOKEN });
    proxy = await startFaultProxy(fake.apiUrl);
    c = await connectStdio({ bin: binOf('slack'), env: { SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_TEAM_ID: 'T0TEAM', SLACK_API_URL: proxy.url, SLACK_MAX_RETRY_WAIT: '2' } });
  });
  afterAll(async () => {
    await c?.close();
    await proxy?.close();
    await fake?.close();
    expect(c.stderr()).not.toContain(SLACK_TOKEN);
  });

  it('a message posted before the faults is still there after them', async () => {
    const posted = await c.callTool('slack_post_message', { channel_id: GENERAL, text: 'acknowledged before faults' });
    expect(posted.isError, textOf(posted)).toBeFalsy();
    for (const s of scenarios(JSON.stringify({ ok: false, error: 'ratelimited' }))) {
      proxy.inject(s.fault);
      const failed = await c.callTool('slack_get_channel_history', { channel_id: GENERAL, limit: 5 });
      const text = textOf(failed);
      console.info(`[fault upstream] ${s.label}: ${text.split('\n')[0]!.slice(0, 200)}`);
      expect(failed.isError, `${s.label}: ${text}`).toBe(true);
      expect(text, s.label).not.toMatch(INTERNAL_FAULT);
      expect(text, s.label).toMatch(s.names);
      proxy.inject({ kind: 'pass' });
      const recovered = await c.callTool('slack_get_channel_history', { channel_id: GENERAL, limit: 5 });
      expect(recovered.isError, `${s.label}, after recovery: ${textOf(recovered)}`).toBeFalsy();
      expect(textOf(recovered)).toContain('acknowledged before faults');
    }
    expect(fake.messages(GENERAL).filter((m) => m.text === 'acknowledged before faults')).toHaveLength(1);
  });
});
