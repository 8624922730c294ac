import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkChannelId, checkReaction, checkTs } from '../lib/validate.js';
import { channelIdField, guard } from './common.js';

export const slackAddReaction = defineTool({
  name: 'slack_add_reaction',
  title: 'Add a reaction',
  description: "Adds an emoji reaction to a message as the bot. Counts as a write: refused outside the operator's allow-list and post list.",
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The ID of the channel containing the message'),
    timestamp: z.string().max(40).describe("The timestamp of the message to react to, e.g. '1712345678.123456'."),
    reaction: z.string().min(1).max(100).describe('The name of the emoji reaction (without ::), e.g. thumbsup.'),
  }),
  output: z.object({
    channel: z.string().describe('Conversation of the message.'),
    timestamp: z.string().describe('The message reacted to.'),
    reaction: z.string().describe('The emoji name added.'),
  }),
  // Adding the same reaction twice changes nothing more (Slack answers already_reacted).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertWrite(channel);
      const timestamp = checkTs(args.timestamp, 'timestamp');
      const name = checkReaction(args.reaction);
      await deps.api.call('reactions.add', { channel, timestamp, name }, { signal });
      return { structured: { channel, timestamp, reaction: name }, text: `Added :${name}: to message ${timestamp} in ${channel}.` };
    }, { channel: args.channel_id });
  },
});
