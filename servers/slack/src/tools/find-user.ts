import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { findUsers, FIND_USER_MAX_PAGES, userLabel } from '../lib/users.js';
import { guard } from './common.js';
import { userSchema } from './get-users.js';

export const slackFindUser = defineTool({
  name: 'slack_find_user',
  title: 'Find a user by name or email',
  description: 'Finds users by email address (exact, needs users:read.email) or by name (username, display name or real name; exact matches first) and returns their IDs.',
  toolset: 'users',
  input: z.object({ query: z.string().min(1).max(200).describe('An email address, or a name such as "alice" or "Alice Smith".') }),
  output: z.object({
    matches: z.array(userSchema).describe('Matching users (at most 20).'),
    incomplete: z.boolean().describe(`True when the name search stopped after ${FIND_USER_MAX_PAGES} pages of users.`),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const result = await findUsers({ api: deps.api, directory: deps.directory, signal }, args.query);
      const lines = result.matches.map((u) => `${u.id}  ${userLabel(u)} (@${u.name})${u.email ? ` <${u.email}>` : ''}${u.deleted ? ' [deactivated]' : ''}`);
      const text = result.matches.length ? `${result.matches.length} match(es) for "${args.query}":\n${lines.join('\n')}` : `No user matches "${args.query}".`;
      return { structured: { matches: result.matches, incomplete: result.incomplete }, text };
    });
  },
});
