import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkBlocks, checkText } from '../lib/validate.js';
import { blocksField, channelIdField, guard, tsField } from './common.js';
import { channelLabel, checkOwnMessageTarget, quoteFirstLine, requireOwnMessage } from './own-message.js';

export const slackUpdateMessage = defineTool({
  name: 'slack_update_message',
  title: 'Edit a bot message',
  description: "Replaces the text (and optionally blocks) of a message the bot posted. Messages by anyone else are refused before Slack is asked. Refused outside the operator's allow-list.",
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The channel of the message'),
    ts: tsField('The timestamp of the bot message to edit'),
    text: z.string().describe('The new text (mrkdwn).'),
    blocks: blocksField,
  }),
  output: z.object({ channel: z.string().describe('The conversation.'), ts: z.string().describe('The edited message.') }),
  // It overwrites the previous text, which is gone afterwards.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  auditOmit: ['text', 'blocks'],
  // One history lookup (the ownership check the handler repeats) quotes the text that would be replaced.
  async preview(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const { channel, ts, text } = checkUpdate(deps, args);
      const message = await requireOwnMessage(deps, channel, ts, signal);
      const blocks = args.blocks ? ` and ${args.blocks.length} block(s)` : '';
      return `Replace the text of the bot's message ${ts} in ${channelLabel(deps, channel)}. The old text, which begins ${quoteFirstLine(message.text)}, is replaced by ${text.length} character(s)${blocks} beginning ${quoteFirstLine(text)}.`;
    }, { channel: args.channel_id });
  },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const { channel, ts, text } = checkUpdate(deps, args);
      await requireOwnMessage(deps, channel, ts, signal);
      await deps.api.call('chat.update', { channel, ts, text, ...(args.blocks ? { blocks: args.blocks } : {}) }, { signal });
      return { structured: { channel, ts }, text: `Edited message ${ts} in ${channel}.` };
    }, { channel: args.channel_id });
  },
});

/** Everything the preview and the handler check before Slack is asked. */
function checkUpdate(deps: SlackDeps, args: { channel_id: string; ts: string; text: string; blocks?: Record<string, unknown>[] | undefined }) {
  const target = checkOwnMessageTarget(deps, args);
  const text = checkText(args.text);
  checkBlocks(args.blocks);
  return { ...target, text };
}
