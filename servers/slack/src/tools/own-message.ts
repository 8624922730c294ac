/**
 * What update and delete share: the check that the message exists and the bot itself posted it, and the
 * confirmation text naming it (the same lookup, so a confirmation never asks about someone else's message).
 */
import { stripInvisibleText } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { fetchMessage } from '../lib/channels.js';
import type { RawMessage } from '../lib/messages.js';
import { SlackProblem } from '../lib/problem.js';
import { checkChannelId, checkTs } from '../lib/validate.js';

/**
 * The channel and ts of a message to change, checked: a valid ID inside the operator's write allow-list and a
 * valid ts. The preview and the handler both call it, since either may run without the other.
 */
export function checkOwnMessageTarget(deps: SlackDeps, args: { channel_id: string; ts: string }): { channel: string; ts: string } {
  const channel = checkChannelId(args.channel_id);
  deps.policy.assertWrite(channel);
  return { channel, ts: checkTs(args.ts, 'ts') };
}

export async function requireOwnMessage(deps: SlackDeps, channel: string, ts: string, signal: AbortSignal): Promise<RawMessage> {
  const me = await deps.api.identity('bot');
  const message = await fetchMessage({ api: deps.api, signal }, channel, ts);
  if (!message) {
    throw new SlackProblem(`no message with ts ${ts} in ${channel}.`, 'copy the ts from slack_get_channel_history or slack_get_thread_replies, or from the result of slack_post_message.', 'message_not_found');
  }
  const mine = (me.botId !== undefined && message.bot_id === me.botId) || (message.user !== undefined && message.user === me.userId);
  if (!mine) {
    throw new SlackProblem(
      `message ${ts} in ${channel} was not posted by this bot, so this server will not change it.`,
      'only the bot\'s own messages can be edited or deleted; post a new message or reply in the thread instead.',
      'not_own_message',
    );
  }
  return message;
}

/** Longest quote of a message's first line in a confirmation. */
const QUOTE_CHARS = 120;

/** `"first line…"` of a message, cleaned of invisible characters, for a confirmation. */
export function quoteFirstLine(text: string | undefined): string {
  const line = stripInvisibleText(text ?? '').split('\n', 1)[0] ?? '';
  return `"${line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line}"`;
}

/** "#general (C0GENERAL)" when the name is known (cached), else the ID. */
export function channelLabel(deps: SlackDeps, channel: string): string {
  const name = deps.directory.channelName(channel);
  return name ? `${name.startsWith('@') ? name : `#${name}`} (${channel})` : channel;
}
