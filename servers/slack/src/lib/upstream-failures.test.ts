/**
 * When Slack (or something in front of it) fails or hangs: writes are sent once and reported as "may have
 * happened", reads are retried but never after a timeout, every tool call stays within its time budget, and
 * 429s without Retry-After, HTTP 401/403 and non-JSON bodies are explained for what they are. Time limits
 * are shrunk to milliseconds; no assertion depends on how long anything took.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GENERAL, startFakeSlack, TEAM_ID } from '../testing/fake-slack.js';
import { CANARY_BOT_TOKEN, startHarness, type Harness } from '../testing/harness.js';
import { startDeadline } from '@portico/protocol';
import { explainSlackError } from './explain.js';
import { isReadMethod, SlackApi, SlackApiError } from './slack-api.js';

describe('isReadMethod', () => {
  it('decides from the method: reads may be repeated, everything else is a write', () => {
    for (const m of ['conversations.history', 'conversations.replies', 'conversations.info', 'conversations.list', 'users.info', 'users.list', 'users.profile.get', 'users.lookupByEmail', 'search.messages', 'chat.getPermalink', 'auth.test']) {
      expect(isReadMethod(m), m).toBe(true);
    }
    for (const m of ['chat.postMessage', 'chat.update', 'chat.delete', 'chat.scheduleMessage', 'reactions.add', 'conversations.join', 'conversations.invite', 'users.profile.set', 'some.newMethod']) {
      expect(isReadMethod(m), m).toBe(false);
    }
  });
});

describe('writes are never repeated when their outcome is unknown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ api: { retries: 2, retryBackoffMs: 1, timeoutMs: 300 } });
    await h.call('slack_get_users', { limit: 1 });
  });
  afterAll(async () => {
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    await h.close();
  });
  const posted = (text: string) => h.fake.messages(GENERAL).filter((m) => m.text === text).length;

  it('slack_post_message answered 503 after Slack posted: sent once, "may have happened", how to check', async () => {
    h.fake.answerNext('chat.postMessage', { status: 503, body: 'upstream', handle: true }, 3);
    const before = h.fake.callsTo('chat.postMessage').length;
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'deploy done' });
    expect(r.isError).toBe(true);
    expect(h.fake.callsTo('chat.postMessage').length - before).toBe(1);
    expect(posted('deploy done')).toBe(1);
    expect(r.text).toMatch(/answer to chat\.postMessage in C0GENERAL was lost \(HTTP 503\).*MAY have happened.*not sent again/);
    expect(r.text).toMatch(/Try: check first \(read the channel with slack_get_channel_history/);
    expect(r.text).not.toMatch(/retry in a moment/);
    h.fake.answerNext('chat.postMessage', {}, 0);
  });

  it('slack_post_message without an answer in time: sent once, not retried, "may have happened"', async () => {
    h.fake.answerNext('chat.postMessage', { hang: true, handle: true }, 3);
    const before = h.fake.callsTo('chat.postMessage').length;
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'slow post' });
    expect(r.isError).toBe(true);
    expect(h.fake.callsTo('chat.postMessage').length - before).toBe(1);
    expect(posted('slow post')).toBe(1);
    expect(r.text).toMatch(/was lost \(no answer within 300 ms\).*MAY have happened/);
    h.fake.answerNext('chat.postMessage', {}, 0);
  });

  it('reactions are writes too: a 502 on reactions.add is sent once', async () => {
    h.fake.answerNext('reactions.add', { status: 502, body: 'bad gateway' }, 3);
    const r = await h.call('slack_add_reaction', { channel_id: GENERAL, timestamp: '1700000001.000100', reaction: 'tada' });
    expect(r.isError).toBe(true);
    expect(h.fake.callsTo('reactions.add')).toHaveLength(1);
    expect(r.text).toMatch(/MAY have happened.*look at its reactions/s);
    h.fake.answerNext('reactions.add', {}, 0);
  });

  it('a read answered 503 is retried (reading twice changes nothing)', async () => {
    h.fake.answerNext('conversations.history', { status: 503, body: 'upstream' }, 1);
    const before = h.fake.callsTo('conversations.history').length;
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 1 });
    expect(r.isError).toBeFalsy();
    expect(h.fake.callsTo('conversations.history').length - before).toBe(2);
  });

  it('a read without an answer in time is not retried, and says so', async () => {
    h.fake.answerNext('conversations.history', { hang: true }, 1);
    const before = h.fake.callsTo('conversations.history').length;
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 1 });
    expect(r.isError).toBe(true);
    expect(h.fake.callsTo('conversations.history').length - before).toBe(1);
    expect(r.text).toMatch(/Slack did not answer conversations\.history within 300 ms/);
  });
});

describe('answers that are not Slack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ api: { retries: 2, retryBackoffMs: 1 } });
    await h.call('slack_get_users', { limit: 1 });
  });
  afterAll(async () => {
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    await h.close();
  });
  const historyCalls = () => h.fake.callsTo('conversations.history').length;

  it('a 429 without Retry-After is a rate limit (no wait given), not an internal error', async () => {
    h.fake.answerNext('conversations.history', { status: 429, body: { ok: false, error: 'ratelimited' } }, 1);
    const before = historyCalls();
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/Slack is rate-limiting conversations\.history \(ratelimited\)/);
    expect(r.text).toMatch(/wait a minute/);
    expect(r.text).not.toMatch(/internal error/i);
    expect(historyCalls() - before).toBe(1);
  });

  it('HTTP 401/403 is a token or proxy problem, not retried', async () => {
    for (const status of [401, 403]) {
      h.fake.answerNext('conversations.history', { status, body: 'unauthorized' }, 3);
      const before = historyCalls();
      const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
      expect(r.isError).toBe(true);
      expect(historyCalls() - before).toBe(1);
      expect(r.text).toMatch(new RegExp(`HTTP ${status}: a token or proxy problem`));
      expect(r.text).toMatch(/check SLACK_API_URL, any HTTP proxy in between, and SLACK_BOT_TOKEN; retrying will not help/);
      h.fake.answerNext('conversations.history', {}, 0);
    }
  });

  it("a proxy's HTML page is reported as not Slack's API, without echoing it", async () => {
    h.fake.answerNext('conversations.history', { status: 200, body: '<html>proxy login</html>' }, 1);
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/the answer to conversations\.history was not Slack's API.*proxy/);
    expect(r.text).not.toContain('<html>');
  });

  it('the same on a write adds that it is not known whether Slack received it', async () => {
    h.fake.answerNext('chat.postMessage', { status: 200, body: '<html>proxy login</html>' }, 1);
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'behind a proxy' });
    expect(r.isError).toBe(true);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(r.text).toMatch(/not known whether Slack received the request/);
    expect(r.text).toMatch(/slack_get_channel_history/);
  });
});

describe('a write that never left this machine', () => {
  it('a refused connection says Slack could not be reached, not "may have happened"', async () => {
    // A port nothing listens on any more, reached over a fresh connection (a kept-alive socket to a server
    // that just closed would fail after sending, which rightly counts as "may have happened").
    const gone = await startFakeSlack({ botToken: CANARY_BOT_TOKEN });
    await gone.close();
    const api = new SlackApi({ botToken: CANARY_BOT_TOKEN, teamId: TEAM_ID, apiUrl: gone.apiUrl, maxRetryWaitSeconds: 1, retries: 1, retryBackoffMs: 1, log: { debug() {}, info() {}, warn() {}, error() {} } });
    // rawCall: the write itself, without the auth.test that would fail first against a closed port.
    const rawCall = (api as unknown as { rawCall(method: string, args: Record<string, unknown>, kind: 'bot'): Promise<unknown> }).rawCall.bind(api);
    const error = await rawCall('chat.postMessage', { channel: GENERAL, text: 'x' }, 'bot').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackApiError);
    const explained = explainSlackError(error as SlackApiError, { channel: GENERAL });
    expect(explained.code).toBe('unreachable');
    expect(explained.message).toMatch(/could not be reached for chat\.postMessage/);
  });
});

describe('the time budget of one tool call', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    if (h) {
      expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
      await h.close();
    }
    h = undefined;
  });

  it('stops a call at its budget even when one request may take longer', async () => {
    h = await startHarness({ api: { timeoutMs: 60_000, callTimeoutMs: 300 } });
    await h.call('slack_get_users', { limit: 1 });
    h.fake.answerNext('conversations.history', { hang: true }, 1);
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/Slack did not answer conversations\.history within 300 ms/);
  });

  it('does not start a retry back-off that would overrun the budget', async () => {
    h = await startHarness({ api: { retries: 2, retryBackoffMs: 5_000, callTimeoutMs: 1_000 } });
    await h.call('slack_get_users', { limit: 1 });
    h.fake.answerNext('conversations.history', { status: 503, body: 'upstream' }, 1);
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/Slack answered conversations\.history with HTTP 503/);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
  });

  it('a write whose call is already out of time is not sent, and says nothing was done', async () => {
    h = await startHarness();
    await h.call('slack_get_users', { limit: 1 });
    const signal = startDeadline(undefined, 1).signal;
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    const error = await h.deps.api.call('chat.postMessage', { channel: GENERAL, text: 'late' }, { signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackApiError);
    expect(explainSlackError(error as SlackApiError).message).toMatch(/ran out of its 1 ms budget before chat\.postMessage was sent to Slack, so nothing was done/);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('reports a Retry-After that would overrun the budget instead of waiting', async () => {
    h = await startHarness({ maxRetryWait: '30', api: { callTimeoutMs: 2_000 } });
    await h.call('slack_get_users', { limit: 1 });
    h.fake.rateLimit('conversations.history', 5, 1);
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/asks to wait 5 seconds/);
    expect(h.fake.callsTo('conversations.history')).toHaveLength(1);
  });
});
