import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { compactMessage, referencedUsers, renderMessageLines, type RawMessage } from '../lib/messages.js';
import { SlackProblem } from '../lib/problem.js';
import { guard } from './common.js';
import { messageBlock } from './hygiene.js';
import { messageSchema } from './get-channel-history.js';

interface RawMatch extends RawMessage {
  channel?: { id?: string; name?: string };
  permalink?: string;
}

export const slackSearchMessages = defineTool({
  name: 'slack_search_messages',
  title: 'Search messages',
  description:
    "Searches messages with Slack's search syntax (e.g. `deploy in:#ops from:@alice after:2024-01-01`). Needs SLACK_USER_TOKEN. Results outside the operator's allow-list are dropped and counted.",
  toolset: 'search',
  input: z.object({
    query: z.string().min(1).max(500).describe('Search query; Slack modifiers such as in:#channel, from:@user, before:/after:YYYY-MM-DD work.'),
    count: z.number().int().min(1).max(100).optional().describe('Results per page (default 20, max 100).'),
    page: z.number().int().min(1).max(100).optional().describe('Page number, from 1 (default 1).'),
    sort: z.enum(['score', 'timestamp']).optional().describe('Order by relevance (score, default) or time.'),
    sort_dir: z.enum(['asc', 'desc']).optional().describe('Sort direction (default desc).'),
  }),
  output: z.object({
    matches: z.array(messageSchema.extend({ channel: z.string().describe('Conversation ID.'), channel_name: z.string().optional().describe('Channel name.'), permalink: z.string().optional().describe('Link to the message.') })).describe('Matching messages on this page.'),
    total: z.number().describe('Total matches Slack reports (before the allow-list filter).'),
    page: z.number().describe('This page.'),
    pages: z.number().describe('Number of pages.'),
    hidden_by_allow_list: z.number().describe('Matches on this page dropped because their conversation is outside the allow-list.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      if (!deps.api.hasUserToken()) {
        throw new SlackProblem(
          'searching needs a Slack user token, and SLACK_USER_TOKEN is not set (search.messages does not accept bot tokens).',
          'the operator can set SLACK_USER_TOKEN (xoxp-..., scope search:read) and restart; meanwhile read channels with slack_get_channel_history.',
          'no_user_token',
        );
      }
      const result = await deps.api.call(
        'search.messages',
        { query: args.query, count: args.count ?? 20, page: args.page ?? 1, sort: args.sort ?? 'score', sort_dir: args.sort_dir ?? 'desc', highlight: false },
        { token: 'user', signal },
      );
      const block = (result.messages as { matches?: RawMatch[]; paging?: { total?: number; page?: number; pages?: number }; total?: number } | undefined) ?? {};
      const all = block.matches ?? [];
      // Search sees everything the user can see; the sandbox still applies to what reaches the model.
      const visible = all.filter((m) => m.channel?.id && deps.policy.canRead(m.channel.id));
      const hidden = all.length - visible.length;
      const names = await deps.directory.userNames(referencedUsers(visible), signal);
      const matches = visible.map((m) => ({
        ...compactMessage(m, names),
        channel: m.channel!.id!,
        ...(m.channel?.name ? { channel_name: m.channel.name } : {}),
        ...(m.permalink ? { permalink: m.permalink } : {}),
      }));
      const paging = { total: block.paging?.total ?? block.total ?? all.length, page: block.paging?.page ?? args.page ?? 1, pages: block.paging?.pages ?? 1 };
      const more = paging.page < paging.pages ? `\n[More available: call slack_search_messages again with page=${paging.page + 1}.]` : '';
      const hiddenNote = hidden ? `\n(${hidden} match(es) in conversations outside the allow-list were left out.)` : '';
      const lines = matches.map((m) => `#${m.channel_name ?? m.channel} ${renderMessageLines([m])}`);
      const text = `${matches.length} match(es) on page ${paging.page} of ${paging.pages} (${paging.total} total):\n${messageBlock(lines.join('\n'), `slack search results for ${args.query}`)}${hiddenNote}${more}`;
      return { structured: { matches, ...paging, hidden_by_allow_list: hidden }, text };
    });
  },
});
