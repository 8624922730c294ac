/** What every Slack tool shares: the mapping of lib errors to actionable ToolErrors, and common fields. */
import { ToolError, z } from '@portico/protocol';
import { explainSlackError } from '../lib/explain.js';
import { SlackProblem } from '../lib/problem.js';
import { SlackApiError } from '../lib/slack-api.js';

/** Runs a tool body; Slack errors and input problems become ToolErrors that say what to do. */
export async function guard<T>(body: () => Promise<T>, context: { channel?: string } = {}): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof SlackProblem) throw new ToolError(error.message, { hint: error.hint, code: error.code, cause: error });
    if (error instanceof SlackApiError) {
      const e = explainSlackError(error, context);
      throw new ToolError(e.message, { hint: e.hint, code: e.code, cause: error });
    }
    throw error;
  }
}

export const channelIdField = (what: string) => z.string().min(1).max(40).describe(`${what} (an ID such as C0123ABCD; slack_find_channel turns a name into an ID).`);
export const tsField = (what: string) => z.string().min(1).max(40).describe(`${what}, e.g. '1712345678.123456' (the message's ts).`);

export const blocksField = z
  .array(z.record(z.string(), z.unknown()))
  .max(50)
  .optional()
  .describe('Optional Block Kit blocks (JSON objects, each with a "type"), at most 50; `text` stays the notification fallback.');

export const unfurlFields = {
  unfurl_links: z.boolean().optional().describe('Show previews of linked pages (default false).'),
  unfurl_media: z.boolean().optional().describe('Show previews of linked media (default false).'),
};

export const mrkdwnField = z.boolean().optional().describe('Format the text as Slack mrkdwn (*bold*, _italic_, <url|label>); default true. False sends it literally.');

export const nextCursorField = z.string().nullable().describe('Pass as `cursor` to get the next page; null when there is none.');

/** The sentence that tells the model how to get the next page. */
export function nextPageHint(tool: string, cursor: string | null): string {
  return cursor ? `\n[More available: call ${tool} again with cursor="${cursor}".]` : '';
}

/** The message post options Slack takes from the tools' shared fields. */
export function postOptions(args: { blocks?: Record<string, unknown>[] | undefined; mrkdwn?: boolean | undefined; unfurl_links?: boolean | undefined; unfurl_media?: boolean | undefined }): Record<string, unknown> {
  return {
    ...(args.blocks ? { blocks: args.blocks } : {}),
    ...(args.mrkdwn === false ? { mrkdwn: false } : {}),
    // Off by default: a preview of an internal link can leak its title into a channel.
    unfurl_links: args.unfurl_links ?? false,
    unfurl_media: args.unfurl_media ?? false,
  };
}
