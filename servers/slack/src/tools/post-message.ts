import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkBlocks, checkChannelId, checkText, MAX_TEXT_CHARS } from '../lib/validate.js';
import { blocksField, channelIdField, guard, mrkdwnField, postOptions, unfurlFields } from './common.js';

export const postedSchema = z.object({
  channel: z.string().describe('Conversation the message went to.'),
  ts: z.string().describe('Timestamp (ID) of the new message; use it to reply, react, edit or delete.'),
  thread_ts: z.string().optional().describe('Parent message of the thread, for replies.'),
});

export const slackPostMessage = defineTool({
  name: 'slack_post_message',
  title: 'Post a message',
  description: `Posts a new message to a Slack channel as the bot. Text up to ${MAX_TEXT_CHARS} characters, mrkdwn by default, optional Block Kit blocks; link previews are off unless asked for. Refused for conversations outside the operator's allow-list.`,
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The ID of the channel to post to'),
    text: z.string().describe(`The message text to post (mrkdwn; at most ${MAX_TEXT_CHARS} characters).`),
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
      const text = checkText(args.text);
      checkBlocks(args.blocks);
      const result = await deps.api.call('chat.postMessage', { channel, text, ...postOptions(args) }, { signal });
      const ts = String(result.ts ?? '');
      return { structured: { channel: String(result.channel ?? channel), ts }, text: `Posted to ${channel} (ts ${ts}).` };
    }, { channel: args.channel_id });
  },
});

