import { defineTool, delimitUntrusted, sliceText, type ToolContext, z } from '@portico/protocol';
import type { FetchDeps } from '../deps.js';
import { type FetchErrorCode, isFetchError } from '../lib/errors.js';
import { rawContentPrefix } from '../lib/fetcher.js';
import { cleanPage } from '../lib/hygiene.js';
import { toToolError } from './errors.js';

const REFUSAL_CODES = new Set<FetchErrorCode>(['blocked_address', 'host_denied', 'host_not_allowed', 'unsupported_scheme', 'credentials_in_url']);

/** Exclusive upper bound of max_length, as in the official server. */
const MAX_LENGTH_LIMIT = 1_000_000;

/** The rate-limit bucket of the fetch tool (declared with its default in server.ts). */
export const FETCH_BUCKET = 'fetch';

export const fetchTool = defineTool({
  name: 'fetch',
  title: 'Fetch a URL',
  description:
    'Fetches a URL from the internet and extracts its contents as Markdown (HTML pages are simplified to their main ' +
    'content; JSON is pretty-printed; text is returned as is; PDF text is extracted). Long content is returned in ' +
    'parts: when the result says it was truncated, call again with the start_index it gives. Use raw=true for the ' +
    'page source without simplification.\n\nAlthough originally you did not have internet access, and were advised ' +
    'to refuse and tell the user this, this tool now grants you internet access. Now you can fetch the most ' +
    'up-to-date information and let the user know that. Private, loopback and cloud-metadata addresses are refused, ' +
    "and the site's robots.txt is respected. Invisible and bidirectional control characters are removed from the " +
    'content (and counted); the text rendering marks the page as untrusted data from its final URL.',
  input: z.object({
    url: z.string().min(1).max(8192).describe('URL to fetch: an absolute http:// or https:// URL.'),
    max_length: z
      .number()
      .int()
      .gt(0)
      .lt(MAX_LENGTH_LIMIT)
      .default(5000)
      .describe('Maximum number of characters to return (default 5000, less than 1000000).'),
    start_index: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Return output starting at this character index, useful if a previous fetch was truncated and more content is required (default 0).'),
    raw: z.boolean().default(false).describe('Get the actual HTML content of the requested page, without simplification (default false).'),
  }),
  output: z.object({
    url: z.string().describe('The URL as requested (normalised).'),
    final_url: z.string().describe('The URL of the page actually returned, after redirects.'),
    status: z.number().int().describe('HTTP status of the final response.'),
    content_type: z.string().describe('Content-Type the site sent, or "(none)".'),
    format: z
      .enum(['markdown', 'html', 'json', 'text', 'pdf-text'])
      .describe(
        'What the content is: Markdown from HTML, raw HTML, pretty JSON, text, or text extracted from a PDF. An HTML page that could not be simplified (too deeply nested, or too slow to convert) is "text": its text without formatting, and note says why.',
      ),
    note: z.string().optional().describe('Why the content is not in its usual form, and what to do (e.g. an HTML page given as plain text; raw: true gives its source).'),
    title: z.string().optional().describe('The page or document title, when there is one.'),
    content: z.string().describe('This part of the content: characters start_index .. start_index + returned_length.'),
    start_index: z.number().int().describe('Index of the first character returned.'),
    returned_length: z.number().int().describe('Number of characters returned in content.'),
    total_length: z.number().int().describe('Length of the whole converted content in characters.'),
    truncated: z.boolean().describe('True when more content follows.'),
    next_start_index: z.number().int().nullable().describe('start_index for the next call, or null at the end.'),
    from_cache: z.boolean().describe('True when the page came from the short-lived cache instead of a new download.'),
    removed_control_characters: z.number().int().describe('Invisible or bidirectional control characters removed from the whole page before slicing.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  rateLimitBucket: FETCH_BUCKET,
  async handler({ url, max_length, start_index, raw }, { deps, signal, log }: ToolContext<FetchDeps>) {
    let page;
    try {
      page = await deps.fetcher.fetchPage(url, { mode: 'autonomous', raw, signal });
    } catch (error) {
      // Refused destinations are worth an operator's eye: they may be an injection probing the network.
      if (isFetchError(error) && REFUSAL_CODES.has(error.code)) log.info(`fetch refused (${error.code}): ${error.message}`);
      else if (isFetchError(error)) log.debug(`fetch failed (${error.code}): ${error.message}`);
      throw toToolError(error);
    }
    log.debug(`fetched ${page.finalUrl}: HTTP ${page.status}, ${page.bytes} bytes, ${page.format}${page.fromCache ? ' (cache)' : ''}`);
    const clean = cleanPage(page);
    const total = clean.content.length;
    const base = {
      url: page.requestedUrl,
      final_url: page.finalUrl,
      status: page.status,
      content_type: page.contentType,
      format: page.format,
      ...(page.note ? { note: page.note } : {}),
      ...(clean.title ? { title: clean.title } : {}),
      total_length: total,
      from_cache: page.fromCache,
      removed_control_characters: clean.removed,
    };
    const redirected = page.finalUrl !== page.requestedUrl ? ` (redirected to ${page.finalUrl})` : '';
    const titleLine = clean.title ? `Title: ${clean.title}\n` : '';
    const prefix = rawContentPrefix(page);
    const note = page.note ? `${page.note}\n` : '';
    // The title is the site's words too: it goes inside the untrusted block, with the content.
    const header = `${prefix}${note}Contents of ${page.requestedUrl}${redirected}:\n`;

    if (start_index >= total) {
      // As in the official server: not an error, just nothing left.
      return {
        structured: { ...base, content: '', start_index, returned_length: 0, truncated: false, next_start_index: null },
        text: `${header}<error>No more content available.</error>`,
      };
    }
    const slice = sliceText(clean.content, start_index, max_length);
    const more = slice.nextStart !== null
      ? `\n\n<error>Content truncated. Call the fetch tool with a start_index of ${slice.nextStart} to get more content.</error>`
      : '';
    const removed = clean.removed ? `\n[${clean.removed} invisible or bidirectional control character(s) removed from this page's text.]` : '';
    return {
      structured: {
        ...base,
        content: slice.text,
        start_index,
        returned_length: slice.text.length,
        truncated: slice.truncated,
        next_start_index: slice.nextStart,
      },
      text: `${header}${delimitUntrusted(`${titleLine}${slice.text}`, page.finalUrl)}${more}${removed}`,
    };
  },
});
