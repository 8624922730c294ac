import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { compactUser, userLabel, type RawUser } from '../lib/users.js';
import { guard, nextCursorField, nextPageHint } from './common.js';

export const userSchema = z.object({
  id: z.string().describe('User ID.'),
  name: z.string().describe('Username (handle).'),
  display_name: z.string().optional().describe('Display name.'),
  real_name: z.string().optional().describe('Full name.'),
  title: z.string().optional().describe('Job title.'),
  email: z.string().optional().describe('Email, when the token has users:read.email.'),
  tz: z.string().optional().describe('Time zone.'),
  is_bot: z.boolean().describe('Bots and apps.'),
  deleted: z.boolean().describe('Deactivated accounts.'),
});

export const slackGetUsers = defineTool({
  name: 'slack_get_users',
  title: 'List users',
  description: 'Lists the workspace\'s users with their basic profile information, a page at a time (compact; next_cursor for more). To look one person up by name or email, use slack_find_user.',
  toolset: 'users',
  input: z.object({
    cursor: z.string().max(500).optional().describe('Pagination cursor for next page of results.'),
    limit: z.number().int().min(1).max(200).optional().describe('Maximum number of users to return (default 100, max 200).'),
  }),
  output: z.object({ users: z.array(userSchema).describe('This page of users.'), next_cursor: nextCursorField }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const result = await deps.api.call('users.list', { limit: args.limit ?? 100, team_id: deps.api.teamId, ...(args.cursor ? { cursor: args.cursor } : {}) }, { signal });
      const raw = (result.members as RawUser[] | undefined) ?? [];
      raw.forEach((u) => deps.directory.rememberUser(u));
      const users = raw.map(compactUser);
      const nextCursor = result.response_metadata?.next_cursor || null;
      const lines = users.map((u) => `${u.id}  ${userLabel(u)} (@${u.name})${u.title ? `, ${u.title}` : ''}${u.is_bot ? ' [bot]' : ''}${u.deleted ? ' [deactivated]' : ''}`);
      return { structured: { users, next_cursor: nextCursor }, text: `${users.length} user(s):\n${lines.join('\n')}${nextPageHint('slack_get_users', nextCursor)}` };
    });
  },
});
