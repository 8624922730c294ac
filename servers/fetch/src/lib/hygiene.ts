/**
 * Output hygiene for fetched pages (issue 13): a web page is written by whoever runs the site, and may hide
 * instructions in characters a reader never sees. Invisible and bidirectional control characters are removed
 * from the whole converted page before it is sliced, so start_index and next_start_index stay consistent
 * across calls (the cached page is cleaned the same way every time). Delimiting the content as untrusted data
 * is the renderer's job (tool and prompt), with the final URL as its source.
 */
import { stripInvisible, stripInvisibleText } from '@portico/protocol';
import type { FetchedPage } from './fetcher.js';

export interface CleanPage {
  content: string;
  title: string | undefined;
  /** Invisible or bidirectional control characters removed from the content. */
  removed: number;
}

export function cleanPage(page: Pick<FetchedPage, 'content' | 'title'>): CleanPage {
  const { text, removed } = stripInvisible(page.content);
  return { content: text, title: page.title === undefined ? undefined : stripInvisibleText(page.title), removed };
}
