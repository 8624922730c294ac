/** Input checks made before calling Slack, each with the message a model needs to fix its call. */
import { SlackProblem } from './problem.js';

/** Slack refuses (or truncates) message text beyond this many characters. */
export const MAX_TEXT_CHARS = 40_000;
/** Block Kit allows at most 50 blocks in a message. */
export const MAX_BLOCKS = 50;

const CONVERSATION_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const TS = /^\d+\.\d+$/;

export function checkChannelId(raw: string, field = 'channel_id'): string {
  const id = raw.trim();
  if (!CONVERSATION_ID.test(id)) {
    throw new SlackProblem(
      `${field} "${raw}" is not a conversation ID (they look like C0123ABCD, G0123ABCD or D0123ABCD).`,
      id.startsWith('#') || /^[a-z0-9._-]+$/.test(id) ? `find the ID from the name with slack_find_channel (name "${id.replace(/^#/, '')}").` : 'find the ID with slack_list_channels or slack_find_channel.',
      'invalid_channel_id',
    );
  }
  return id;
}

export function checkUserId(raw: string, field = 'user_id'): string {
  const id = raw.trim();
  if (!USER_ID.test(id)) {
    throw new SlackProblem(`${field} "${raw}" is not a user ID (they look like U0123ABCD or W0123ABCD).`, 'find the ID with slack_find_user (by name or email) or slack_get_users.', 'invalid_user_id');
  }
  return id;
}

/**
 * A message timestamp such as 1712345678.123456. The digits-only form from permalinks (p1712345678123456)
 * is accepted and converted, as the archived server's description suggested.
 */
export function checkTs(raw: string, field: string): string {
  const value = raw.trim().replace(/^p(?=\d)/, '');
  if (TS.test(value)) return value;
  if (/^\d{11,}$/.test(value)) return `${value.slice(0, -6)}.${value.slice(-6)}`;
  throw new SlackProblem(`${field} "${raw}" is not a Slack message timestamp (digits, a dot, digits: e.g. 1712345678.123456).`, `copy the ts of the message from slack_get_channel_history or slack_get_thread_replies.`, 'invalid_ts');
}

export function checkText(text: string, field = 'text'): string {
  if (text.trim() === '') throw new SlackProblem(`${field} is empty; Slack needs some text to post.`, 'give the message text (it is also the notification fallback when blocks are sent).', 'empty_text');
  if (text.length > MAX_TEXT_CHARS) {
    throw new SlackProblem(
      `${field} is ${text.length} characters; Slack accepts at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters per message.`,
      `shorten it or split it into several messages of at most ${MAX_TEXT_CHARS} characters (4,000 reads best).`,
      'text_too_long',
    );
  }
  return text;
}

export function checkBlocks(blocks: readonly Record<string, unknown>[] | undefined): void {
  if (!blocks) return;
  if (blocks.length > MAX_BLOCKS) throw new SlackProblem(`${blocks.length} blocks given; Slack allows at most ${MAX_BLOCKS} per message.`, 'send fewer blocks, or split the content over several messages.', 'too_many_blocks');
  blocks.forEach((block, i) => {
    if (typeof block.type !== 'string' || block.type === '') {
      throw new SlackProblem(`blocks[${i}] has no "type"; every Block Kit block needs one (e.g. "section").`, 'e.g. {"type":"section","text":{"type":"mrkdwn","text":"*Hello*"}}.', 'invalid_blocks');
    }
  });
}

/** Emoji name for reactions.add: colons stripped, Slack's name alphabet only. */
export function checkReaction(raw: string): string {
  const name = raw.trim().replace(/^:+|:+$/g, '');
  if (!/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/i.test(name)) {
    throw new SlackProblem(`reaction "${raw}" is not an emoji name.`, 'use a name such as thumbsup, eyes or white_check_mark (colons optional).', 'invalid_reaction');
  }
  return name;
}
