import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { channelIdField, guard, tsField } from './common.js';
import { channelLabel, checkOwnMessageTarget, quoteFirstLine, requireOwnMessage } from './own-message.js';

export const slackDeleteMessage = defineTool({
  name: 'slack_delete_message',
  title: 'Delete a bot message',
  description: "Deletes a message the bot posted. Messages by anyone else are refused before Slack is asked. Refused outside the operator's allow-list.",
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The channel of the message'),
    ts: tsField('The timestamp of the bot message to delete'),
  }),
  output: z.object({ channel: z.string().describe('The conversation.'), ts: z.string().describe('The deleted message.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  // One history lookup (the ownership check the handler repeats) quotes the message that would be lost.
  async preview(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const { channel, ts } = checkOwnMessageTarget(deps, args);
      const message = await requireOwnMessage(deps, channel, ts, signal);
      return `Delete the bot's message ${ts} in ${channelLabel(deps, channel)}, which begins ${quoteFirstLine(message.text)}. Slack keeps no copy: it cannot be undone.`;
    }, { channel: args.channel_id });
  },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const { channel, ts } = checkOwnMessageTarget(deps, args);
      await requireOwnMessage(deps, channel, ts, signal);
      await deps.api.call('chat.delete', { channel, ts }, { signal });
      return { structured: { channel, ts }, text: `Deleted message ${ts} in ${channel}.` };
    }, { channel: args.channel_id });
  },
});
