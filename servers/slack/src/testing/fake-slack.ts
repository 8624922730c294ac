/**
 * A fake Slack Web API on loopback for tests, built from the documented method shapes
 * (https://docs.slack.dev/reference/methods): form-encoded POSTs to /api/<method>, `{ ok: true, ... }` or
 * `{ ok: false, error }`, cursor paging through response_metadata.next_cursor, 429 + Retry-After for rate
 * limits. Every request must carry the expected bearer token; each call is recorded so tests can assert what
 * was (and was not) sent. Not part of the published package (excluded from the build).
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startLoopbackServer, type LoopbackServer } from '@portico/test-utils';

export const TEAM_ID = 'T0TEAM';
export const BOT_USER = 'U0BOT';
export const BOT_ID = 'B0BOT';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const GENERAL = 'C0GENERAL';
export const RANDOM = 'C0RANDOM';
export const SECRET = 'C0SECRET';
export const PRIVATE = 'G0PRIV';
export const DM_ALICE = 'D0ALICE';
export const ARCHIVED = 'C0ARCHIVE';
export const NOT_IN = 'C0NOTIN';

interface Channel {
  id: string;
  name?: string;
  is_private: boolean;
  is_archived: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_member: boolean;
  user?: string;
  num_members?: number;
  topic: { value: string };
  purpose: { value: string };
}

export interface Message {
  type: 'message';
  ts: string;
  user?: string;
  bot_id?: string;
  text: string;
  thread_ts?: string;
  reply_count?: number;
  reactions?: { name: string; count: number; users: string[] }[];
  blocks?: unknown[];
  subtype?: string;
  edited?: { user: string; ts: string };
}

interface User {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  tz: string;
  profile: { real_name: string; display_name: string; email?: string; title: string; status_text: string; status_emoji: string; image_72: string; fields?: Record<string, { value: string; alt: string; label: string }> };
}

export interface RecordedCall {
  method: string;
  params: Record<string, string>;
  /** Which configured token authorised the call ('none' when the header was missing or wrong). */
  token: 'bot' | 'user' | 'none';
}

export interface FakeSlack {
  url: string;
  /** What SLACK_API_URL should be. */
  apiUrl: string;
  server: LoopbackServer;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Messages of a channel (top level and replies), newest last. */
  messages(channel: string): Message[];
  /** Adds a message to a channel as if it had been posted (to build long threads without posting each). */
  addMessage(channel: string, message: Message): void;
  /** Answer the next `times` calls of `method` with 429 and this Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** Answer the next call of `method` with `{ ok: false, ...body }`. */
  failNext(method: string, body: Record<string, unknown>): void;
  /** Scopes the bot token lacks; calls needing them answer missing_scope. */
  withoutScopes(...scopes: string[]): void;
  /**
   * Answer the next `times` calls of `method` with this raw HTTP reply (a 5xx, a proxy's HTML page, a 429
   * without Retry-After...), or not at all (`hang`). The call is still handled as usual first when `handle` is
   * set, so a "lost answer" test can see that Slack did the write.
   */
  answerNext(method: string, reply: RawReply, times?: number): void;
  close(): Promise<void>;
}

export interface RawReply {
  status?: number;
  /** A string is sent as it is (text/html unless headers say otherwise); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer; the connection is dropped when the fake closes. */
  hang?: boolean;
  /** Run the method's handler first (the write happens), then answer with this reply instead of its result. */
  handle?: boolean;
}

export interface FakeSlackOptions {
  botToken: string;
  userToken?: string;
  /** auth.test reports this team (default TEAM_ID). */
  teamId?: string;
  /** Extra generated users, to exercise paging. */
  extraUsers?: number;
}

const NEEDS_SCOPE: Record<string, string> = {
  'conversations.list': 'channels:read',
  'conversations.info': 'channels:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'chat.scheduleMessage': 'chat:write',
  'reactions.add': 'reactions:write',
  'users.list': 'users:read',
  'users.info': 'users:read',
  'users.profile.get': 'users.profile:read',
  'users.lookupByEmail': 'users:read.email',
};

function channel(id: string, name: string | undefined, extra: Partial<Channel> = {}): Channel {
  return { id, ...(name ? { name } : {}), is_private: false, is_archived: false, is_im: false, is_mpim: false, is_member: true, num_members: 5, topic: { value: '' }, purpose: { value: '' }, ...extra };
}

function user(id: string, name: string, real: string, extra: Partial<User> = {}, email?: string): User {
  return {
    id,
    team_id: TEAM_ID,
    name,
    real_name: real,
    deleted: false,
    is_bot: false,
    tz: 'Europe/Paris',
    profile: { real_name: real, display_name: name, ...(email ? { email } : {}), title: '', status_text: '', status_emoji: '', image_72: `https://avatars.example/${id}.png` },
    ...extra,
  };
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const channels: Channel[] = [
    channel(GENERAL, 'general', { topic: { value: 'Company-wide' } }),
    channel(RANDOM, 'random'),
    channel(SECRET, 'secret-plans'),
    channel(PRIVATE, 'priv-team', { is_private: true }),
    channel(DM_ALICE, undefined, { is_im: true, user: ALICE, is_private: true }),
    channel(ARCHIVED, 'old-stuff', { is_archived: true }),
    channel(NOT_IN, 'outsiders', { is_member: false }),
  ];
  const users: User[] = [
    user(ALICE, 'alice', 'Alice Adams', { profile: { real_name: 'Alice Adams', display_name: 'alice', email: 'alice@example.com', title: 'Engineer', status_text: 'Shipping', status_emoji: ':rocket:', image_72: 'https://avatars.example/a.png', fields: { Xf01: { value: 'Platform', alt: '', label: 'Team' } } } }),
    user(BOB, 'bob', 'Bob Brown', {}, 'bob@example.com'),
    user('U0CAROL', 'carol', 'Carol Chen', {}, 'carol@example.com'),
    user('U0DAVE', 'dave', 'Dave Old', { deleted: true }),
    user(BOT_USER, 'portico-bot', 'Portico Bot', { is_bot: true }),
  ];
  for (let i = 0; i < (options.extraUsers ?? 0); i += 1) users.push(user(`U1X${String(i).padStart(4, '0')}`, `user${i}`, `User ${i}`));
  const byChannel = new Map<string, Message[]>();
  const put = (ch: string, m: Message) => {
    const list = byChannel.get(ch) ?? [];
    list.push(m);
    byChannel.set(ch, list);
  };
  put(GENERAL, { type: 'message', ts: '1700000001.000100', user: ALICE, text: 'hello <@U0BOB>, see <#C0RANDOM|random>' });
  put(GENERAL, { type: 'message', ts: '1700000002.000200', user: BOB, text: 'thread starter', thread_ts: '1700000002.000200', reply_count: 2 });
  put(GENERAL, { type: 'message', ts: '1700000003.000300', user: ALICE, text: 'reply one', thread_ts: '1700000002.000200' });
  put(GENERAL, { type: 'message', ts: '1700000004.000400', user: BOB, text: 'reply two <@U0ALICE>', thread_ts: '1700000002.000200' });
  put(GENERAL, { type: 'message', ts: '1700000005.000500', user: BOT_USER, bot_id: BOT_ID, text: 'bot says hi', reactions: [{ name: 'eyes', count: 1, users: [ALICE] }] });
  put(GENERAL, { type: 'message', ts: '1700000006.000600', user: ALICE, text: 'latest deploy went fine' });
  put(SECRET, { type: 'message', ts: '1700000010.000100', user: BOB, text: 'secret deploy plans' });
  put(RANDOM, { type: 'message', ts: '1700000020.000100', user: 'U0CAROL', text: 'random deploy chatter' });
  put(DM_ALICE, { type: 'message', ts: '1700000030.000100', user: ALICE, text: 'psst' });

  const calls: RecordedCall[] = [];
  const rateLimits = new Map<string, { seconds: number; times: number }>();
  const failures = new Map<string, Record<string, unknown>>();
  const missingScopes = new Set<string>();
  const rawReplies = new Map<string, { reply: RawReply; times: number }>();
  let clock = 1_800_000_000;
  let scheduled = 0;
  const nextTs = () => `${(clock += 1)}.000100`;

  const findChannel = (id: string | undefined) => channels.find((c) => c.id === id);
  const findMessage = (ch: string, ts: string | undefined) => (byChannel.get(ch) ?? []).find((m) => m.ts === ts);
  const topLevel = (ch: string) => (byChannel.get(ch) ?? []).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const page = <T>(items: T[], params: Record<string, string>, defaultLimit: number) => {
    const limit = Math.max(1, Number(params.limit ?? defaultLimit) || defaultLimit);
    let start = 0;
    if (params.cursor) {
      const m = /^o:(\d+)$/.exec(Buffer.from(params.cursor, 'base64').toString('utf8'));
      if (!m) return { error: 'invalid_cursor' as const };
      start = Number(m[1]);
    }
    const slice = items.slice(start, start + limit);
    const end = start + slice.length;
    const next = end < items.length ? Buffer.from(`o:${end}`).toString('base64') : '';
    return { slice, next, hasMore: end < items.length };
  };
  const inRange = (ts: string, p: Record<string, string>) => {
    const t = Number(ts);
    const incl = p.inclusive === 'true' || p.inclusive === '1';
    if (p.oldest && (incl ? t < Number(p.oldest) : t <= Number(p.oldest))) return false;
    if (p.latest && (incl ? t > Number(p.latest) : t >= Number(p.latest))) return false;
    return true;
  };
  const permalink = (ch: string, ts: string) => `https://portico-test.slack.com/archives/${ch}/p${ts.replace('.', '')}`;

  type Answer = Record<string, unknown>;
  const handlers: Record<string, (p: Record<string, string>, who: 'bot' | 'user') => Answer> = {
    'auth.test': (_p, who) => ({
      url: 'https://portico-test.slack.com/',
      team: 'Portico Test',
      user: who === 'bot' ? 'portico-bot' : 'alice',
      team_id: options.teamId ?? TEAM_ID,
      user_id: who === 'bot' ? BOT_USER : ALICE,
      ...(who === 'bot' ? { bot_id: BOT_ID } : {}),
    }),
    'conversations.list': (p) => {
      const types = (p.types ?? 'public_channel').split(',');
      if (types.includes('private_channel') && missingScopes.has('groups:read')) return { ok: false, error: 'missing_scope', needed: 'groups:read', provided: 'channels:read,chat:write' };
      const want = (c: Channel) =>
        (c.is_im ? types.includes('im') : c.is_mpim ? types.includes('mpim') : c.is_private ? types.includes('private_channel') : types.includes('public_channel')) &&
        !(p.exclude_archived === 'true' && c.is_archived);
      const r = page(channels.filter(want), p, 100);
      if ('error' in r) return { ok: false, error: r.error };
      return { channels: r.slice, response_metadata: { next_cursor: r.next } };
    },
    'conversations.info': (p) => {
      const c = findChannel(p.channel);
      return c ? { channel: c } : { ok: false, error: 'channel_not_found' };
    },
    'conversations.history': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (!c.is_member) return { ok: false, error: 'not_in_channel' };
      const list = topLevel(c.id)
        .filter((m) => inRange(m.ts, p))
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const r = page(list, p, 100);
      if ('error' in r) return { ok: false, error: r.error };
      return { messages: r.slice, has_more: r.hasMore, pin_count: 0, response_metadata: { next_cursor: r.next } };
    },
    'conversations.replies': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (!c.is_member) return { ok: false, error: 'not_in_channel' };
      const m = findMessage(c.id, p.ts);
      if (!m) return { ok: false, error: 'thread_not_found' };
      const root = m.thread_ts ?? m.ts;
      const list = (byChannel.get(c.id) ?? [])
        .filter((x) => x.ts === root || x.thread_ts === root)
        .filter((x) => x.ts === root || inRange(x.ts, p))
        .sort((a, b) => Number(a.ts) - Number(b.ts));
      const r = page(list, p, 1000);
      if ('error' in r) return { ok: false, error: r.error };
      return { messages: r.slice, has_more: r.hasMore, response_metadata: { next_cursor: r.next } };
    },
    'chat.postMessage': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (c.is_archived) return { ok: false, error: 'is_archived' };
      if (!c.is_member) return { ok: false, error: 'not_in_channel' };
      if (!p.text && !p.blocks) return { ok: false, error: 'no_text' };
      if ((p.text ?? '').length > 40_000) return { ok: false, error: 'msg_too_long' };
      if (p.thread_ts && !findMessage(c.id, p.thread_ts)) return { ok: false, error: 'thread_not_found' };
      const m: Message = { type: 'message', ts: nextTs(), user: BOT_USER, bot_id: BOT_ID, text: p.text ?? '', ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}), ...(p.blocks ? { blocks: JSON.parse(p.blocks) as unknown[] } : {}) };
      put(c.id, m);
      if (p.thread_ts) {
        const parent = findMessage(c.id, p.thread_ts)!;
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
      }
      return { channel: c.id, ts: m.ts, message: m };
    },
    'chat.update': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      const m = findMessage(c.id, p.ts);
      if (!m) return { ok: false, error: 'message_not_found' };
      if (m.bot_id !== BOT_ID) return { ok: false, error: 'cant_update_message' };
      m.text = p.text ?? m.text;
      m.edited = { user: BOT_USER, ts: nextTs() };
      return { channel: c.id, ts: m.ts, text: m.text };
    },
    'chat.delete': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      const list = byChannel.get(c.id) ?? [];
      const i = list.findIndex((m) => m.ts === p.ts);
      if (i < 0) return { ok: false, error: 'message_not_found' };
      if (list[i]!.bot_id !== BOT_ID) return { ok: false, error: 'cant_delete_message' };
      list.splice(i, 1);
      return { channel: c.id, ts: p.ts };
    },
    'chat.scheduleMessage': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (c.is_archived) return { ok: false, error: 'is_archived' };
      if (!c.is_member) return { ok: false, error: 'not_in_channel' };
      const at = Number(p.post_at);
      if (!Number.isFinite(at) || at * 1000 < Date.now()) return { ok: false, error: 'time_in_past' };
      scheduled += 1;
      return { channel: c.id, scheduled_message_id: `Q0SCHED${scheduled}`, post_at: at, message: { text: p.text, bot_id: BOT_ID, type: 'delayed_message' } };
    },
    'chat.getPermalink': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (!findMessage(c.id, p.message_ts)) return { ok: false, error: 'message_not_found' };
      return { channel: c.id, permalink: permalink(c.id, p.message_ts!) };
    },
    'reactions.add': (p) => {
      const c = findChannel(p.channel);
      if (!c) return { ok: false, error: 'channel_not_found' };
      if (c.is_archived) return { ok: false, error: 'is_archived' };
      const m = findMessage(c.id, p.timestamp);
      if (!m) return { ok: false, error: 'message_not_found' };
      if (!/^[a-z0-9_+'-]+$/.test(p.name ?? '')) return { ok: false, error: 'invalid_name' };
      m.reactions ??= [];
      const r = m.reactions.find((x) => x.name === p.name);
      if (r?.users.includes(BOT_USER)) return { ok: false, error: 'already_reacted' };
      if (r) {
        r.count += 1;
        r.users.push(BOT_USER);
      } else m.reactions.push({ name: p.name!, count: 1, users: [BOT_USER] });
      return {};
    },
    'users.list': (p) => {
      const r = page(users, p, 100);
      if ('error' in r) return { ok: false, error: r.error };
      return { members: r.slice, cache_ts: clock, response_metadata: { next_cursor: r.next } };
    },
    'users.info': (p) => {
      const u = users.find((x) => x.id === p.user);
      return u ? { user: u } : { ok: false, error: 'user_not_found' };
    },
    'users.profile.get': (p) => {
      const u = users.find((x) => x.id === p.user);
      return u ? { profile: u.profile } : { ok: false, error: 'user_not_found' };
    },
    'users.lookupByEmail': (p) => {
      const u = users.find((x) => x.profile.email === p.email);
      return u ? { user: u } : { ok: false, error: 'users_not_found' };
    },
    'search.messages': (p, who) => {
      if (who !== 'user') return { ok: false, error: 'not_allowed_token_type' };
      const q = (p.query ?? '').toLowerCase();
      const all: Answer[] = [];
      for (const [ch, list] of byChannel) {
        const c = findChannel(ch)!;
        for (const m of list) {
          if (m.text.toLowerCase().includes(q)) all.push({ iid: `i${m.ts}`, type: 'message', ts: m.ts, text: m.text, user: m.user, username: users.find((u) => u.id === m.user)?.name, channel: { id: c.id, name: c.name ?? c.id, is_private: c.is_private }, permalink: permalink(c.id, m.ts), team: TEAM_ID });
        }
      }
      const count = Math.max(1, Number(p.count ?? 20));
      const pageNo = Math.max(1, Number(p.page ?? 1));
      const pages = Math.max(1, Math.ceil(all.length / count));
      const matches = all.slice((pageNo - 1) * count, pageNo * count);
      return { query: p.query, messages: { total: all.length, matches, paging: { count, total: all.length, page: pageNo, pages } } };
    },
  };

  const server = await startLoopbackServer((req, res: ServerResponse) => {
    const url = new URL(req.url, 'http://fake');
    const method = url.pathname.replace(/^\/api\//, '');
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.body && contentType.includes('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(req.body)));
    else if (req.body && contentType.includes('application/json')) Object.assign(params, JSON.parse(req.body) as Record<string, string>);
    const auth = String(req.headers.authorization ?? '');
    const who = auth === `Bearer ${options.botToken}` ? 'bot' : options.userToken && auth === `Bearer ${options.userToken}` ? 'user' : 'none';
    calls.push({ method, params, token: who });
    if (!url.pathname.startsWith('/api/') || !(method in handlers)) return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const raw = rawReplies.get(method);
    if (raw && raw.times > 0) {
      raw.times -= 1;
      if (raw.reply.handle && who !== 'none') handlers[method]!(params, who);
      if (raw.reply.hang) return;
      const body = raw.reply.body;
      if (typeof body === 'string') {
        res.writeHead(raw.reply.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...raw.reply.headers }).end(body);
        return;
      }
      return sendJson(res, raw.reply.status ?? 200, body ?? {}, raw.reply.headers);
    }
    const limited = rateLimits.get(method);
    if (limited && limited.times > 0) {
      limited.times -= 1;
      return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.seconds) });
    }
    if (who === 'none') return sendJson(res, 200, { ok: false, error: auth ? 'invalid_auth' : 'not_authed' });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return sendJson(res, 200, { ok: false, ...failure });
    }
    const scope = NEEDS_SCOPE[method];
    if (who === 'bot' && scope && missingScopes.has(scope)) return sendJson(res, 200, { ok: false, error: 'missing_scope', needed: scope, provided: 'chat:write' });
    const answer = handlers[method]!(params, who);
    return sendJson(res, 200, { ok: true, ...answer });
  });

  return {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    server,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (ch) => [...(byChannel.get(ch) ?? [])],
    addMessage: (ch, m) => put(ch, m),
    rateLimit: (method, seconds, times = 1) => rateLimits.set(method, { seconds, times }),
    failNext: (method, body) => failures.set(method, body),
    withoutScopes: (...scopes) => scopes.forEach((s) => missingScopes.add(s)),
    answerNext: (method, reply, times = 1) => rawReplies.set(method, { reply, times }),
    close: () => server.close(),
  };
}
