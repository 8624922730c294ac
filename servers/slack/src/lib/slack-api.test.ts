/** The Web API layer: auth.test at first use, Retry-After, unreachable Slack; the canary never leaks. */
import { describe, expect, it } from 'vitest';
import { GENERAL } from '../testing/fake-slack.js';
import { CANARY_BOT_TOKEN, startHarness } from '../testing/harness.js';

describe('rate limits', () => {
  it('honours a short Retry-After: waits, retries once and succeeds', async () => {
    const h = await startHarness();
    h.fake.rateLimit('conversations.history', 1, 1);
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 1 });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { messages: unknown[] }).messages).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(2);
    expect(h.logLines.join('')).toContain('waiting 1s as Retry-After asks');
    await h.close();
  });

  it('reports a Retry-After longer than the configured wait, without waiting or retrying', async () => {
    const h = await startHarness({ maxRetryWait: '5' });
    h.fake.rateLimit('chat.postMessage', 120, 1);
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('wait 120 seconds');
    expect(r.text).toContain('ratelimited');
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
    await h.close();
  });

  it('gives up after a bounded number of rate-limited answers in a row', async () => {
    const h = await startHarness();
    h.fake.rateLimit('users.list', 0, 10);
    const r = await h.call('slack_get_users', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain('rate-limiting');
    // The first attempt plus maxRateLimitRetries (2) retries.
    expect(h.fake.callsTo('users.list')).toHaveLength(3);
    await h.close();
  });
});

describe('tokens checked at first use', () => {
  it('explains a rejected token once and sends nothing else', async () => {
    const wrong = 'xoxb-wrong-token-for-tests-0001';
    const h = await startHarness({ botToken: wrong });
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('SLACK_BOT_TOKEN');
    expect(r.text).toContain('invalid_auth');
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.everything()).not.toContain(wrong);
    await h.close();
  });

  it('explains a revoked token', async () => {
    const h = await startHarness();
    h.fake.failNext('auth.test', { error: 'token_revoked' });
    const r = await h.call('slack_list_channels', {});
    expect(r.text).toContain('token_revoked');
    expect(h.fake.callsTo('conversations.list')).toHaveLength(0);
    // The check is retried on the next call, which now passes.
    expect((await h.call('slack_list_channels', {})).isError).toBeFalsy();
    await h.close();
  });

  it('refuses a token from another workspace than SLACK_TEAM_ID', async () => {
    const h = await startHarness({ fakeTeamId: 'T0OTHER' });
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('T0OTHER');
    expect(r.text).toContain('SLACK_TEAM_ID');
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await h.close();
  });

  it('says Slack is unreachable when it is, without leaking the token', async () => {
    const h = await startHarness();
    await h.fake.close();
    const r = await h.call('slack_list_channels', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain('could not be reached');
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    await h.client.close();
  });
});
