/**
 * One page of messages from conversations.history or conversations.replies, as both tools answer it: authors'
 * names resolved, messages compacted to the output budget, and how to continue. When the budget cuts the page,
 * Slack's cursor would skip the dropped messages, so the way on is by time (`latest` going back through a
 * channel, `oldest` going forward through a thread) instead.
 */
import type { SlackDeps } from '../deps.js';
import { compactPage, referencedUsers, type RawMessage } from '../lib/messages.js';
import { nextPageHint } from './common.js';

export async function messagePage(
  deps: SlackDeps,
  result: { messages?: unknown; has_more?: unknown; response_metadata?: { next_cursor?: string } },
  options: {
    tool: string;
    resumeWith: 'latest' | 'oldest';
    /** Arguments of this call the next one must repeat (the other end of the time range, inclusive). */
    keep?: Record<string, string | boolean | undefined>;
    signal: AbortSignal;
  },
) {
  const raw = (result.messages as RawMessage[] | undefined) ?? [];
  const names = await deps.directory.userNames(referencedUsers(raw), options.signal);
  const page = compactPage(raw, names);
  let nextCursor = result.response_metadata?.next_cursor || null;
  let hint = nextPageHint(options.tool, nextCursor);
  if (page.cutAfterTs) {
    nextCursor = null;
    // Without the other end of the range the next call would read past it.
    const kept = Object.entries(options.keep ?? {})
      .filter(([, value]) => value !== undefined && value !== false)
      .map(([key, value]) => (value === true ? `${key}=true` : `${key}="${value}"`));
    const keep = kept.length > 0 ? `, keeping ${kept.join(' and ')}` : '';
    hint = `\n[Output budget reached after ${page.messages.length} of ${raw.length} messages. To get the rest, call again with ${options.resumeWith}="${page.cutAfterTs}"${keep}.]`;
  }
  return { messages: page.messages, nextCursor, hint, hasMore: result.has_more === true || page.cutAfterTs !== undefined };
}
