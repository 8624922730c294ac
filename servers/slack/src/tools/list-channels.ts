import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { CONVERSATION_TYPES, listChannels } from '../lib/channels.js';
import { guard, nextCursorField, nextPageHint } from './common.js';

export const channelSchema = z.object({
  id: z.string().describe('Conversation ID.'),
  name: z.string().describe('Channel name, or @person for a DM.'),
  kind: z.enum(['public', 'private', 'dm', 'group_dm']).describe('Kind of conversation.'),
  is_archived: z.boolean().describe('Archived channels can be read but not posted to.'),
  is_member: z.boolean().optional().describe('Whether the bot is a member (it must be, to read or post).'),
  num_members: z.number().optional().describe('Member count, when Slack gives it.'),
  topic: z.string().optional().describe('Channel topic.'),
  purpose: z.string().optional().describe('Channel purpose.'),
  user: z.string().optional().describe('For DMs: the other person\'s user ID.'),
});

export const slackListChannels = defineTool({
  name: 'slack_list_channels',
  title: 'List channels',
  description:
    'Lists the conversations the bot can see, a page at a time. When the operator set an allow-list, only those conversations are listed. Public channels by default; pass types to include private channels, group DMs and DMs (needs the matching scopes).',
  toolset: 'channels',
  input: z.object({
    limit: z.number().int().min(1).max(200).optional().describe('Maximum number of channels to return (default 100, max 200).'),
    cursor: z.string().max(500).optional().describe('Pagination cursor for next page of results (next_cursor from the previous call).'),
    types: z.array(z.enum(CONVERSATION_TYPES)).min(1).max(4).optional().describe('Conversation types: public_channel (default), private_channel, mpim (group DMs), im (DMs).'),
    include_archived: z.boolean().optional().describe('Include archived channels (default false).'),
  }),
  output: z.object({
    channels: z.array(channelSchema).describe('This page of conversations.'),
    next_cursor: nextCursorField,
    allow_list: z.boolean().describe('True when the operator limited this server to an allow-list of conversations.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const page = await listChannels(
        { api: deps.api, policy: deps.policy, directory: deps.directory, signal },
        { limit: args.limit ?? 100, cursor: args.cursor, types: args.types ?? ['public_channel'], includeArchived: args.include_archived ?? false },
      );
      const lines = page.channels.map((c) => `${c.id}  ${c.kind === 'dm' ? c.name : `#${c.name}`} (${c.kind}${c.is_archived ? ', archived' : ''}${c.num_members !== undefined ? `, ${c.num_members} members` : ''})${c.topic ? ` — ${c.topic}` : ''}`);
      const text = `${page.channels.length} channel(s)${deps.policy.readable ? ' (allow-listed)' : ''}:\n${lines.join('\n')}${nextPageHint('slack_list_channels', page.nextCursor)}`;
      return { structured: { channels: page.channels, next_cursor: page.nextCursor, allow_list: deps.policy.readable !== undefined }, text };
    });
  },
});
