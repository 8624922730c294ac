import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkChannelId, checkTs } from '../lib/validate.js';
import { channelIdField, guard, tsField } from './common.js';

export const slackGetPermalink = defineTool({
  name: 'slack_get_permalink',
  title: 'Get a message link',
  description: "Returns the permanent link to a message, to share it or to read a long message whole in Slack. Refused outside the operator's allow-list.",
  toolset: 'messages',
  input: z.object({
    channel_id: channelIdField('The channel of the message'),
    message_ts: tsField('The message timestamp'),
  }),
  output: z.object({ channel: z.string().describe('The conversation.'), message_ts: z.string().describe('The message.'), permalink: z.string().describe('Permanent link to the message.') }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertRead(channel);
      const ts = checkTs(args.message_ts, 'message_ts');
      const result = await deps.api.call('chat.getPermalink', { channel, message_ts: ts }, { signal });
      const permalink = String(result.permalink ?? '');
      return { structured: { channel, message_ts: ts, permalink }, text: permalink };
    }, { channel: args.channel_id });
  },
});
