/**
 * From body bytes to what the model reads: HTML through Readability (over linkedom) to Markdown (turndown
 * with GFM tables, fenced code, ATX headings); JSON pretty-printed; text as it is; PDF text extracted with
 * pdf.js (through unpdf, pure JS). Anything else is refused with its content type.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';
import { decodeBody, parseContentType } from './charset.js';
import { FetchError } from './errors.js';

export type ContentFormat = 'markdown' | 'html' | 'json' | 'text' | 'pdf-text';

export interface ConvertedContent {
  format: ContentFormat;
  content: string;
  title?: string;
  /** Content type as the server sent it (or "(none)"), for the model and for errors. */
  contentType: string;
  /** Set when the body was not simplified, e.g. raw content of a type that has no Markdown form. */
  note?: string;
}

type Kind = 'html' | 'json' | 'text' | 'pdf';

const TEXT_APPLICATION_TYPES = new Set([
  'application/xml',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/x-sh',
  'application/sql',
  'application/graphql',
  'application/x-ndjson',
  'application/csv',
]);

function kindOf(essence: string, body: Uint8Array): Kind | undefined {
  if (essence === 'text/html' || essence === 'application/xhtml+xml') return 'html';
  if (essence === 'application/json' || essence === 'text/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/pdf' || essence === 'application/x-pdf') return 'pdf';
  if (essence.startsWith('text/') || essence.endsWith('+xml') || TEXT_APPLICATION_TYPES.has(essence)) return 'text';
  if (essence === '' || essence === 'application/octet-stream') return sniff(body, essence === '');
  return undefined;
}

/** For a missing (or generic binary) Content-Type: look at the bytes, as the official server does for HTML. */
function sniff(body: Uint8Array, typeMissing: boolean): Kind | undefined {
  const head = Buffer.from(body.subarray(0, 1024)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  if (!typeMissing) return undefined;
  if (/^\s*(<!doctype html|<html|<head|<body)/i.test(head) || head.slice(0, 100).toLowerCase().includes('<html')) return 'html';
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'json';
  return looksLikeText(body) ? 'text' : undefined;
}

function looksLikeText(body: Uint8Array): boolean {
  const sample = body.subarray(0, 8192);
  if (sample.includes(0)) return false;
  const decoded = Buffer.from(sample).toString('utf8');
  const replacements = decoded.split('\uFFFD').length - 1;
  return replacements <= decoded.length / 100;
}

export async function convertBody(body: Buffer, contentTypeHeader: string | undefined, pageUrl: string, raw: boolean): Promise<ConvertedContent> {
  const media = parseContentType(contentTypeHeader);
  const contentType = contentTypeHeader?.trim() || '(none)';
  const kind = kindOf(media.essence, body);
  if (!kind) {
    throw new FetchError('unsupported_content_type', `the content type ${contentType} cannot be shown as text (only HTML, JSON, text and PDF are converted).`, {
      hint: 'fetch an HTML, JSON, text or PDF URL instead.',
    });
  }
  switch (kind) {
    case 'html': {
      const { text } = decodeBody(body, media.charset, true);
      if (raw) return { format: 'html', content: text, contentType };
      const { markdown, title } = htmlToMarkdown(text, pageUrl);
      return { format: 'markdown', content: markdown, contentType, ...(title ? { title } : {}) };
    }
    case 'json': {
      const { text } = decodeBody(body, media.charset, false);
      if (raw) return { format: 'json', content: text, contentType };
      try {
        return { format: 'json', content: JSON.stringify(JSON.parse(text), null, 2), contentType };
      } catch {
        return { format: 'text', content: text, contentType, note: 'The body is labelled JSON but does not parse; here it is as text.' };
      }
    }
    case 'text': {
      const { text } = decodeBody(body, media.charset, false);
      return { format: 'text', content: text, contentType };
    }
    case 'pdf': {
      const { text, title } = await pdfToText(body);
      return {
        format: 'pdf-text',
        content: text,
        contentType,
        ...(title ? { title } : {}),
        ...(raw ? { note: 'A PDF has no raw text form; this is the text extracted from it.' } : {}),
      };
    }
  }
}

let turndownService: TurndownService | undefined;

function turndown(): TurndownService {
  if (!turndownService) {
    turndownService = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '_' });
    turndownService.use(gfm);
    turndownService.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'canvas', 'svg', 'form', 'button', 'select'] as never);
  }
  return turndownService;
}

// linkedom's Document type is its own; Readability's types expect the DOM lib's. Both are structural.
type LinkedDocument = ReturnType<typeof parseHTML>['document'];

/** Readability leaves relative links as they are; the model needs them absolute to follow them. */
function absolutiseLinks(document: LinkedDocument, pageUrl: string): void {
  let base = pageUrl;
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  if (baseHref) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      // An invalid <base> is ignored, as browsers do.
    }
  }
  for (const [selector, attribute] of [
    ['a[href]', 'href'],
    ['img[src]', 'src'],
  ] as const) {
    for (const element of document.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute) ?? '';
      if (/^\s*javascript:/i.test(value)) {
        element.removeAttribute(attribute);
        continue;
      }
      if (value.startsWith('#')) continue;
      try {
        element.setAttribute(attribute, new URL(value, base).href);
      } catch {
        // Leave unparseable links alone.
      }
    }
  }
}

export function htmlToMarkdown(html: string, pageUrl: string): { markdown: string; title?: string } {
  const { document } = parseHTML(html);
  const documentTitle = (document.title ?? '').trim();
  absolutiseLinks(document, pageUrl);
  let contentHtml: string | undefined;
  let title = documentTitle;
  try {
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { keepClasses: true }).parse();
    if (article?.content && article.textContent?.trim()) {
      contentHtml = article.content;
      title = article.title?.trim() || documentTitle;
    }
  } catch {
    // Readability gives up on some documents; the whole body is converted instead.
  }
  if (!contentHtml) {
    // Readability mutated the first document; start again from the source for the fallback.
    const fallback = parseHTML(html).document;
    absolutiseLinks(fallback, pageUrl);
    contentHtml = fallback.body?.innerHTML ?? html;
  }
  const markdown = turndown()
    .turndown(contentHtml)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { markdown, ...(title ? { title } : {}) };
}

async function pdfToText(body: Buffer): Promise<{ text: string; title?: string }> {
  // Loaded on first use: pdf.js is large and most fetches are not PDFs.
  const { getDocumentProxy, extractText, getMeta } = await import('unpdf');
  try {
    // verbosity 0: pdf.js would otherwise print warnings with console.info, which is stdout (the protocol stream).
    const pdf = await getDocumentProxy(new Uint8Array(body), { verbosity: 0 } as never);
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      const pages = (text as string[]).map((t) => t.trim());
      let title: string | undefined;
      try {
        const meta = await getMeta(pdf);
        const t = (meta.info as { Title?: unknown } | undefined)?.Title;
        if (typeof t === 'string' && t.trim()) title = t.trim();
      } catch {
        // Metadata is optional.
      }
      const joined = pages.length > 1 ? pages.map((t, i) => `## Page ${i + 1}\n\n${t}`).join('\n\n') : (pages[0] ?? '');
      return { text: joined, ...(title ? { title } : {}) };
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    throw new FetchError('conversion_failed', `the PDF could not be read: ${(error as Error).message}.`, { hint: 'the file may be damaged or encrypted; try another URL.', cause: error });
  }
}
