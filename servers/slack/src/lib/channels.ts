/** Conversations: the compact shape, listing (allow-list aware), lookup by name, and fetching one message. */
import type { Directory } from './directory.js';
import { SlackProblem } from './problem.js';
import type { ChannelPolicy } from './policy.js';
import type { RawMessage } from './messages.js';
import type { SlackApi } from './slack-api.js';

export interface RawChannel {
  id?: string;
  name?: string;
  is_private?: boolean;
  is_archived?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_member?: boolean;
  user?: string;
  num_members?: number;
  topic?: { value?: string };
  purpose?: { value?: string };
}

export interface CompactChannel {
  id: string;
  name: string;
  kind: 'public' | 'private' | 'dm' | 'group_dm';
  is_archived: boolean;
  is_member?: boolean;
  num_members?: number;
  topic?: string;
  purpose?: string;
  /** For DMs: the other person's user ID. */
  user?: string;
}

export const CONVERSATION_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'] as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[number];

/** The conversations.list type a conversation belongs to. */
export function conversationType(c: RawChannel): ConversationType {
  return c.is_im ? 'im' : c.is_mpim ? 'mpim' : c.is_private ? 'private_channel' : 'public_channel';
}

export function compactChannel(c: RawChannel, dmName?: string): CompactChannel {
  const kind = c.is_im ? 'dm' : c.is_mpim ? 'group_dm' : c.is_private ? 'private' : 'public';
  const out: CompactChannel = { id: c.id ?? '', name: c.name ?? (dmName ? `@${dmName}` : c.user ? `@${c.user}` : c.id ?? ''), kind, is_archived: c.is_archived === true };
  if (typeof c.is_member === 'boolean') out.is_member = c.is_member;
  if (typeof c.num_members === 'number') out.num_members = c.num_members;
  const topic = c.topic?.value?.trim();
  if (topic) out.topic = topic.slice(0, 300);
  const purpose = c.purpose?.value?.trim();
  if (purpose) out.purpose = purpose.slice(0, 300);
  if (c.user) out.user = c.user;
  return out;
}

export interface ChannelPage {
  channels: CompactChannel[];
  nextCursor: string | null;
}

interface Ctx {
  api: SlackApi;
  policy: ChannelPolicy;
  directory: Directory;
  signal?: AbortSignal;
}

/** Names the other person of each DM, through the directory's cache. */
async function withDmNames(ctx: Ctx, raw: RawChannel[], options: { includeArchived: boolean }): Promise<CompactChannel[]> {
  const dmUsers = raw.filter((c) => c.is_im && c.user).map((c) => c.user!);
  const names = dmUsers.length ? await ctx.directory.userNames(dmUsers, ctx.signal) : new Map<string, string>();
  return raw
    .filter((c) => options.includeArchived || !c.is_archived)
    .map((c) => {
      const compact = compactChannel(c, c.user ? names.get(c.user) : undefined);
      ctx.directory.rememberChannel(compact.id, compact.name);
      return compact;
    });
}

/**
 * One page of conversations. With an allow-list, only those conversations are described (conversations.info
 * each), paged through the list by offset, and only those of the requested `types` are kept (as
 * conversations.list would: an allow-listed DM must not show up when public channels were asked for); a
 * page can then hold fewer than `limit`, and next_cursor still leads on. Without an allow-list,
 * conversations.list with Slack's own cursor.
 */
export async function listChannels(ctx: Ctx, options: { limit: number; cursor?: string | undefined; types: readonly ConversationType[]; includeArchived: boolean }): Promise<ChannelPage> {
  const allowed = ctx.policy.readable;
  const callOpts = ctx.signal ? { signal: ctx.signal } : {};
  if (allowed) {
    const start = options.cursor ? parseOffsetCursor(options.cursor, allowed.length) : 0;
    const slice = allowed.slice(start, start + options.limit);
    const raw: RawChannel[] = [];
    for (const id of slice) {
      try {
        const info = await ctx.api.call('conversations.info', { channel: id }, callOpts);
        const channel = info.channel as RawChannel | undefined;
        if (channel && options.types.includes(conversationType(channel))) raw.push(channel);
      } catch (error) {
        // An allow-listed ID the token cannot see is skipped, as the archived server did; the log says why.
        if ((error as { code?: string }).code === 'channel_not_found') continue;
        throw error;
      }
    }
    const end = start + slice.length;
    return { channels: await withDmNames(ctx, raw, options), nextCursor: end < allowed.length ? `offset:${end}` : null };
  }
  const result = await ctx.api.call(
    'conversations.list',
    { types: options.types.join(','), exclude_archived: !options.includeArchived, limit: options.limit, team_id: ctx.api.teamId, ...(options.cursor ? { cursor: options.cursor } : {}) },
    callOpts,
  );
  const next = result.response_metadata?.next_cursor;
  return { channels: await withDmNames(ctx, (result.channels as RawChannel[] | undefined) ?? [], options), nextCursor: next ? next : null };
}

function parseOffsetCursor(cursor: string, length: number): number {
  const match = /^offset:(\d+)$/.exec(cursor);
  const n = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(n) || n < 0 || n >= length) {
    throw new SlackProblem('the cursor is not one this server issued for the allow-listed channels.', 'pass next_cursor exactly as returned, or omit it to start from the beginning.', 'invalid_cursor');
  }
  return n;
}

/** Most conversations.list pages a name search reads (200 each) before saying it stopped. */
export const FIND_MAX_PAGES = 10;

export interface FindChannelResult {
  matches: CompactChannel[];
  /** True when the search stopped at FIND_MAX_PAGES before the end of the list. */
  incomplete: boolean;
}

/** Channels whose name equals or contains `name` (exact matches first). */
export async function findChannels(ctx: Ctx, name: string, types: readonly ConversationType[]): Promise<FindChannelResult> {
  const wanted = name.trim().replace(/^#/, '').toLowerCase();
  const matches: CompactChannel[] = [];
  let cursor: string | undefined;
  let incomplete = false;
  const allowed = ctx.policy.readable;
  for (let page = 0; ; page += 1) {
    if (page >= FIND_MAX_PAGES) {
      incomplete = true;
      break;
    }
    const result = await listChannels(ctx, { limit: allowed ? 50 : 200, cursor, types, includeArchived: true });
    for (const c of result.channels) {
      const n = c.name.toLowerCase().replace(/^@/, '');
      if (n === wanted || n.includes(wanted)) matches.push(c);
    }
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  matches.sort((a, b) => Number(b.name.toLowerCase() === wanted) - Number(a.name.toLowerCase() === wanted));
  return { matches: matches.slice(0, 20), incomplete };
}

/**
 * Fetches one message by ts: top-level messages through conversations.history, thread replies through
 * conversations.replies. Undefined when Slack has no such message.
 */
export async function fetchMessage(ctx: Pick<Ctx, 'api' | 'signal'>, channel: string, ts: string): Promise<RawMessage | undefined> {
  const callOpts = ctx.signal ? { signal: ctx.signal } : {};
  const history = await ctx.api.call('conversations.history', { channel, oldest: ts, latest: ts, inclusive: true, limit: 1 }, callOpts);
  const found = ((history.messages as RawMessage[] | undefined) ?? []).find((m) => m.ts === ts);
  if (found) return found;
  try {
    // Narrowed to the one ts (the parent comes too): a reply deep in a long thread is found in one small
    // page, where the first page of the whole thread would miss it (Slack caps that page at 15 messages for
    // apps distributed outside the Marketplace).
    const replies = await ctx.api.call('conversations.replies', { channel, ts, oldest: ts, latest: ts, inclusive: true, limit: 15 }, callOpts);
    return ((replies.messages as RawMessage[] | undefined) ?? []).find((m) => m.ts === ts);
  } catch (error) {
    if ((error as { code?: string }).code === 'thread_not_found') return undefined;
    throw error;
  }
}
