/**
 * The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras, against the fake
 * Slack API on loopback (SLACK_API_URL). The canary token must never appear in results, stderr or stdout.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';
import { GENERAL, RANDOM, SECRET, startFakeSlack, type FakeSlack } from '../src/testing/fake-slack.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CANARY = 'xoxb-e2e-canary-9d1c4b7a2f60';

const DROP_IN = {
  slack_list_channels: ['limit', 'cursor'],
  slack_post_message: ['channel_id', 'text'],
  slack_reply_to_thread: ['channel_id', 'thread_ts', 'text'],
  slack_add_reaction: ['channel_id', 'timestamp', 'reaction'],
  slack_get_channel_history: ['channel_id', 'limit'],
  slack_get_thread_replies: ['channel_id', 'thread_ts'],
  slack_get_users: ['cursor', 'limit'],
  slack_get_user_profile: ['user_id'],
};

let fake: FakeSlack;
let env: Record<string, string>;
const seen: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: CANARY });
  env = { SLACK_BOT_TOKEN: CANARY, SLACK_TEAM_ID: 'T0TEAM', SLACK_API_URL: fake.apiUrl, SLACK_MAX_RETRY_WAIT: '2' };
});

afterAll(async () => {
  expect(seen.join('\n')).not.toContain(CANARY);
  await fake.close();
});

describe('stdio', () => {
  it('lists tools that satisfy the contract and keep the archived server\'s names and parameters', async () => {
    const c = await connectStdio({ bin, env });
    const tools = await c.listTools();
    expect(tools).toHaveLength(15);
    expect(tools.slice(0, 8).map((t) => t.name)).toEqual(Object.keys(DROP_IN));
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    expect(dropInProblems(tools, DROP_IN)).toEqual([]);
    const history = await c.callTool('slack_get_channel_history', { channel_id: GENERAL, limit: 2 });
    seen.push(JSON.stringify(history));
    expect(history.isError).toBeFalsy();
    expect(textOf(history)).toContain('latest deploy went fine');
    const posted = await c.callTool('slack_post_message', { channel_id: GENERAL, text: 'from stdio' });
    seen.push(JSON.stringify(posted));
    expect(posted.isError).toBeFalsy();
    expect(fake.messages(GENERAL).at(-1)!.text).toBe('from stdio');
    await c.close();
    seen.push(c.stderr());
  });

  it('enforces SLACK_CHANNEL_IDS from the environment: nothing sent outside it', async () => {
    const c = await connectStdio({ bin, env: { ...env, SLACK_CHANNEL_IDS: `${GENERAL},${RANDOM}`, SLACK_POST_CHANNEL_IDS: RANDOM } });
    const before = fake.calls.length;
    for (const [tool, args] of [
      ['slack_post_message', { channel_id: SECRET, text: 'leak' }],
      ['slack_post_message', { channel_id: GENERAL, text: 'leak' }],
      ['slack_get_channel_history', { channel_id: SECRET }],
    ] as const) {
      const r = await c.callTool(tool, args);
      seen.push(JSON.stringify(r));
      expect(r.isError).toBe(true);
    }
    const listed = await c.callTool('slack_list_channels', {});
    expect((listed.structuredContent as { channels: { id: string }[] }).channels.map((ch) => ch.id)).toEqual([GENERAL, RANDOM]);
    expect(fake.calls.slice(before).filter((call) => /^chat\./.test(call.method))).toEqual([]);
    expect(fake.calls.slice(before).some((call) => call.params.channel === SECRET)).toBe(false);
    await c.close();
    seen.push(c.stderr());
  });

  it('confirms slack_delete_message through elicitation: decline changes nothing, accept deletes', async () => {
    const asked: string[] = [];
    let answer: 'accept' | 'cancel' = 'cancel';
    const c = await connectStdio({
      bin,
      env,
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'cancel' };
      },
    });
    const posted = await c.callTool('slack_post_message', { channel_id: GENERAL, text: 'short-lived\nsecond line' });
    const ts = (posted.structuredContent as { ts: string }).ts;
    const deletes = () => fake.callsTo('chat.delete').length;
    const before = deletes();
    const cancelled = await c.callTool('slack_delete_message', { channel_id: GENERAL, ts });
    seen.push(JSON.stringify([posted, cancelled]));
    expect(textOf(cancelled)).toMatch(/dismissed the confirmation; nothing was changed/);
    expect(asked[0]).toContain(`Delete the bot's message ${ts} in ${GENERAL}, which begins "short-lived".`);
    expect(deletes()).toBe(before);
    expect(fake.messages(GENERAL).some((m) => m.ts === ts)).toBe(true);
    answer = 'accept';
    const deleted = await c.callTool('slack_delete_message', { channel_id: GENERAL, ts });
    seen.push(JSON.stringify(deleted));
    expect(deleted.isError).toBeFalsy();
    expect(deletes()).toBe(before + 1);
    expect(fake.messages(GENERAL).some((m) => m.ts === ts)).toBe(false);
    await c.close();
    seen.push(c.stderr());
  });

  it('--read-only removes every writer', async () => {
    const c = await connectStdio({ bin, args: ['--read-only'], env });
    const names = (await c.listTools()).map((t) => t.name);
    expect(names).toHaveLength(9);
    expect(names.some((n) => /post|reply|reaction|update|delete|schedule/.test(n))).toBe(false);
    await c.close();
  });

  it('speaks 2026-07-28 too', async () => {
    const c = await connectStdio({ bin, env, era: 'modern' });
    const r = await c.callTool('slack_get_user_profile', { user_id: 'U0ALICE' });
    seen.push(JSON.stringify(r));
    expect((r.structuredContent as { real_name: string }).real_name).toBe('Alice Adams');
    await c.close();
    seen.push(c.stderr());
  });

  it('exits 2 with one line naming a missing setting', async () => {
    for (const [missing, rest] of [
      ['SLACK_BOT_TOKEN', { SLACK_TEAM_ID: 'T0TEAM' }],
      ['SLACK_TEAM_ID', { SLACK_BOT_TOKEN: CANARY }],
    ] as const) {
      const child = spawn(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '', ...rest }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toContain(missing);
      expect(out).toBe('');
      seen.push(out, err);
    }
  });
});

describe('http', () => {
  let server: BinProcess;
  beforeAll(async () => {
    server = await startHttpBin({ bin, env });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    seen.push(server.stderr());
    expect(server.stderr()).not.toContain(server.token);
    expect(server.stderr()).toContain('listening on http://127.0.0.1:');
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`reads and posts (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      const list = await c.callTool('slack_list_channels', { limit: 1 });
      seen.push(JSON.stringify(list));
      expect((list.structuredContent as { next_cursor: string | null }).next_cursor).toBeTruthy();
      const r = await c.callTool('slack_post_message', { channel_id: RANDOM, text: `over http ${era}` });
      seen.push(JSON.stringify(r));
      expect(r.isError).toBeFalsy();
      expect(fake.messages(RANDOM).at(-1)!.text).toBe(`over http ${era}`);
      // The MCP bearer token is the server's own and never goes upstream.
      expect(fake.calls.every((call) => call.token === 'bot')).toBe(true);
      await c.close();
    });
  }
});
