/**
 * Slack messages made compact for a model: the fields that matter, mentions turned into names, long texts
 * cut, and a page cut at a character budget with the timestamp to continue from.
 */

/** The parts of a Slack message object (conversations.history / replies) this server reads. */
export interface RawMessage {
  ts?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  text?: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reactions?: { name?: string; count?: number }[];
  files?: unknown[];
  edited?: unknown;
  blocks?: unknown[];
}

export interface CompactMessage {
  ts: string;
  user?: string;
  user_name?: string;
  bot_id?: string;
  text: string;
  text_truncated?: boolean;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reactions?: { name: string; count: number }[];
  files?: number;
  edited?: boolean;
}

/** One message's text is cut beyond this; slack_get_permalink leads to the whole message. */
export const MAX_MESSAGE_CHARS = 4_000;
/** A page of messages stops adding messages beyond this many characters of text. */
export const PAGE_TEXT_BUDGET = 60_000;

const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** User IDs a page refers to: authors and mentions. */
export function referencedUsers(messages: readonly RawMessage[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) {
    if (m.user) ids.add(m.user);
    for (const match of (m.text ?? '').matchAll(USER_MENTION)) ids.add(match[1]!);
  }
  return ids;
}

/** `<@U123>` -> `@alice`, `<#C123|general>` -> `#general`, `<!here>` -> `@here`; links keep their URL. */
export function renderMentions(text: string, names: ReadonlyMap<string, string>): string {
  return text
    .replace(USER_MENTION, (whole, id: string) => {
      const name = names.get(id);
      return name ? `@${name}` : whole;
    })
    .replace(/<#([CGD][A-Z0-9]+)\|([^>]+)>/g, '#$2')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1');
}

export function compactMessage(m: RawMessage, names: ReadonlyMap<string, string>): CompactMessage {
  let text = renderMentions(m.text ?? '', names);
  let truncated = false;
  if (text.length > MAX_MESSAGE_CHARS) {
    text = `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
    truncated = true;
  }
  const out: CompactMessage = { ts: m.ts ?? '', text };
  if (m.user) out.user = m.user;
  const name = m.user ? names.get(m.user) : undefined;
  if (name) out.user_name = name;
  else if (m.username) out.user_name = m.username;
  if (m.bot_id) out.bot_id = m.bot_id;
  if (truncated) out.text_truncated = true;
  if (m.subtype) out.subtype = m.subtype;
  if (m.thread_ts) out.thread_ts = m.thread_ts;
  if (m.reply_count) out.reply_count = m.reply_count;
  const reactions = (m.reactions ?? []).filter((r) => r.name).map((r) => ({ name: r.name!, count: r.count ?? 1 }));
  if (reactions.length) out.reactions = reactions;
  if (m.files?.length) out.files = m.files.length;
  if (m.edited) out.edited = true;
  return out;
}

export interface CompactPage {
  messages: CompactMessage[];
  /** Set when the page was cut at the budget: the ts of the last message kept. */
  cutAfterTs?: string;
}

/** Compacts messages in the order given, stopping once the text budget is spent (always keeps one). */
export function compactPage(raw: readonly RawMessage[], names: ReadonlyMap<string, string>, budget = PAGE_TEXT_BUDGET): CompactPage {
  const messages: CompactMessage[] = [];
  let used = 0;
  for (const m of raw) {
    const c = compactMessage(m, names);
    if (messages.length > 0 && used + c.text.length > budget) {
      return { messages, cutAfterTs: messages[messages.length - 1]!.ts };
    }
    used += c.text.length;
    messages.push(c);
  }
  return { messages };
}

/** One line per message, for the text rendering. */
export function renderMessageLines(messages: readonly CompactMessage[]): string {
  return messages
    .map((m) => {
      const who = m.user_name ?? m.user ?? m.bot_id ?? 'unknown';
      const extras = [
        m.reply_count ? `${m.reply_count} replies (thread_ts ${m.thread_ts ?? m.ts})` : '',
        m.reactions?.length ? m.reactions.map((r) => `:${r.name}: ${r.count}`).join(' ') : '',
        m.files ? `${m.files} file(s)` : '',
        m.text_truncated ? 'text cut; slack_get_permalink for the full message' : '',
      ].filter(Boolean);
      return `[${m.ts}] ${who}: ${m.text}${extras.length ? `  (${extras.join('; ')})` : ''}`;
    })
    .join('\n');
}
