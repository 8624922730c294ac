/**
 * Slack's error codes, explained: what went wrong in words a model (and its user) can act on, and what to
 * try next. Codes come from Slack's method documentation; unknown codes are passed through with the method.
 */
import type { SlackApiError, TokenKind } from './slack-api.js';

export interface Explanation {
  message: string;
  hint: string;
  /** Slack's code (or this server's), for structuredContent and tests. */
  code: string;
}

const TOKEN_ENV: Record<TokenKind, string> = { bot: 'SLACK_BOT_TOKEN', user: 'SLACK_USER_TOKEN' };

export function explainSlackError(error: SlackApiError, context: { channel?: string } = {}): Explanation {
  const { method, code, detail } = error;
  const where = context.channel ? ` ${context.channel}` : '';
  const tokenEnv = TOKEN_ENV[detail.token ?? 'bot'];
  const say = (message: string, hint: string): Explanation => ({ message, hint, code });
  switch (code) {
    case 'not_in_channel':
      return say(`the bot is not a member of channel${where}, so Slack refused ${method} (not_in_channel).`, `ask someone in the channel to type /invite @<bot name> there, then call again.`);
    case 'channel_not_found':
      return say(`Slack has no conversation${where} that this token can see (channel_not_found).`, 'check the ID with slack_list_channels or slack_find_channel; private channels and DMs are visible only when the bot is a member.');
    case 'is_archived':
      return say(`channel${where} is archived, so nothing can be posted or changed there (is_archived).`, 'pick another channel, or ask a workspace member to unarchive it.');
    case 'msg_too_long':
      return say('Slack refused the message as too long (msg_too_long).', 'shorten the text (Slack keeps at most 40,000 characters; 4,000 reads best) or split it into several messages.');
    case 'no_text':
      return say('Slack refused a message without text (no_text).', 'give a non-empty text.');
    case 'missing_scope':
      return say(
        `the ${tokenEnv} token lacks the OAuth scope${detail.needed ? ` "${detail.needed}"` : ''} that ${method} needs (missing_scope).`,
        `add ${detail.needed ? `the ${detail.needed} scope` : 'the scope named in Slack\'s documentation for ' + method} to the Slack app under "OAuth & Permissions", reinstall the app, and update the token.`,
      );
    case 'not_allowed_token_type':
      return say(`${method} does not accept the ${detail.token ?? 'bot'} token (not_allowed_token_type).`, detail.token === 'bot' ? 'set SLACK_USER_TOKEN (a user token with the needed scope) and restart the server.' : 'use a tool that works with the bot token.');
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
    case 'invalid_token':
      return say(`Slack rejected ${tokenEnv} (${code}): the token is wrong, revoked or expired.`, `the operator must put a valid token in ${tokenEnv} and restart the server; retrying will not help.`);
    case 'team_mismatch':
      return say(`${tokenEnv} belongs to workspace ${detail.team ?? '(unknown)'}, not the one SLACK_TEAM_ID names, so this server refuses to use it.`, 'the operator must make SLACK_TEAM_ID and the token belong to the same workspace.');
    case 'no_user_token':
      return say(`${method} needs a user token, and SLACK_USER_TOKEN is not set.`, 'the operator can set SLACK_USER_TOKEN (xoxp-..., with the search:read scope) and restart; until then, read channels with slack_get_channel_history.');
    case 'ratelimited':
    case 'rate_limited':
      return say(
        `Slack is rate-limiting ${method}${detail.retryAfter !== undefined ? ` and asks to wait ${detail.retryAfter} seconds` : ''} (ratelimited).`,
        `wait ${detail.retryAfter !== undefined ? `at least ${detail.retryAfter} seconds` : 'a minute'} before calling again, and fetch fewer pages meanwhile.`,
      );
    case 'message_not_found':
    case 'thread_not_found':
      return say(`Slack found no message with that timestamp${where} (${code}).`, 'copy the ts exactly from slack_get_channel_history or slack_get_thread_replies (e.g. 1712345678.123456).');
    case 'cant_update_message':
    case 'cant_delete_message':
    case 'edit_window_closed':
      return say(`Slack does not allow this change to that message (${code}).`, 'only messages the bot posted can be changed, and some workspaces limit editing to a time window.');
    case 'already_reacted':
      return say('the bot has already added this reaction to that message (already_reacted).', 'nothing to do; the reaction is there.');
    case 'invalid_name':
      return say('Slack does not know that emoji name (invalid_name).', 'use a name without colons, e.g. thumbsup or white_check_mark.');
    case 'too_many_emoji':
    case 'too_many_reactions':
      return say(`the message has reached Slack's reaction limit (${code}).`, 'react to another message instead.');
    case 'invalid_blocks':
    case 'invalid_blocks_format':
      return say(`Slack refused the blocks (${code})${detail.messages?.length ? `: ${detail.messages.join('; ')}` : ''}.`, 'check the Block Kit JSON (each block needs a valid "type"); or send plain text without blocks.');
    case 'time_in_past':
    case 'time_too_far':
      return say(`Slack refused the scheduled time (${code}).`, 'schedule between one minute and 120 days from now.');
    case 'users_not_found':
    case 'user_not_found':
      return say(`Slack found no such user (${code}).`, 'find the user ID with slack_find_user or slack_get_users.');
    case 'invalid_cursor':
      return say('Slack did not accept the cursor (invalid_cursor).', 'pass next_cursor exactly as returned, or omit it to start from the beginning.');
    case 'invalid_arguments':
    case 'invalid_arg_name':
      return say(`Slack refused the arguments of ${method} (${code})${detail.messages?.length ? `: ${detail.messages.join('; ')}` : ''}.`, 'check the values against the tool\'s description.');
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
    case 'restricted_action_non_threadable_channel':
    case 'ekm_access_denied':
    case 'posting_to_general_channel_denied':
      return say(`the workspace's settings do not let the bot do this here (${code}).`, 'pick another channel, or ask a workspace admin.');
    case 'unreachable':
      return say(`Slack could not be reached for ${method}.`, 'check the network (or SLACK_API_URL), then retry.');
    case 'timeout':
      if (detail.notSent) {
        return say(
          `the call ran out of its ${detail.limit ?? 'time'} budget before ${method} was sent to Slack, so nothing was done.`,
          'Slack or the network is slow right now (or rate limits made the call wait): try again in a minute.',
        );
      }
      return say(
        `Slack did not answer ${method} within ${detail.limit ?? 'the time limit'}, so the request was abandoned (it is not repeated: the answer would come too late).`,
        'Slack or the network is slow right now: try again in a minute, and ask for less (a smaller limit) meanwhile.',
      );
    case 'write_unconfirmed':
      return say(
        `Slack's answer to ${method}${where ? ` in${where}` : ''} was lost (${detail.reason ?? 'no answer'}), so it is not known whether it was done: it MAY have happened. It was not sent again.`,
        `check first (${howToCheck(method)}), and call again only if it did not happen; calling again blindly may do it twice.`,
      );
    case 'http_auth':
      return say(
        `SLACK_API_URL answered ${method} with HTTP ${detail.status ?? '401/403'}: a token or proxy problem. Slack itself reports bad tokens inside a normal answer (invalid_auth), so this usually comes from a proxy or gateway in between refusing the request.`,
        `the operator must check SLACK_API_URL, any HTTP proxy in between, and ${tokenEnv}; retrying will not help.`,
      );
    case 'not_slack_api':
      return say(
        `the answer to ${method} was not Slack's API (not Slack's JSON: a proxy or captive portal in between?).${detail.write ? ' It is not known whether Slack received the request.' : ''}`,
        `the operator must check SLACK_API_URL and any HTTP proxy in between${detail.write ? `; before calling again, check whether it happened (${howToCheck(method)})` : '; retrying will not help until then'}.`,
      );
    case 'http_error':
      return say(
        `Slack answered ${method} with HTTP ${detail.status ?? 'error'}.`,
        detail.status !== undefined && detail.status >= 500 ? 'Slack is having trouble (https://slack-status.com): retry in a minute.' : 'check SLACK_API_URL (it should be the Web API base, ending in /api/).',
      );
    case 'fatal_error':
    case 'internal_error':
    case 'service_unavailable':
    case 'request_timeout':
      return say(`Slack had an internal problem with ${method} (${code}).`, 'retry in a moment.');
    default:
      return say(`Slack refused ${method} with the error "${code}".`, `look up "${code}" in Slack's documentation for ${method}; check the IDs and timestamps passed.`);
  }
}

/** How to see whether a write whose answer was lost happened after all. */
function howToCheck(method: string): string {
  switch (method) {
    case 'chat.postMessage':
      return 'read the channel with slack_get_channel_history, or the thread with slack_get_thread_replies for a reply, and look for the message';
    case 'chat.update':
      return 'read the message again with slack_get_channel_history (or slack_get_thread_replies) and compare its text';
    case 'chat.delete':
      return 'read the channel with slack_get_channel_history to see whether the message is still there';
    case 'reactions.add':
      return "read the message with slack_get_channel_history and look at its reactions";
    case 'chat.scheduleMessage':
      return "this server cannot list scheduled messages: check the channel's scheduled messages in Slack";
    default:
      return `find out in Slack whether ${method} took effect`;
  }
}
