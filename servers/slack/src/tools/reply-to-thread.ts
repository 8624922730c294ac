import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkBlocks, checkChannelId, checkText, checkTs, MAX_TEXT_CHARS } from '../lib/validate.js';
import { blocksField, channelIdField, guard, mrkdwnField, postOptions, unfurlFields } from './common.js';
import { postedSchema } from './post-message.js';

export const slackReplyToThread = defineTool({
  name: 'slack_reply_to_thread',
  title: 'Reply in a thread',
  description: `Replies to a message thread as the bot (text up to ${MAX_TEXT_CHARS} characters, optional blocks). Refused for conversations outside the operator's allow-list.`,
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The ID of the channel containing the thread'),
    thread_ts: z
      .string()
      .max(40)
      .describe("The timestamp of the parent message in the format '1234567890.123456'. Timestamps in the format without the period can be converted by adding the period such that 6 numbers come after it."),
    text: z.string().describe('The reply text (mrkdwn).'),
    reply_broadcast: z.boolean().optional().describe('Also show the reply in the channel (default false).'),
    blocks: blocksField,
    mrkdwn: mrkdwnField,
    ...unfurlFields,
  }),
  output: postedSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  auditOmit: ['text', 'blocks'],
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertWrite(channel);
      const threadTs = checkTs(args.thread_ts, 'thread_ts');
      const text = checkText(args.text);
      checkBlocks(args.blocks);
      const result = await deps.api.call(
        'chat.postMessage',
        { channel, thread_ts: threadTs, text, ...(args.reply_broadcast ? { reply_broadcast: true } : {}), ...postOptions(args) },
        { signal },
      );
      const ts = String(result.ts ?? '');
      return { structured: { channel: String(result.channel ?? channel), ts, thread_ts: threadTs }, text: `Replied in thread ${threadTs} of ${channel} (ts ${ts}).` };
    }, { channel: args.channel_id });
  },
});
