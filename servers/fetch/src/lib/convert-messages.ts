/** The messages between the conversion pool (convert-pool.ts) and its threads (convert-worker.ts). */
import type { HtmlConversion } from './convert.js';

/**
 * What to do with an HTML page that came back as plain text: the tool's one way to the page as it is. Here,
 * in a module without dependencies, because the server's thread uses it before the converter is loaded.
 */
export const PLAIN_TEXT_ADVICE = 'For the HTML source of the page instead, call fetch again with raw: true (it comes in parts, like any content).';

/**
 * A page to convert: to Markdown (with the same nesting guard as on the main thread), or straight to plain
 * text, the fallback when Markdown took too long; `why` then completes the note "The page …, so it was not
 * simplified to Markdown".
 */
export type ConvertTask = { kind: 'markdown'; html: string; pageUrl: string } | { kind: 'text'; html: string; pageUrl: string; why: string };

export type ToConverter = ConvertTask & { id: number };

export type FromConverter = { id: number; ok: true; result: HtmlConversion } | { id: number; ok: false; message: string };
