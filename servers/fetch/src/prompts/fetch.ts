/**
 * The official `fetch` prompt: a user-initiated fetch. It uses the user-initiated agent and does not consult
 * robots.txt (a person asked for this page), but the SSRF guard and every bound still apply.
 */
import { definePrompt, delimitUntrusted, z } from '@portico/protocol';
import type { FetchDeps } from '../deps.js';
import { isFetchError } from '../lib/errors.js';
import { rawContentPrefix } from '../lib/fetcher.js';
import { cleanPage } from '../lib/hygiene.js';

/** A prompt result lands in the conversation whole; past this many characters it is cut with a note. */
const PROMPT_TEXT_LIMIT = 100_000;

export const fetchPrompt = definePrompt({
  name: 'fetch',
  title: 'Fetch a URL',
  description: 'Fetch a URL and extract its contents as markdown',
  args: z.object({ url: z.string().describe('URL to fetch') }),
  async get({ url }, { deps, signal }: { deps: FetchDeps; signal: AbortSignal }) {
    try {
      const page = await deps.fetcher.fetchPage(url, { mode: 'user', raw: false, signal });
      const prefix = rawContentPrefix(page);
      const note = page.note ? `${page.note}\n` : '';
      // Cleaned like the tool's, so the start_index below points at the same place in the same text.
      const clean = cleanPage(page);
      const title = clean.title ? `# ${clean.title}\n\n` : '';
      let content = delimitUntrusted(`${title}${clean.content.slice(0, PROMPT_TEXT_LIMIT)}`, page.finalUrl);
      if (clean.content.length > PROMPT_TEXT_LIMIT) {
        content += `\n\n<error>Content truncated at ${PROMPT_TEXT_LIMIT} of ${clean.content.length} characters. Call the fetch tool with a start_index of ${PROMPT_TEXT_LIMIT} to get more content.</error>`;
      }
      return {
        description: `Contents of ${page.finalUrl}`,
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `${prefix}${note}${content}` } }],
      };
    } catch (error) {
      // As in the official server, a failed fetch is a prompt that says so, not a protocol error.
      if (!isFetchError(error) || error.code === 'cancelled') throw error;
      const text = error.hint ? `${error.message}\nTry: ${error.hint}` : error.message;
      return {
        description: `Failed to fetch ${url}`,
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
      };
    }
  },
});
