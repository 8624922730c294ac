/**
 * How the fetcher turns an HTML page into what the model reads, within a time budget, without holding the
 * server's thread.
 *
 * Converting HTML to Markdown (linkedom, Readability, turndown) is synchronous and costs about 30-45 µs per
 * element, linearly (measured from 25,000 to 390,000 elements: no step grows faster than the page, so there
 * is no quadratic step to fix, only a large constant spread over three libraries). A 9.5 MB page of sibling
 * elements took 16-20 s, during which a stdio server answered nothing. So:
 * - small pages (up to MAIN_THREAD_LIMITS: at most ~50-80 ms of work) are converted here, as before, with no
 *   thread to start;
 * - larger pages go to a converter thread (convert-pool.ts) under a deadline, `timeoutMs` from now, combined
 *   with the caller's cancellation (startDeadline from @portico/protocol: a timer, since AbortSignal.any loses its timeout to GC on Node 20);
 * - when the client cancels, the thread is terminated and the fetch reports "cancelled": nothing is returned,
 *   so nothing is cached;
 * - when the deadline passes (or the thread dies, e.g. out of memory), the thread is terminated and the page's
 *   text without formatting is extracted instead, in a fresh thread, by the linear scan that the nesting
 *   guard uses (20-50 times cheaper than Markdown: ~0.3-0.8 s for 10 MB), bounded by `plainTextTimeoutMs`.
 *   The result says format "text", why, and that raw: true gives the HTML source. If even that fails, a
 *   clear error says to use raw: true.
 */
import { abortedByTimeout, duration, startDeadline } from '@portico/protocol';
import type { HtmlConversion, htmlToMarkdown } from './convert.js';
import { PLAIN_TEXT_ADVICE } from './convert-messages.js';
import { type ConversionPool, ConverterCrashedError, ConverterFailedError } from './convert-pool.js';
import { FetchError } from './errors.js';
import { formatBytes } from './http-client.js';

/**
 * Pages converted on the server's thread: at most this many characters and this many "<" (about half as many
 * elements). Measured worst case at the limits: ~50 ms for 2,000 tags of dense markup, ~80 ms for 256 KB of
 * text-heavy HTML; most real pages are larger and go to a thread.
 */
export const MAIN_THREAD_LIMITS = { maxChars: 256 * 1024, maxTags: 2_000 };

export function convertsOnMainThread(html: string, limits = MAIN_THREAD_LIMITS): boolean {
  if (html.length > limits.maxChars) return false;
  let tags = 0;
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) {
    tags += 1;
    if (tags > limits.maxTags) return false;
  }
  return true;
}

/** What a model can do about a page that could not be converted at all. */
const RETRY_HINT = `${PLAIN_TEXT_ADVICE.replace(/^For/, 'for')} Or fetch a smaller page.`;

export interface HtmlConverterSettings {
  /** The converter for this thread (convert.js is loaded on first use, so it is passed in, not imported). */
  htmlToMarkdown: typeof htmlToMarkdown;
  pool: ConversionPool;
  /** Budget of the Markdown conversion, from the moment it is asked for (waiting for a thread included). */
  timeoutMs: number;
  /** Budget of the plain-text fallback, after the Markdown conversion gave up. */
  plainTextTimeoutMs: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  mainThreadLimits?: typeof MAIN_THREAD_LIMITS;
}

export async function convertHtml(html: string, pageUrl: string, settings: HtmlConverterSettings): Promise<HtmlConversion> {
  if (convertsOnMainThread(html, settings.mainThreadLimits)) return settings.htmlToMarkdown(html, pageUrl);
  const { pool, signal } = settings;
  const size = () => `${formatBytes(Buffer.byteLength(html))} of HTML`;
  const deadline = startDeadline(signal, settings.timeoutMs, `The conversion took longer than ${duration(settings.timeoutMs)}.`);
  let why: string;
  try {
    return await pool.run({ kind: 'markdown', html, pageUrl }, deadline.signal);
  } catch (error) {
    if (signal?.aborted) throw cancelled(pageUrl, signal);
    if (abortedByTimeout(deadline.signal)) why = `(${size()}) took longer than ${duration(settings.timeoutMs)} to convert`;
    else if (error instanceof ConverterCrashedError && error.outOfMemory) why = `(${size()}) needed more memory than the converter may use`;
    else if (error instanceof ConverterCrashedError || error instanceof ConverterFailedError) why = `(${size()}) could not be converted (${error.message})`;
    else throw new FetchError('conversion_failed', `the page could not be converted: ${(error as Error).message}.`, { hint: RETRY_HINT, cause: error });
  } finally {
    deadline.clear();
  }
  const fallback = startDeadline(signal, settings.plainTextTimeoutMs, `The conversion took longer than ${duration(settings.plainTextTimeoutMs)}.`);
  try {
    return await pool.run({ kind: 'text', html, pageUrl, why }, fallback.signal);
  } catch (error) {
    if (signal?.aborted) throw cancelled(pageUrl, signal);
    const stage = abortedByTimeout(fallback.signal) ? `its plain text was not ready within ${duration(settings.plainTextTimeoutMs)} either` : `its plain text could not be extracted either (${(error as Error).message})`;
    throw new FetchError('conversion_failed', `the page ${why}, and ${stage}.`, { hint: RETRY_HINT, cause: error });
  } finally {
    fallback.clear();
  }
}

function cancelled(pageUrl: string, signal: AbortSignal): FetchError {
  return new FetchError('cancelled', `the fetch of ${pageUrl} was cancelled.`, { cause: signal.reason });
}
