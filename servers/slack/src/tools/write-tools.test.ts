/** Every write tool, the allow-list on writes (nothing sent to Slack when refused), and bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ARCHIVED, BOT_ID, BOT_USER, GENERAL, NOT_IN, RANDOM, SECRET } from '../testing/fake-slack.js';
import { CANARY_BOT_TOKEN, startHarness, type Harness } from '../testing/harness.js';

const WRITE_METHODS = /^(chat\.|reactions\.)/;

describe('write tools', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    expect(h.everything()).not.toContain(CANARY_BOT_TOKEN);
    expect(h.everything()).not.toContain('[REDACTED]');
    await h.close();
  });

  it('slack_post_message posts with link unfurling off by default', async () => {
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'Hello *team*' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { channel: string; ts: string };
    expect(s.channel).toBe(GENERAL);
    expect(s.ts).toMatch(/^\d+\.\d+$/);
    const call = h.fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.params).toMatchObject({ channel: GENERAL, text: 'Hello *team*', unfurl_links: 'false', unfurl_media: 'false' });
    expect(call.params.mrkdwn).toBeUndefined();
    expect(h.fake.messages(GENERAL).at(-1)!.text).toBe('Hello *team*');
  });

  it('slack_post_message sends blocks, mrkdwn=false and unfurling when asked', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Release* done' } }];
    const r = await h.call('slack_post_message', { channel_id: GENERAL, text: 'Release done', blocks, mrkdwn: false, unfurl_links: true });
    expect(r.isError).toBeFalsy();
    const call = h.fake.callsTo('chat.postMessage').at(-1)!;
    expect(JSON.parse(call.params.blocks!)).toEqual(blocks);
    expect(call.params).toMatchObject({ mrkdwn: 'false', unfurl_links: 'true', unfurl_media: 'false' });
  });

  it('slack_reply_to_thread replies in the thread', async () => {
    const r = await h.call('slack_reply_to_thread', { channel_id: GENERAL, thread_ts: '1700000002.000200', text: 'on it' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ channel: GENERAL, thread_ts: '1700000002.000200' });
    expect(h.fake.callsTo('chat.postMessage').at(-1)!.params).toMatchObject({ thread_ts: '1700000002.000200', text: 'on it' });
    const thread = await h.call('slack_get_thread_replies', { channel_id: GENERAL, thread_ts: '1700000002.000200' });
    expect((thread.structuredContent as { messages: { text: string }[] }).messages.at(-1)!.text).toBe('on it');
  });

  it('slack_add_reaction strips colons and explains already_reacted', async () => {
    const r = await h.call('slack_add_reaction', { channel_id: GENERAL, timestamp: '1700000001.000100', reaction: ':thumbsup:' });
    expect(r.isError).toBeFalsy();
    expect(h.fake.callsTo('reactions.add').at(-1)!.params).toMatchObject({ channel: GENERAL, timestamp: '1700000001.000100', name: 'thumbsup' });
    const again = await h.call('slack_add_reaction', { channel_id: GENERAL, timestamp: '1700000001.000100', reaction: 'thumbsup' });
    expect(again.isError).toBe(true);
    expect(again.text).toContain('already');
  });

  it('slack_update_message edits the bot\'s own message and refuses others\' before asking Slack', async () => {
    const posted = await h.call('slack_post_message', { channel_id: GENERAL, text: 'draft' });
    const ts = (posted.structuredContent as { ts: string }).ts;
    const r = await h.call('slack_update_message', { channel_id: GENERAL, ts, text: 'final' });
    expect(r.isError).toBeFalsy();
    expect(h.fake.messages(GENERAL).find((m) => m.ts === ts)!.text).toBe('final');
    const updates = h.fake.callsTo('chat.update').length;
    // Bad new content is refused before Slack is asked, and the message keeps its text.
    const typeless = await h.call('slack_update_message', { channel_id: GENERAL, ts, text: 'x', blocks: [{ text: 'typeless' }] });
    expect(typeless.isError).toBe(true);
    expect(typeless.text).toContain('"type"');
    const blank = await h.call('slack_update_message', { channel_id: GENERAL, ts, text: '  ' });
    expect(blank.isError).toBe(true);
    expect(blank.text).toContain('empty');
    expect(h.fake.messages(GENERAL).find((m) => m.ts === ts)!.text).toBe('final');
    const other = await h.call('slack_update_message', { channel_id: GENERAL, ts: '1700000001.000100', text: 'hijack' });
    expect(other.isError).toBe(true);
    expect(other.text).toContain('not posted by this bot');
    expect(h.fake.callsTo('chat.update').length).toBe(updates);
    // A thread reply the bot posted is found through conversations.replies.
    const reply = await h.call('slack_reply_to_thread', { channel_id: GENERAL, thread_ts: '1700000002.000200', text: 'typo' });
    const replyTs = (reply.structuredContent as { ts: string }).ts;
    expect((await h.call('slack_update_message', { channel_id: GENERAL, ts: replyTs, text: 'fixed' })).isError).toBeFalsy();
    const gone = await h.call('slack_update_message', { channel_id: GENERAL, ts: '1600000000.000001', text: 'x' });
    expect(gone.isError).toBe(true);
    expect(gone.text).toContain('no message');
  });

  it('slack_update_message finds the bot\'s own reply deep in a long thread', async () => {
    const parent = '1700000100.000100';
    h.fake.addMessage(GENERAL, { type: 'message', ts: parent, user: ALICE, text: 'long thread', thread_ts: parent, reply_count: 250 });
    for (let i = 1; i <= 250; i++) {
      const ts = `1700000100.${String(100 + i).padStart(6, '0')}`;
      h.fake.addMessage(GENERAL, { type: 'message', ts, thread_ts: parent, text: `reply ${i}`, ...(i === 240 ? { user: BOT_USER, bot_id: BOT_ID } : { user: ALICE }) });
    }
    const deep = '1700000100.000340';
    const r = await h.call('slack_update_message', { channel_id: GENERAL, ts: deep, text: 'edited deep' });
    expect(r.isError, r.text).toBeFalsy();
    expect(h.fake.messages(GENERAL).find((m) => m.ts === deep)!.text).toBe('edited deep');
    // Someone else's reply as deep is still refused as not the bot's.
    const theirs = await h.call('slack_update_message', { channel_id: GENERAL, ts: '1700000100.000341', text: 'hijack' });
    expect(theirs.isError).toBe(true);
    expect(theirs.text).toContain('not posted by this bot');
  });

  it('slack_delete_message deletes only the bot\'s own messages', async () => {
    const posted = await h.call('slack_post_message', { channel_id: GENERAL, text: 'oops' });
    const ts = (posted.structuredContent as { ts: string }).ts;
    const r = await h.call('slack_delete_message', { channel_id: GENERAL, ts });
    expect(r.isError).toBeFalsy();
    expect(h.fake.messages(GENERAL).some((m) => m.ts === ts)).toBe(false);
    const before = h.fake.callsTo('chat.delete').length;
    const other = await h.call('slack_delete_message', { channel_id: GENERAL, ts: '1700000006.000600' });
    expect(other.isError).toBe(true);
    expect(h.fake.callsTo('chat.delete').length).toBe(before);
    expect(h.fake.messages(GENERAL).some((m) => m.ts === '1700000006.000600')).toBe(true);
  });

  it('slack_schedule_message schedules within 120 days and refuses past or far times', async () => {
    const at = Math.floor(Date.now() / 1000) + 3600;
    const r = await h.call('slack_schedule_message', { channel_id: GENERAL, text: 'standup', post_at: new Date(at * 1000).toISOString() });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ channel: GENERAL, post_at: at, scheduled_message_id: 'Q0SCHED1' });
    expect(h.fake.callsTo('chat.scheduleMessage').at(-1)!.params).toMatchObject({ post_at: String(at), text: 'standup' });
    const past = await h.call('slack_schedule_message', { channel_id: GENERAL, text: 'x', post_at: '2020-01-01T00:00:00Z' });
    expect(past.isError).toBe(true);
    expect(past.text).toContain('past');
    const far = await h.call('slack_schedule_message', { channel_id: GENERAL, text: 'x', post_at: String(Math.floor(Date.now() / 1000) + 200 * 86400) });
    expect(far.text).toContain('120 days');
    const junk = await h.call('slack_schedule_message', { channel_id: GENERAL, text: 'x', post_at: 'next tuesday' });
    expect(junk.text).toContain('ISO 8601');
    expect(h.fake.callsTo('chat.scheduleMessage')).toHaveLength(1);
  });

  it('refuses bad input with clear messages and sends nothing', async () => {
    const before = h.fake.callsTo('chat.postMessage').length;
    const empty = await h.call('slack_post_message', { channel_id: GENERAL, text: '  ' });
    expect(empty.isError).toBe(true);
    expect(empty.text).toContain('empty');
    const long = await h.call('slack_post_message', { channel_id: GENERAL, text: 'a'.repeat(40_001) });
    expect(long.isError).toBe(true);
    expect(long.text).toContain('40,000');
    const badTs = await h.call('slack_reply_to_thread', { channel_id: GENERAL, thread_ts: 'yesterday', text: 'hi' });
    expect(badTs.isError).toBe(true);
    expect(badTs.text).toContain('1712345678.123456');
    const byName = await h.call('slack_post_message', { channel_id: '#general', text: 'hi' });
    expect(byName.isError).toBe(true);
    expect(byName.text).toContain('slack_find_channel');
    const badBlocks = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi', blocks: [{ text: 'typeless' }] });
    expect(badBlocks.text).toContain('"type"');
    const badReaction = await h.call('slack_add_reaction', { channel_id: GENERAL, timestamp: '1.x', reaction: 'eyes' });
    expect(badReaction.isError).toBe(true);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(before);
  });

  it('explains Slack error codes: unknown channel, archived, not_in_channel, missing_scope, msg_too_long', async () => {
    const unknown = await h.call('slack_post_message', { channel_id: 'C0MISSING', text: 'hi' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('channel_not_found');
    expect(unknown.text).toContain('slack_find_channel');
    const archived = await h.call('slack_post_message', { channel_id: ARCHIVED, text: 'hi' });
    expect(archived.text).toContain('archived');
    const notIn = await h.call('slack_post_message', { channel_id: NOT_IN, text: 'hi' });
    expect(notIn.text).toContain('/invite');
    const notInRead = await h.call('slack_get_channel_history', { channel_id: NOT_IN });
    expect(notInRead.text).toContain('/invite');
    h.fake.failNext('chat.postMessage', { error: 'missing_scope', needed: 'chat:write.public', provided: 'chat:write' });
    const scope = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' });
    expect(scope.isError).toBe(true);
    expect(scope.text).toContain('chat:write.public');
    expect(scope.text).toContain('SLACK_BOT_TOKEN');
    h.fake.failNext('chat.postMessage', { error: 'msg_too_long' });
    expect((await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' })).text).toContain('too long');
    h.fake.failNext('chat.postMessage', { error: 'some_new_error' });
    expect((await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' })).text).toContain('some_new_error');
  });
});

describe('the allow-list on writes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ channelIds: `${GENERAL},${RANDOM}`, postChannelIds: RANDOM });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends zero write calls to conversations outside the lists', async () => {
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    const attempts: [string, Record<string, unknown>][] = [];
    for (const channel_id of [SECRET, GENERAL, 'C0ELSEWHERE']) {
      attempts.push(
        ['slack_post_message', { channel_id, text: 'leak' }],
        ['slack_reply_to_thread', { channel_id, thread_ts: '1700000002.000200', text: 'leak' }],
        ['slack_add_reaction', { channel_id, timestamp: '1700000001.000100', reaction: 'eyes' }],
        ['slack_update_message', { channel_id, ts: '1700000005.000500', text: 'leak' }],
        ['slack_delete_message', { channel_id, ts: '1700000005.000500' }],
        ['slack_schedule_message', { channel_id, text: 'leak', post_at: future }],
      );
    }
    for (const [tool, args] of attempts) {
      const r = await h.call(tool, args);
      expect(r.isError, `${tool} ${String(args.channel_id)}`).toBe(true);
      expect(r.text).toMatch(/allow-list|SLACK_POST_CHANNEL_IDS/);
    }
    expect(h.fake.calls.filter((c) => WRITE_METHODS.test(c.method))).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('reads an allow-listed channel that is not in the post list, and writes to the post list', async () => {
    expect((await h.call('slack_get_channel_history', { channel_id: GENERAL })).isError).toBeFalsy();
    const refused = await h.call('slack_post_message', { channel_id: GENERAL, text: 'hi' });
    expect(refused.text).toContain('can only be read');
    const ok = await h.call('slack_post_message', { channel_id: RANDOM, text: 'hi' });
    expect(ok.isError).toBeFalsy();
    const writes = h.fake.calls.filter((c) => WRITE_METHODS.test(c.method));
    expect(writes.map((c) => c.params.channel)).toEqual([RANDOM]);
  });
});

describe('--read-only', () => {
  it('registers no writer at all', async () => {
    const h = await startHarness({ readOnly: true });
    const names = (await h.client.listTools()).map((t) => t.name);
    expect(names).toEqual([
      'slack_list_channels',
      'slack_get_channel_history',
      'slack_get_thread_replies',
      'slack_get_users',
      'slack_get_user_profile',
      'slack_search_messages',
      'slack_find_channel',
      'slack_find_user',
      'slack_get_permalink',
    ]);
    // Not registered at all: the client gets a protocol error, or at least an isError result.
    const outcome = await h.call('slack_post_message', { channel_id: ALICE, text: 'hi' }).then(
      (r) => r.isError === true,
      (error: Error) => /not found/.test(error.message),
    );
    expect(outcome).toBe(true);
    expect(h.fake.calls).toEqual([]);
    await h.close();
  });
});

describe('output budget', () => {
  it('cuts a long page of history and says how to continue by time', async () => {
    const h = await startHarness();
    for (let i = 0; i < 17; i += 1) {
      expect((await h.call('slack_post_message', { channel_id: RANDOM, text: `${i} ${'w'.repeat(3990)}` })).isError).toBeFalsy();
    }
    const r = await h.call('slack_get_channel_history', { channel_id: RANDOM, limit: 20 });
    const s = r.structuredContent as { messages: { ts: string }[]; has_more: boolean; next_cursor: string | null };
    expect(s.messages.length).toBeLessThan(18);
    expect(s.has_more).toBe(true);
    const last = s.messages.at(-1)!.ts;
    expect(r.text).toContain(`latest="${last}"`);
    const rest = await h.call('slack_get_channel_history', { channel_id: RANDOM, limit: 20, latest: last });
    const restTs = (rest.structuredContent as { messages: { ts: string }[] }).messages.map((m) => m.ts);
    expect(restTs.length + s.messages.length).toBe(18);
    expect(restTs).not.toContain(last);
    // A call bounded by oldest is told to keep that bound, so the next page stays inside the range asked for.
    const bounded = await h.call('slack_get_channel_history', { channel_id: RANDOM, limit: 20, oldest: '1000000000.000000' });
    expect(bounded.text).toMatch(/latest="[0-9.]+", keeping oldest="1000000000\.000000"\.\]/);
    await h.close();
  });
});
