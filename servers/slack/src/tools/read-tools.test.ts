/** Every read tool against the fake Slack API through the real @slack/web-api client and a real MCP client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, DM_ALICE, GENERAL, NOT_IN, PRIVATE, RANDOM, SECRET } from '../testing/fake-slack.js';
import { CANARY_BOT_TOKEN, CANARY_USER_TOKEN, startHarness, type Harness } from '../testing/harness.js';

describe('read tools, no allow-list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ userToken: true, extraUsers: 7 });
  });
  afterAll(async () => {
    // The canary tokens reached Slack (in the Authorization header) and nowhere else.
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    expect(h.everything()).not.toContain(CANARY_USER_TOKEN);
    expect(h.everything()).not.toContain('[REDACTED]');
    expect(JSON.stringify(h.fake.calls.map((c) => c.params))).not.toContain('canary');
    expect(h.fake.calls.every((c) => c.token !== 'none')).toBe(true);
    await h.close();
  });

  it('checks the token with auth.test before the first real call', async () => {
    const r = await h.call('slack_list_channels', {});
    expect(r.isError).toBeFalsy();
    expect(h.fake.calls[0]!.method).toBe('auth.test');
    expect(h.fake.callsTo('auth.test')).toHaveLength(1);
  });

  it('slack_list_channels pages public channels with next_cursor', async () => {
    const first = await h.call('slack_list_channels', { limit: 2 });
    const s1 = first.structuredContent as { channels: { id: string; kind: string }[]; next_cursor: string | null };
    expect(s1.channels.map((c) => c.id)).toEqual([GENERAL, RANDOM]);
    expect(s1.next_cursor).toBeTruthy();
    expect(first.text).toContain(`cursor="${s1.next_cursor}"`);
    const second = await h.call('slack_list_channels', { limit: 2, cursor: s1.next_cursor });
    const s2 = second.structuredContent as { channels: { id: string }[]; next_cursor: string | null };
    expect(s2.channels.map((c) => c.id)).toEqual([SECRET, NOT_IN]);
    expect(s2.next_cursor).toBeNull();
    const list = h.fake.callsTo('conversations.list').at(-1)!;
    expect(list.params).toMatchObject({ types: 'public_channel', exclude_archived: 'true', team_id: 'T0TEAM' });
  });

  it('slack_list_channels includes private channels and DMs (named after the person) when asked', async () => {
    const r = await h.call('slack_list_channels', { types: ['private_channel', 'im'] });
    const s = r.structuredContent as { channels: { id: string; name: string; kind: string }[] };
    expect(s.channels).toEqual(expect.arrayContaining([expect.objectContaining({ id: PRIVATE, kind: 'private' }), expect.objectContaining({ id: DM_ALICE, kind: 'dm', name: '@alice' })]));
  });

  it('slack_get_channel_history returns compact messages with names resolved, newest first', async () => {
    const r = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 10 });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { messages: { ts: string; text: string; user_name?: string; reply_count?: number; reactions?: unknown[] }[]; has_more: boolean };
    expect(s.messages.map((m) => m.ts)).toEqual(['1700000006.000600', '1700000005.000500', '1700000002.000200', '1700000001.000100']);
    const hello = s.messages.find((m) => m.ts === '1700000001.000100')!;
    expect(hello.text).toBe('hello @bob, see #random');
    expect(hello.user_name).toBe('alice');
    expect(s.messages.find((m) => m.ts === '1700000002.000200')!.reply_count).toBe(2);
    expect(r.text).toContain('alice: hello @bob');
    // Names are cached: a second read does not look the same users up again.
    const lookups = h.fake.callsTo('users.info').length;
    await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 10 });
    expect(h.fake.callsTo('users.info').length).toBe(lookups);
  });

  it('slack_get_channel_history pages with cursor and narrows with oldest/latest', async () => {
    const first = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 2 });
    const s1 = first.structuredContent as { messages: { ts: string }[]; has_more: boolean; next_cursor: string | null };
    expect(s1.messages).toHaveLength(2);
    expect(s1.has_more).toBe(true);
    const second = await h.call('slack_get_channel_history', { channel_id: GENERAL, limit: 2, cursor: s1.next_cursor });
    expect((second.structuredContent as { messages: { ts: string }[] }).messages.map((m) => m.ts)).toEqual(['1700000002.000200', '1700000001.000100']);
    const ranged = await h.call('slack_get_channel_history', { channel_id: GENERAL, oldest: '1700000001.000100', latest: '1700000006.000600' });
    expect((ranged.structuredContent as { messages: { ts: string }[] }).messages.map((m) => m.ts)).toEqual(['1700000005.000500', '1700000002.000200']);
    expect(h.fake.callsTo('conversations.history').at(-1)!.params).toMatchObject({ oldest: '1700000001.000100', latest: '1700000006.000600' });
  });

  it('slack_get_thread_replies returns the parent and replies, oldest first, and pages', async () => {
    const r = await h.call('slack_get_thread_replies', { channel_id: GENERAL, thread_ts: '1700000002.000200' });
    const s = r.structuredContent as { messages: { ts: string; text: string }[] };
    expect(s.messages.map((m) => m.ts)).toEqual(['1700000002.000200', '1700000003.000300', '1700000004.000400']);
    expect(s.messages[2]!.text).toBe('reply two @alice');
    const p1 = await h.call('slack_get_thread_replies', { channel_id: GENERAL, thread_ts: '1700000002.000200', limit: 2 });
    const c = (p1.structuredContent as { next_cursor: string | null }).next_cursor;
    expect(c).toBeTruthy();
    const p2 = await h.call('slack_get_thread_replies', { channel_id: GENERAL, thread_ts: '1700000002.000200', limit: 2, cursor: c });
    expect((p2.structuredContent as { messages: { ts: string }[] }).messages.map((m) => m.ts)).toEqual(['1700000004.000400']);
  });

  it('slack_get_users pages users with cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    for (let i = 0; i < 10; i += 1) {
      const r = await h.call('slack_get_users', { limit: 5, ...(cursor ? { cursor } : {}) });
      const s = r.structuredContent as { users: { id: string; is_bot: boolean }[]; next_cursor: string | null };
      seen.push(...s.users.map((u) => u.id));
      cursor = s.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen).toContain(ALICE);
  });

  it('slack_get_user_profile returns the profile with custom fields', async () => {
    const r = await h.call('slack_get_user_profile', { user_id: ALICE });
    expect(r.structuredContent).toMatchObject({ user_id: ALICE, real_name: 'Alice Adams', title: 'Engineer', email: 'alice@example.com', status: ':rocket: Shipping', fields: [{ label: 'Team', value: 'Platform' }] });
    expect(h.fake.callsTo('users.profile.get').at(-1)!.params).toMatchObject({ user: ALICE, include_labels: 'true' });
    const missing = await h.call('slack_get_user_profile', { user_id: 'U0NOBODY' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('user_not_found');
  });

  it('slack_find_channel finds by name, with or without #', async () => {
    const r = await h.call('slack_find_channel', { name: '#general' });
    expect((r.structuredContent as { matches: { id: string }[] }).matches[0]!.id).toBe(GENERAL);
    const partial = await h.call('slack_find_channel', { name: 'priv' });
    expect((partial.structuredContent as { matches: { id: string }[] }).matches.map((m) => m.id)).toContain(PRIVATE);
    const none = await h.call('slack_find_channel', { name: 'nonexistent' });
    expect(none.isError).toBeFalsy();
    expect(none.text).toContain('No conversation');
  });

  it('slack_find_user finds by email and by name', async () => {
    const byEmail = await h.call('slack_find_user', { query: 'bob@example.com' });
    expect((byEmail.structuredContent as { matches: { id: string }[] }).matches.map((m) => m.id)).toEqual([BOB]);
    const byName = await h.call('slack_find_user', { query: 'Alice Adams' });
    expect((byName.structuredContent as { matches: { id: string }[] }).matches[0]!.id).toBe(ALICE);
    const none = await h.call('slack_find_user', { query: 'nobody@example.com' });
    expect((none.structuredContent as { matches: unknown[] }).matches).toEqual([]);
  });

  it('slack_get_permalink returns the link', async () => {
    const r = await h.call('slack_get_permalink', { channel_id: GENERAL, message_ts: '1700000001.000100' });
    expect(r.structuredContent).toEqual({ channel: GENERAL, message_ts: '1700000001.000100', permalink: 'https://portico-test.slack.com/archives/C0GENERAL/p1700000001000100' });
  });

  it('slack_search_messages searches with the user token and pages', async () => {
    const r = await h.call('slack_search_messages', { query: 'deploy', count: 2 });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { matches: { channel: string; text: string; permalink?: string }[]; total: number; pages: number; hidden_by_allow_list: number };
    expect(s.total).toBe(3);
    expect(s.pages).toBe(2);
    expect(s.matches).toHaveLength(2);
    expect(s.hidden_by_allow_list).toBe(0);
    expect(r.text).toContain('page=2');
    const call = h.fake.callsTo('search.messages').at(-1)!;
    expect(call.token).toBe('user');
    // The user token was checked with its own auth.test first.
    expect(h.fake.calls.filter((c) => c.method === 'auth.test' && c.token === 'user')).toHaveLength(1);
  });
});

describe('read tools, with an allow-list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ channelIds: `${GENERAL},${DM_ALICE},C0GONE`, userToken: true });
  });
  afterAll(async () => {
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    await h.close();
  });

  it('lists only allow-listed conversations, skipping ones Slack does not know', async () => {
    const r = await h.call('slack_list_channels', { limit: 2, types: ['public_channel', 'im'] });
    const s = r.structuredContent as { channels: { id: string; name: string }[]; next_cursor: string | null; allow_list: boolean };
    expect(s.allow_list).toBe(true);
    expect(s.channels.map((c) => c.id)).toEqual([GENERAL, DM_ALICE]);
    expect(s.next_cursor).toBe('offset:2');
    const rest = await h.call('slack_list_channels', { limit: 2, cursor: 'offset:2', types: ['public_channel', 'im'] });
    expect((rest.structuredContent as { channels: unknown[]; next_cursor: string | null }).channels).toEqual([]);
    expect(h.fake.callsTo('conversations.list')).toHaveLength(0);
    const bad = await h.call('slack_list_channels', { cursor: 'offset:99' });
    expect(bad.isError).toBe(true);
  });

  it('keeps to the requested types: an allow-listed DM is not listed or found when only channels are asked for', async () => {
    const publicOnly = await h.call('slack_list_channels', {});
    expect((publicOnly.structuredContent as { channels: { id: string }[] }).channels.map((c) => c.id)).toEqual([GENERAL]);
    const dmsOnly = await h.call('slack_list_channels', { types: ['im'] });
    expect((dmsOnly.structuredContent as { channels: { id: string }[] }).channels.map((c) => c.id)).toEqual([DM_ALICE]);
    const found = await h.call('slack_find_channel', { name: 'alice' });
    expect((found.structuredContent as { matches: unknown[] }).matches).toEqual([]);
    const foundDm = await h.call('slack_find_channel', { name: 'alice', types: ['im'] });
    expect((foundDm.structuredContent as { matches: { id: string }[] }).matches.map((c) => c.id)).toEqual([DM_ALICE]);
  });

  it('refuses reads outside the allow-list without calling Slack', async () => {
    const before = h.fake.calls.length;
    for (const [tool, args] of [
      ['slack_get_channel_history', { channel_id: SECRET }],
      ['slack_get_thread_replies', { channel_id: SECRET, thread_ts: '1700000010.000100' }],
      ['slack_get_permalink', { channel_id: SECRET, message_ts: '1700000010.000100' }],
    ] as const) {
      const r = await h.call(tool, args);
      expect(r.isError, tool).toBe(true);
      expect(r.text).toContain('allow-list');
      expect(r.text).toContain(GENERAL);
    }
    expect(h.fake.calls.slice(before).filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('finds channels only among the allow-listed ones', async () => {
    const r = await h.call('slack_find_channel', { name: 'secret' });
    expect((r.structuredContent as { matches: unknown[] }).matches).toEqual([]);
    const g = await h.call('slack_find_channel', { name: 'general' });
    expect((g.structuredContent as { matches: { id: string }[] }).matches.map((m) => m.id)).toEqual([GENERAL]);
  });

  it('drops search matches outside the allow-list and counts them', async () => {
    const r = await h.call('slack_search_messages', { query: 'deploy' });
    const s = r.structuredContent as { matches: { channel: string }[]; hidden_by_allow_list: number };
    expect(s.matches.map((m) => m.channel)).toEqual([GENERAL]);
    expect(s.hidden_by_allow_list).toBe(2);
    expect(r.text).not.toContain('secret deploy plans');
    expect(r.text).toContain('outside the allow-list');
  });
});

describe('search without a user token', () => {
  it('says SLACK_USER_TOKEN is needed, without calling Slack', async () => {
    const h = await startHarness();
    const r = await h.call('slack_search_messages', { query: 'deploy' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('SLACK_USER_TOKEN');
    expect(h.fake.callsTo('search.messages')).toHaveLength(0);
    await h.close();
  });
});

describe('scopes, DMs and names', () => {
  it('reads a DM, finds public channels without groups:read, and keeps IDs it cannot name', async () => {
    const h = await startHarness();
    const dm = await h.call('slack_get_channel_history', { channel_id: DM_ALICE });
    expect((dm.structuredContent as { messages: { text: string; user_name?: string }[] }).messages[0]).toMatchObject({ text: 'psst', user_name: 'alice' });
    h.fake.withoutScopes('groups:read');
    const found = await h.call('slack_find_channel', { name: 'general' });
    expect(found.isError).toBeFalsy();
    expect((found.structuredContent as { matches: { id: string }[] }).matches[0]!.id).toBe(GENERAL);
    const asked = await h.call('slack_list_channels', { types: ['private_channel'] });
    expect(asked.isError).toBe(true);
    expect(asked.text).toContain('groups:read');
    h.fake.withoutScopes('users:read');
    const posted = await h.call('slack_post_message', { channel_id: RANDOM, text: 'ping <@U0CAROL>' });
    expect(posted.isError).toBeFalsy();
    const history = await h.call('slack_get_channel_history', { channel_id: RANDOM, limit: 1 });
    // users.info is refused, so the mention keeps its ID rather than failing the read.
    expect((history.structuredContent as { messages: { text: string }[] }).messages[0]!.text).toBe('ping <@U0CAROL>');
    await h.close();
  });
});
