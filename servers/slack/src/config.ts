/**
 * The Slack server's settings. Tokens come only from the environment (a flag would show them in `ps`), and
 * each one is registered as a secret the moment it is read, so no log line, error or result can echo it.
 */
import { ConfigError, type ConfigSpec, isLoopbackHost, parseInteger, secrets } from '@portico/protocol';

export interface SlackConfig {
  botToken: string;
  /** Enables slack_search_messages (search.messages refuses bot tokens). */
  userToken: string | undefined;
  teamId: string;
  /** Base URL of the Web API, always ending in `/`. Tokens are sent nowhere else. */
  apiUrl: string;
  /** SLACK_CHANNEL_IDS: when set, the only conversations any tool may read or write. */
  channelIds: string[] | undefined;
  /** SLACK_POST_CHANNEL_IDS: when set, the only conversations any tool may write to (post, react, edit...). */
  postChannelIds: string[] | undefined;
  /** Longest Retry-After (seconds) the server waits out before retrying; longer waits are reported instead. */
  maxRetryWaitSeconds: number;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';
const CONVERSATION_ID = /^[CGD][A-Z0-9]{2,}$/;

export const config: ConfigSpec<SlackConfig> = {
  usage: '[options]   (tokens come from SLACK_BOT_TOKEN / SLACK_USER_TOKEN in the environment)',
  helpText: [
    'Environment:',
    '  SLACK_BOT_TOKEN        required: the bot token (xoxb-...)',
    '  SLACK_TEAM_ID          required: the workspace ID (T...)',
    '  SLACK_USER_TOKEN       optional: a user token (xoxp-...) with search:read, enables slack_search_messages',
    '  SLACK_CHANNEL_IDS      optional: comma list of conversation IDs; every read and write is limited to them',
    '  SLACK_POST_CHANNEL_IDS optional: comma list; writes (post, reply, react, edit, delete, schedule) are limited to them',
    '  SLACK_API_URL          optional: Web API base URL (default https://slack.com/api/)',
    '  SLACK_MAX_RETRY_WAIT   optional: longest Retry-After (seconds) waited out; longer rate limits are reported (default 20)',
  ].join('\n'),
  options: {
    'channel-ids': { type: 'string', env: 'SLACK_CHANNEL_IDS', placeholder: 'C1,C2', description: 'only these conversations can be read or written' },
    'post-channel-ids': { type: 'string', env: 'SLACK_POST_CHANNEL_IDS', placeholder: 'C1,C2', description: 'only these conversations can be written to' },
    'api-url': { type: 'string', env: 'SLACK_API_URL', placeholder: 'URL', description: 'Slack Web API base URL (default https://slack.com/api/)' },
    'max-retry-wait': { type: 'string', env: 'SLACK_MAX_RETRY_WAIT', placeholder: 'SECONDS', description: 'longest rate-limit wait honoured before reporting it (default 20)' },
  },
  parse({ values, env }) {
    // Read and register the tokens first: any later error message must already be redacted.
    const botToken = env.SLACK_BOT_TOKEN?.trim();
    const userToken = env.SLACK_USER_TOKEN?.trim() || undefined;
    secrets.register(botToken);
    secrets.register(userToken);
    if (!botToken) {
      throw new ConfigError('SLACK_BOT_TOKEN is not set: put the bot token (xoxb-...) from your Slack app\'s "OAuth & Permissions" page in the environment.', 'SLACK_BOT_TOKEN');
    }
    const teamId = env.SLACK_TEAM_ID?.trim();
    if (!teamId) {
      throw new ConfigError('SLACK_TEAM_ID is not set: put the workspace ID (starts with T, shown in the workspace URL or by auth.test) in the environment.', 'SLACK_TEAM_ID');
    }
    if (!/^[TE][A-Z0-9]+$/.test(teamId)) {
      throw new ConfigError(`SLACK_TEAM_ID="${teamId}" is not a workspace ID: it looks like T0123ABCD.`, 'SLACK_TEAM_ID');
    }
    const channelIds = parseIdList(values['channel-ids'] as string | undefined, 'SLACK_CHANNEL_IDS');
    const postList = parseIdList(values['post-channel-ids'] as string | undefined, 'SLACK_POST_CHANNEL_IDS');
    if (channelIds && postList) {
      const outside = postList.filter((id) => !channelIds.includes(id));
      if (outside.length > 0) {
        throw new ConfigError(
          `SLACK_POST_CHANNEL_IDS names ${outside.join(', ')}, which SLACK_CHANNEL_IDS does not allow: posting can only be narrowed, so add them to SLACK_CHANNEL_IDS or remove them.`,
          'SLACK_POST_CHANNEL_IDS',
        );
      }
    }
    const apiUrl = parseApiUrl((values['api-url'] as string | undefined) ?? DEFAULT_API_URL);
    const maxRetryWaitSeconds = parseInteger(values['max-retry-wait'] as string | undefined, 'SLACK_MAX_RETRY_WAIT', 0, 600) ?? 20;
    return { botToken, userToken, teamId, apiUrl, channelIds, postChannelIds: postList, maxRetryWaitSeconds };
  },
};

function parseIdList(raw: string | undefined, setting: string): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const ids = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) return undefined;
  for (const id of ids) {
    if (!CONVERSATION_ID.test(id)) {
      throw new ConfigError(`${setting}: "${id}" is not a conversation ID (they look like C0123ABCD, G0123ABCD or D0123ABCD; names are not accepted).`, setting);
    }
  }
  return ids;
}

function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SLACK_API_URL="${raw}" is not a URL: use https://slack.com/api/ or your proxy's https URL.`, 'SLACK_API_URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError('SLACK_API_URL must be a plain base URL without credentials, query or fragment.', 'SLACK_API_URL');
  }
  // The bot token travels in every request: plain http is only acceptable to this machine itself.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`SLACK_API_URL="${raw}" must use https (plain http is accepted only for loopback test servers).`, 'SLACK_API_URL');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
