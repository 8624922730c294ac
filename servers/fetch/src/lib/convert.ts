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
import { PLAIN_TEXT_ADVICE } from './convert-messages.js';
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
  /** An HTML page given as its text without formatting (format "text"), not its raw content: `note` says why. */
  htmlAsText?: true;
}

/**
 * An HTML page as the model gets it: Markdown, or (when the page could not be simplified: too deeply nested,
 * or too slow to convert) its text without formatting, labelled "text", with a note that says why and what to do.
 */
export interface HtmlConversion {
  format: 'markdown' | 'text';
  content: string;
  title?: string;
  note?: string;
}

/**
 * Turns a decoded HTML page into what the model reads. convertBody converts on the calling thread unless
 * given one of these; the fetcher passes one that converts large pages in a worker thread under a deadline
 * (html-converter.ts).
 */
export type HtmlConverter = (html: string, pageUrl: string) => Promise<HtmlConversion>;

export interface ConvertOptions {
  html?: HtmlConverter;
}

/** A page returned as its text without formatting, with the reason (a sentence fragment) and what to do. */
export function plainTextConversion(text: string, title: string | undefined, why: string): HtmlConversion {
  return {
    format: 'text',
    content: text,
    ...(title ? { title } : {}),
    note: `The page ${why}, so it was not simplified to Markdown: here is its text without formatting. ${PLAIN_TEXT_ADVICE}`,
  };
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

export async function convertBody(body: Buffer, contentTypeHeader: string | undefined, pageUrl: string, raw: boolean, options: ConvertOptions = {}): Promise<ConvertedContent> {
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
      const { format, content, title, note } = options.html ? await options.html(text, pageUrl) : htmlToMarkdown(text, pageUrl);
      return { format, content, contentType, ...(title ? { title } : {}), ...(note ? { note } : {}), ...(format === 'text' ? { htmlAsText: true as const } : {}) };
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

/**
 * How much DOM work a page may ask for before it is not simplified. linkedom's parser and Readability over
 * linkedom cost far more than the page's size when elements nest deeply: a 16 KB page of 1,500 nested
 * <div>s took 30 s, 2,000 levels 50 s, all of it synchronous, so the whole server (other calls, even
 * SIGTERM) waited, past the fetch's deadline. Real pages nest a few dozen levels. Past either limit the page
 * is turned into plain text by a linear scan of the source instead (no DOM at all).
 * - maxDepth: the deepest nesting of elements (a single chain of 128 costs Readability ~10 ms);
 * - maxWeight: the sum over elements of their depth, which bounds many such chains (360 chains 127 deep,
 *   weight 2.9 million, took 4.7 s). Wide, shallow pages stay under it up to about 10 MB and cost about
 *   2 s per MB (30-45 µs per element, linearly); the fetcher converts those in a thread under a deadline
 *   (html-converter.ts), so they hold nothing else up and give plain text when they take too long.
 */
export const HTML_LIMITS = { maxDepth: 128, maxWeight: 3_000_000 };

export function htmlToMarkdown(html: string, pageUrl: string, limits = HTML_LIMITS): HtmlConversion {
  const shape = measureHtml(html);
  if (shape.maxDepth > limits.maxDepth || shape.weight > limits.maxWeight) {
    const why = shape.maxDepth > limits.maxDepth ? `nests elements ${shape.maxDepth} levels deep (more than ${limits.maxDepth})` : `has too many nested elements to simplify in time`;
    const { text, title } = htmlToPlainText(html);
    return plainTextConversion(text, title, why);
  }
  const document = parseDocument(html);
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
    const fallback = parseDocument(html);
    absolutiseLinks(fallback, pageUrl);
    contentHtml = fallback.body.innerHTML;
  }
  const markdown = turndown()
    .turndown(contentHtml)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { format: 'markdown', content: markdown, ...(title ? { title } : {}) };
}

/** Elements the HTML parser puts in <head> when they come before any content. */
const HEAD_ELEMENTS = new Set(['title', 'meta', 'link', 'base', 'style']);

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * linkedom is not an HTML5 parser: it does not supply the implied <html>, <head> and <body>. For a body such
 * as "Hello World!" (Express's res.send sends text/html) or an empty one it has no documentElement, and
 * document.title / document.body throw; for a fragment such as "<h1>Notes</h1><p>…</p>" (or <html> without
 * <body>) its body is an empty synthetic element, so the page converted to nothing. Such documents are
 * rebuilt with the structure a browser would give them, and parsed again.
 */
function parseDocument(html: string): LinkedDocument {
  const { document } = parseHTML(html);
  const root = document.documentElement as unknown as { localName?: string; children: ArrayLike<{ localName: string }> } | null;
  if (root?.localName === 'html') {
    // The shapes linkedom's head/body getters understand: <html><head>…</head><body>, or <html><body>.
    const [first, second] = [root.children[0]?.localName, root.children[1]?.localName];
    if (first === 'body' || (first === 'head' && second === 'body')) return document;
  }
  const head: string[] = [];
  const body: string[] = [];
  type Node = { nodeType: number; localName?: string; childNodes: ArrayLike<Node>; innerHTML?: string; outerHTML?: string; textContent: string | null };
  const place = (node: Node): void => {
    if (node.nodeType === 3) {
      const text = node.textContent ?? '';
      if (text.trim() || body.length > 0) body.push(escapeText(text));
      return;
    }
    if (node.nodeType !== 1) return; // comments, doctype
    const name = node.localName;
    if (name === 'html') Array.from(node.childNodes).forEach(place);
    else if (name === 'head') head.push(node.innerHTML ?? '');
    else if (name === 'body') body.push(node.innerHTML ?? '');
    else if (HEAD_ELEMENTS.has(name ?? '') && body.length === 0) head.push(node.outerHTML ?? '');
    else body.push(node.outerHTML ?? '');
  };
  Array.from((document as unknown as Node).childNodes).forEach(place);
  return parseHTML(`<!doctype html><html><head>${head.join('')}</head><body>${body.join('')}</body></html>`).document;
}

/** Elements whose content the parser reads as text up to their end tag (no elements inside). */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);
const VOID_ELEMENTS = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Opening the key closes an open element of these names first (the parser's implied end tags). */
const P_CLOSERS = ['address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const IMPLIED_CLOSE = new Map<string, Set<string>>([
  ...P_CLOSERS.map((name) => [name, new Set(['p'])] as [string, Set<string>]),
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
]);

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  start: number;
  /** Index just past the tag's ">" (or past a raw-text element's end tag, for the text scan). */
  end: number;
}

/**
 * Walks the tags of an HTML source in one pass, linear in its length whatever it contains: comments and
 * the content of raw-text elements (script, style, …) are skipped, text between tags is reported by range.
 */
function scanTags(html: string, onTag: (tag: Tag) => void, onText: (start: number, end: number) => void): void {
  const namePattern = /\/?([a-zA-Z][^\s/>]*)/y;
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) break;
    if (lt > pos) onText(pos, lt);
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      pos = close === -1 ? html.length : close + 3;
      continue;
    }
    namePattern.lastIndex = lt + 1;
    const match = namePattern.exec(html);
    const gt = html.indexOf('>', lt + 1);
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      // <!doctype …>, <![CDATA[ …, <?xml …?>
      pos = gt === -1 ? html.length : gt + 1;
      continue;
    }
    if (!match || gt === -1) {
      // A lone "<" is text.
      onText(lt, lt + 1);
      pos = lt + 1;
      continue;
    }
    const name = match[1]!.toLowerCase();
    const closing = html[lt + 1] === '/';
    const tag: Tag = { name, closing, selfClosing: html[gt - 1] === '/', start: lt, end: gt + 1 };
    onTag(tag);
    pos = gt + 1;
    if (!closing && RAW_TEXT_ELEMENTS.has(name)) {
      const endTag = new RegExp(`</${name}[\\s/>]`, 'gi');
      endTag.lastIndex = pos;
      const found = endTag.exec(html);
      if (name === 'title' || name === 'textarea') onText(pos, found ? found.index : html.length);
      pos = found ? found.index : html.length;
    }
  }
  if (pos < html.length) onText(pos, html.length);
}

/**
 * How deeply the elements of an HTML source nest, measured the way the parser builds them (void elements,
 * implied end tags, end tags that close everything up to their element, self-closing only inside SVG and
 * MathML), in one linear pass and without building a DOM.
 */
export function measureHtml(html: string): { maxDepth: number; elements: number; weight: number } {
  const stack: string[] = [];
  const open = new Map<string, number>();
  let foreign = 0;
  let maxDepth = 0;
  let elements = 0;
  let weight = 0;
  const pop = () => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
    if (name === 'svg' || name === 'math') foreign -= 1;
  };
  scanTags(
    html,
    (tag) => {
      if (tag.closing) {
        // An end tag closes its element and everything opened inside it; one with no open element is ignored.
        if (VOID_ELEMENTS.has(tag.name) || !open.get(tag.name)) return;
        for (;;) {
          const name = stack[stack.length - 1];
          pop();
          if (name === tag.name) break;
        }
        return;
      }
      const closes = IMPLIED_CLOSE.get(tag.name);
      while (closes && stack.length > 0 && closes.has(stack[stack.length - 1]!)) pop();
      elements += 1;
      weight += stack.length + 1;
      // Self-closing (<x/>) counts only in SVG and MathML (and for <svg/> and <math/> themselves), as in the parser.
      if (VOID_ELEMENTS.has(tag.name) || (tag.selfClosing && (foreign > 0 || tag.name === 'svg' || tag.name === 'math'))) return;
      stack.push(tag.name);
      open.set(tag.name, (open.get(tag.name) ?? 0) + 1);
      if (tag.name === 'svg' || tag.name === 'math') foreign += 1;
      if (stack.length > maxDepth) maxDepth = stack.length;
    },
    () => {},
  );
  return { maxDepth, elements, weight };
}

/** Elements that start a new line in the plain-text rendering. */
const BLOCK_ELEMENTS = new Set([
  ...P_CLOSERS,
  'br', 'li', 'tr', 'dd', 'dt', 'body', 'caption', 'center', 'dialog', 'dir', 'hgroup', 'legend', 'menu', 'option', 'search', 'summary', 'tbody', 'thead', 'tfoot',
]);
/** Elements whose content is not text a reader sees. */
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'head', 'template', 'noscript', 'svg', 'math', 'iframe', 'object', 'select', 'button']);

/**
 * The text of an HTML source without a DOM, in one linear pass: tags are dropped (block elements start a new
 * line), hidden elements (script, style, head, …) leave nothing, and character references are decoded by
 * linkedom's parser on a document that has no elements left to nest.
 */
export function htmlToPlainText(html: string): { text: string; title?: string } {
  const out: string[] = [];
  let hidden = 0;
  let title: string | undefined;
  let inTitle = false;
  scanTags(
    html,
    (tag) => {
      if (tag.name === 'title') inTitle = !tag.closing;
      // <body> ends <head> even when </head> is missing.
      if (tag.name === 'body' && !tag.closing) hidden = 0;
      if (HIDDEN_ELEMENTS.has(tag.name) && !tag.selfClosing) hidden = Math.max(0, hidden + (tag.closing ? -1 : 1));
      else if (BLOCK_ELEMENTS.has(tag.name)) out.push('\n');
      else if (tag.name === 'td' || tag.name === 'th') out.push(' ');
    },
    (start, end) => {
      if (inTitle) {
        title ??= html.slice(start, end);
        return;
      }
      if (hidden === 0) out.push(html.slice(start, end).replace(/</g, '&lt;'));
    },
  );
  const decode = (text: string): string => parseHTML(`<!doctype html><html><head></head><body><pre>${text}</pre></body></html>`).document.body.textContent ?? '';
  const text = decode(out.join(''))
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\r]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const cleanTitle = title === undefined ? undefined : decode(title.replace(/</g, '&lt;')).replace(/\s+/g, ' ').trim();
  return { text, ...(cleanTitle ? { title: cleanTitle } : {}) };
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
