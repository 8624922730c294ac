/**
 * The official `fetch` prompt: a user-initiated fetch. It uses the user-initiated agent and does not consult
 * robots.txt (a person asked for this page), but the SSRF guard and every bound still apply.
 */
import { definePrompt, z } from '@portico/protocol';
import type { FetchDeps } from '../deps.js';
import { isFetchError } from '../lib/errors.js';

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
      const prefix = page.format === 'markdown' || page.format === 'pdf-text' ? '' : `Content type ${page.contentType} cannot be simplified to markdown, but here is the raw content:\n`;
      let content = page.content;
      if (content.length > PROMPT_TEXT_LIMIT) {
        content = `${content.slice(0, PROMPT_TEXT_LIMIT)}\n\n<error>Content truncated at ${PROMPT_TEXT_LIMIT} of ${page.content.length} characters. Call the fetch tool with a start_index of ${PROMPT_TEXT_LIMIT} to get more content.</error>`;
      }
      const title = page.title ? `# ${page.title}\n\n` : '';
      return {
        description: `Contents of ${page.finalUrl}`,
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: `${prefix}${title}${content}` } }],
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
