import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { SlackProblem } from '../lib/problem.js';
import { checkBlocks, checkChannelId, checkText, checkTs } from '../lib/validate.js';
import { blocksField, channelIdField, guard, mrkdwnField, postOptions, unfurlFields } from './common.js';

/** Slack schedules at most 120 days ahead. */
const MAX_DAYS_AHEAD = 120;

export const slackScheduleMessage = defineTool({
  name: 'slack_schedule_message',
  title: 'Schedule a message',
  description: `Schedules a message (or thread reply) to be posted by the bot later, up to ${MAX_DAYS_AHEAD} days ahead. Refused outside the operator's allow-list.`,
  toolset: 'write',
  input: z.object({
    channel_id: channelIdField('The ID of the channel to post to'),
    text: z.string().describe('The message text (mrkdwn).'),
    post_at: z.string().min(1).max(40).describe('When to post: an ISO 8601 time with zone (2025-06-01T09:00:00Z) or Unix seconds ("1748768400").'),
    thread_ts: z.string().max(40).optional().describe('Post as a reply in this thread (parent message ts).'),
    blocks: blocksField,
    mrkdwn: mrkdwnField,
    ...unfurlFields,
  }),
  output: z.object({
    channel: z.string().describe('The conversation.'),
    scheduled_message_id: z.string().describe('ID of the scheduled message (Slack can delete it with chat.deleteScheduledMessage).'),
    post_at: z.number().describe('When it will be posted, Unix seconds.'),
    post_at_iso: z.string().describe('When it will be posted, ISO 8601 UTC.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  auditOmit: ['text', 'blocks'],
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const channel = checkChannelId(args.channel_id);
      deps.policy.assertWrite(channel);
      const text = checkText(args.text);
      checkBlocks(args.blocks);
      const threadTs = args.thread_ts === undefined ? undefined : checkTs(args.thread_ts, 'thread_ts');
      const postAt = parsePostAt(args.post_at);
      const result = await deps.api.call(
        'chat.scheduleMessage',
        { channel, text, post_at: postAt, ...(threadTs ? { thread_ts: threadTs } : {}), ...postOptions(args) },
        { signal },
      );
      const at = Number(result.post_at ?? postAt);
      const iso = new Date(at * 1000).toISOString();
      return {
        structured: { channel, scheduled_message_id: String(result.scheduled_message_id ?? ''), post_at: at, post_at_iso: iso },
        text: `Scheduled for ${iso} in ${channel} (id ${String(result.scheduled_message_id ?? '')}).`,
      };
    }, { channel: args.channel_id });
  },
});

function parsePostAt(raw: string, now = Date.now()): number {
  const value = raw.trim();
  let seconds: number;
  if (/^\d{9,11}$/.test(value)) seconds = Number(value);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) seconds = Math.floor(Date.parse(value) / 1000);
  else seconds = NaN;
  if (!Number.isFinite(seconds)) {
    throw new SlackProblem(`post_at "${raw}" is not a time.`, 'give an ISO 8601 time with a zone, e.g. 2025-06-01T09:00:00Z, or Unix seconds.', 'invalid_post_at');
  }
  const nowSeconds = Math.floor(now / 1000);
  if (seconds <= nowSeconds) throw new SlackProblem(`post_at ${new Date(seconds * 1000).toISOString()} is in the past.`, 'pick a time in the future (use slack_post_message to post now).', 'time_in_past');
  if (seconds > nowSeconds + MAX_DAYS_AHEAD * 86_400) {
    throw new SlackProblem(`post_at ${new Date(seconds * 1000).toISOString()} is more than ${MAX_DAYS_AHEAD} days ahead; Slack schedules at most ${MAX_DAYS_AHEAD} days in advance.`, `pick a time within ${MAX_DAYS_AHEAD} days.`, 'time_too_far');
  }
  return seconds;
}
