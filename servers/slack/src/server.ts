import { defineServer, readPackageInfo } from '@portico/protocol';
import type { SlackDeps } from './deps.js';
import { tools } from './tools/index.js';

export const server = defineServer<SlackDeps>({
  name: 'slack',
  package: readPackageInfo(import.meta.url),
  title: 'Portico Slack',
  instructions: [
    'Reads and posts in a Slack workspace as a bot.',
    'Tools take conversation IDs (C…, G…, D…): get them with slack_find_channel or slack_list_channels; user IDs (U…) with slack_find_user.',
    'Message timestamps (ts, e.g. 1712345678.123456) identify messages for replies, reactions, links, edits and deletes.',
    'The operator may limit the server to an allow-list of conversations; anything outside it is refused.',
    'Lists are paged: pass next_cursor back as cursor.',
  ].join(' '),
  defaultPort: 3306,
  tools,
  toolsets: {
    channels: 'list and find conversations',
    messages: 'read history, threads and message links',
    users: 'list, find and describe users',
    search: 'search messages (needs SLACK_USER_TOKEN)',
    write: 'post, reply, react, edit/delete own messages, schedule (removed by --read-only)',
  },
});
