import { describe, expect, it } from 'vitest';
import { ConfigError, secrets } from '@portico/protocol';
import { config } from './config.js';

const parse = async (env: Record<string, string>, values: Record<string, string> = {}) => config.parse({ values, positionals: [], env });
const base = { SLACK_BOT_TOKEN: 'xoxb-config-test-token-1', SLACK_TEAM_ID: 'T0TEAM' };

async function settingOf(promise: unknown): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
  return undefined;
}

describe('config', () => {
  it('names the missing required setting', async () => {
    expect(await settingOf(parse({ SLACK_TEAM_ID: 'T0TEAM' }))).toBe('SLACK_BOT_TOKEN');
    expect(await settingOf(parse({ SLACK_BOT_TOKEN: 'xoxb-config-test-token-2' }))).toBe('SLACK_TEAM_ID');
  });

  it('registers tokens as secrets as soon as they are read, even when parsing then fails', async () => {
    await settingOf(parse({ SLACK_BOT_TOKEN: 'xoxb-config-test-token-3', SLACK_USER_TOKEN: 'xoxp-config-test-token-4' }));
    expect(secrets.redact('a xoxb-config-test-token-3 b xoxp-config-test-token-4')).toBe('a [REDACTED] b [REDACTED]');
  });

  it('defaults to Slack, accepts loopback http, refuses plain http elsewhere', async () => {
    expect((await parse(base)).apiUrl).toBe('https://slack.com/api/');
    expect((await parse(base, { 'api-url': 'http://127.0.0.1:9999/api' })).apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(await settingOf(parse(base, { 'api-url': 'http://slack.example.com/api/' }))).toBe('SLACK_API_URL');
    expect(await settingOf(parse(base, { 'api-url': 'https://user:pw@slack.com/api/' }))).toBe('SLACK_API_URL');
  });

  it('parses channel lists and refuses names or a post list wider than the read list', async () => {
    const c = await parse(base, { 'channel-ids': 'C0AAA, C0BBB', 'post-channel-ids': 'C0BBB' });
    expect(c.channelIds).toEqual(['C0AAA', 'C0BBB']);
    expect(c.postChannelIds).toEqual(['C0BBB']);
    expect(await settingOf(parse(base, { 'channel-ids': 'general' }))).toBe('SLACK_CHANNEL_IDS');
    expect(await settingOf(parse(base, { 'channel-ids': 'C0AAA', 'post-channel-ids': 'C0ZZZ' }))).toBe('SLACK_POST_CHANNEL_IDS');
  });
});
