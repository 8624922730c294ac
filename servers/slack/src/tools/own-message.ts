/** The check shared by update and delete: the message exists and the bot itself posted it. */
import type { SlackDeps } from '../deps.js';
import { fetchMessage } from '../lib/channels.js';
import type { RawMessage } from '../lib/messages.js';
import { SlackProblem } from '../lib/problem.js';

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
