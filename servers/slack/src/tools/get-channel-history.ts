import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { renderMessageLines } from '../lib/messages.js';
import { checkChannelId, checkTs } from '../lib/validate.js';
import { channelIdField, guard, nextCursorField } from './common.js';
import { messagePage } from './message-page.js';
import { channelSource, messageBlock } from './hygiene.js';

export const messageSchema = z.object({
  ts: z.string().describe('Message timestamp (its ID).'),
  user: z.string().optional().describe('Author user ID.'),
  user_name: z.string().optional().describe('Author display name.'),
  bot_id: z.string().optional().describe('Bot ID, for messages posted by an app.'),
  text: z.string().describe('Text with user mentions shown as @name.'),
  text_truncated: z.boolean().optional().describe('True when the text was cut; slack_get_permalink links to the whole message.'),
  subtype: z.string().optional().describe('Slack message subtype (e.g. channel_join, bot_message).'),
  thread_ts: z.string().optional().describe('Thread parent ts, when the message is in or starts a thread.'),
  reply_count: z.number().optional().describe('Number of replies, for thread parents.'),
  reactions: z.array(z.object({ name: z.string().describe('Emoji name.'), count: z.number().describe('How many reacted.') })).optional().describe('Reactions on the message.'),
  files: z.number().optional().describe('Number of attached files.'),
  edited: z.boolean().optional().describe('True when the message was edited.'),
});

export const slackGetChannelHistory = defineTool({
  name: 'slack_get_channel_history',
  title: 'Read channel history',
  description:
    'Reads recent messages of a channel, newest first, compact (author names resolved, long texts cut). Narrow by time with oldest/latest (message timestamps); page with cursor. Refused outside the operator\'s allow-list.',
  toolset: 'messages',
  input: z.object({
    channel_id: channelIdField('The ID of the channel'),
    limit: z.number().int().min(1).max(200).optional().describe('Number of messages to retrieve (default 10, max 200).'),
    oldest: z.string().max(40).optional().describe('Only messages after this ts (e.g. 1712345678.000000).'),
    latest: z.string().max(40).optional().describe('Only messages before this ts.'),
    inclusive: z.boolean().optional().describe('Include messages exactly at oldest/latest (default false).'),
    cursor: z.string().max(500).optional().describe('next_cursor from the previous call, for the next (older) page.'),
  }),
  output: z.object({
    channel: z.string().describe('The conversation read.'),
    messages: z.array(messageSchema).describe('Messages, newest first.'),
    has_more: z.boolean().describe('Whether older messages remain.'),
    next_cursor: nextCursorField,
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertRead(channel);
      const oldest = args.oldest === undefined ? undefined : checkTs(args.oldest, 'oldest');
      const latest = args.latest === undefined ? undefined : checkTs(args.latest, 'latest');
      const result = await deps.api.call(
        'conversations.history',
        {
          channel,
          limit: args.limit ?? 10,
          ...(oldest ? { oldest } : {}),
          ...(latest ? { latest } : {}),
          ...(args.inclusive ? { inclusive: true } : {}),
          ...(args.cursor ? { cursor: args.cursor } : {}),
        },
        { signal },
      );
      const { messages, nextCursor, hint, hasMore } = await messagePage(deps, result, { tool: 'slack_get_channel_history', resumeWith: 'latest', keep: { oldest, inclusive: args.inclusive }, signal });
      const label = deps.directory.channelName(channel);
      const text = `${messages.length} message(s) in ${label ? `${label.startsWith('@') ? label : `#${label}`} (${channel})` : channel}, newest first:\n${messageBlock(renderMessageLines(messages), channelSource(channel, label))}${hint}`;
      return { structured: { channel, messages, has_more: hasMore, next_cursor: nextCursor }, text };
    }, { channel: args.channel_id });
  },
});
