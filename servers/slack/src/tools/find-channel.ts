import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { CONVERSATION_TYPES, FIND_MAX_PAGES, findChannels } from '../lib/channels.js';
import { guard } from './common.js';
import { channelSchema } from './list-channels.js';

export const slackFindChannel = defineTool({
  name: 'slack_find_channel',
  title: 'Find a channel by name',
  description: "Finds conversations by name (exact matches first, then names containing it) and returns their IDs. Only the operator's allow-listed conversations are searched when an allow-list is set.",
  toolset: 'channels',
  input: z.object({
    name: z.string().min(1).max(80).describe('Channel name, with or without #, e.g. "general".'),
    types: z.array(z.enum(CONVERSATION_TYPES)).min(1).max(4).optional().describe('Conversation types to search (default public_channel and private_channel).'),
  }),
  output: z.object({
    matches: z.array(channelSchema).describe('Matching conversations (at most 20), exact names first.'),
    incomplete: z.boolean().describe(`True when the search stopped after ${FIND_MAX_PAGES} pages of channels.`),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const types = args.types ?? ['public_channel', 'private_channel'];
      let result;
      try {
        result = await findChannels({ api: deps.api, policy: deps.policy, directory: deps.directory, signal }, args.name, types);
      } catch (error) {
        // Without groups:read, listing private channels fails; fall back to public ones rather than fail.
        if ((error as { code?: string }).code !== 'missing_scope' || args.types) throw error;
        result = await findChannels({ api: deps.api, policy: deps.policy, directory: deps.directory, signal }, args.name, ['public_channel']);
      }
      const lines = result.matches.map((c) => `${c.id}  #${c.name} (${c.kind}${c.is_archived ? ', archived' : ''})`);
      const text = result.matches.length
        ? `${result.matches.length} match(es) for "${args.name}":\n${lines.join('\n')}${result.incomplete ? '\n(Search stopped early; the workspace has more channels. Try a more exact name.)' : ''}`
        : `No conversation named like "${args.name}"${deps.policy.readable ? ' among the allow-listed ones' : ''}${result.incomplete ? ' in the first pages searched' : ''}. The bot sees private channels only when it is a member.`;
      return { structured: { matches: result.matches, incomplete: result.incomplete }, text };
    });
  },
});
