import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { renderMessageLines } from '../lib/messages.js';
import { checkChannelId, checkTs } from '../lib/validate.js';
import { channelIdField, guard, nextCursorField } from './common.js';
import { messagePage } from './message-page.js';
import { channelSource, messageBlock } from './hygiene.js';
import { messageSchema } from './get-channel-history.js';

export const slackGetThreadReplies = defineTool({
  name: 'slack_get_thread_replies',
  title: 'Read a thread',
  description:
    "Reads a thread: the parent message and its replies, oldest first, compact. Narrow with oldest/latest; page with cursor. Refused outside the operator's allow-list.",
  toolset: 'messages',
  input: z.object({
    channel_id: channelIdField('The ID of the channel containing the thread'),
    thread_ts: z
      .string()
      .max(40)
      .describe("The timestamp of the parent message in the format '1234567890.123456'. Timestamps in the format without the period can be converted by adding the period such that 6 numbers come after it."),
    limit: z.number().int().min(1).max(1000).optional().describe('Most messages to return (default 100, max 1000).'),
    oldest: z.string().max(40).optional().describe('Only replies after this ts.'),
    latest: z.string().max(40).optional().describe('Only replies before this ts.'),
    cursor: z.string().max(500).optional().describe('next_cursor from the previous call, for the next page.'),
  }),
  output: z.object({
    channel: z.string().describe('The conversation.'),
    thread_ts: z.string().describe('The thread parent.'),
    messages: z.array(messageSchema).describe('Parent and replies, oldest first.'),
    has_more: z.boolean().describe('Whether more replies remain.'),
    next_cursor: nextCursorField,
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertRead(channel);
      const threadTs = checkTs(args.thread_ts, 'thread_ts');
      const oldest = args.oldest === undefined ? undefined : checkTs(args.oldest, 'oldest');
      const latest = args.latest === undefined ? undefined : checkTs(args.latest, 'latest');
      const result = await deps.api.call(
        'conversations.replies',
        {
          channel,
          ts: threadTs,
          limit: args.limit ?? 100,
          ...(oldest ? { oldest } : {}),
          ...(latest ? { latest } : {}),
          ...(args.cursor ? { cursor: args.cursor } : {}),
        },
        { signal },
      );
      const { messages, nextCursor, hint, hasMore } = await messagePage(deps, result, { tool: 'slack_get_thread_replies', resumeWith: 'oldest', keep: { latest }, signal });
      const text = `Thread ${threadTs} in ${channel}, ${messages.length} message(s), oldest first:\n${messageBlock(renderMessageLines(messages), `${channelSource(channel, deps.directory.channelName(channel))} thread ${threadTs}`)}${hint}`;
      return { structured: { channel, thread_ts: threadTs, messages, has_more: hasMore, next_cursor: nextCursor }, text };
    }, { channel: args.channel_id });
  },
});
