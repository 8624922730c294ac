/** Conversion of real bodies: HTML to Markdown, JSON, text, charsets, PDF, refused types. */
import { describe, expect, it } from 'vitest';
import { makePdf } from '../test-support/fixtures.js';
import { decodeBody, parseContentType } from './charset.js';
import { convertBody, htmlToPlainText, measureHtml } from './convert.js';
import { FetchError } from './errors.js';

const article = `<!doctype html><html><head><title>The Title</title></head><body>
<nav><a href="/home">Home</a> | <a href="/about">About</a></nav>
<article>
<h1>Main heading</h1>
<p>An opening paragraph with a <a href="/docs/page?x=1">relative link</a>, an <a href="https://other.example/abs">absolute link</a> and <code>inline code</code>. ${'Some more words to make this look like an article. '.repeat(12)}</p>
<h2>Lists</h2>
<ul><li>first item</li><li>second item</li></ul>
<ol><li>one</li><li>two</li></ol>
<h2>Code</h2>
<pre><code class="language-js">const answer = 42;
console.log(answer);</code></pre>
<h2>Table</h2>
<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>alpha</td><td>1</td></tr><tr><td>beta</td><td>2</td></tr></tbody></table>
<p>${'A closing paragraph keeps Readability convinced this is the content. '.repeat(10)}</p>
<script>window.evil = true;</script>
</article>
<footer>Footer text</footer>
</body></html>`;

describe('HTML to Markdown', () => {
  it('keeps headings, links (made absolute), lists, code and GFM tables, and the title', async () => {
    const out = await convertBody(Buffer.from(article), 'text/html; charset=utf-8', 'https://site.example/blog/post', false);
    expect(out.format).toBe('markdown');
    expect(out.title).toBe('The Title');
    const md = out.content;
    expect(md).toMatch(/^## Lists$/m);
    expect(md).toContain('[relative link](https://site.example/docs/page?x=1)');
    expect(md).toContain('[absolute link](https://other.example/abs)');
    expect(md).toMatch(/^- {1,3}first item$/m);
    expect(md).toMatch(/^1\. {1,2}one$/m);
    expect(md).toContain('```js\nconst answer = 42;\nconsole.log(answer);\n```');
    expect(md).toContain('| Name | Value |');
    expect(md).toContain('| alpha | 1 |');
    expect(md).toContain('`inline code`');
    expect(md).not.toContain('window.evil');
  });

  it('returns the HTML itself when raw', async () => {
    const out = await convertBody(Buffer.from(article), 'text/html', 'https://site.example/', true);
    expect(out.format).toBe('html');
    expect(out.content).toBe(article);
  });

  it('converts pages Readability cannot simplify by falling back to the whole body', async () => {
    const out = await convertBody(Buffer.from('<html><body><p>Tiny <b>page</b></p></body></html>'), 'text/html', 'https://site.example/', false);
    expect(out.content).toContain('Tiny **page**');
  });

  it('treats a body without Content-Type that looks like HTML as HTML', async () => {
    const out = await convertBody(Buffer.from('<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello</p></body></html>'), undefined, 'https://site.example/', false);
    expect(out.format).toBe('markdown');
    expect(out.content).toContain('Hello');
  });
});

describe('HTML that is not a whole document', () => {
  // linkedom supplies no implied <html>/<head>/<body>: these threw (no documentElement) or came out empty.
  const convert = (body: string) => convertBody(Buffer.from(body), 'text/html; charset=utf-8', 'https://site.example/dir/', false);

  it('converts plain text sent as text/html, and an empty body, instead of failing', async () => {
    expect(await convert('Hello World!')).toMatchObject({ format: 'markdown', content: 'Hello World!' });
    expect(await convert('')).toMatchObject({ format: 'markdown', content: '' });
    expect(await convert('<!-- only a comment -->')).toMatchObject({ content: '' });
    expect(await convert('<!doctype html>')).toMatchObject({ content: '' });
  });

  it('converts a fragment to its text, links made absolute', async () => {
    const out = await convert('<h1>Release notes</h1><p>Version 2 fixes the <a href="bug/1">login bug</a>.</p>');
    expect(out.content).toContain('Release notes');
    expect(out.content).toContain('Version 2 fixes the [login bug](https://site.example/dir/bug/1).');
  });

  it('keeps the title of a fragment, and the body of <html> without <body>', async () => {
    const out = await convert('<title>Notes</title><p>Text after the title.</p>');
    expect(out.title).toBe('Notes');
    expect(out.content).toContain('Text after the title.');
    expect((await convert('<html><p>Inside html only.</p></html>')).content).toContain('Inside html only.');
    expect((await convert('<head><title>H</title></head><body><p>Head and body, no html.</p></body>')).content).toContain('Head and body, no html.');
  });
});

describe('deeply nested HTML', () => {
  const deep = (levels: number) => `<!doctype html><html><head><title>Deep</title></head><body>${'<div>'.repeat(levels)}deep text &amp; more${'</div>'.repeat(levels)}</body></html>`;

  it('is not simplified but turned into text, without a DOM (1,500 levels held the server for 30 s)', async () => {
    const out = await convertBody(Buffer.from(deep(1500)), 'text/html', 'https://x.example/', false);
    // Labelled for what it is: text, not Markdown (it said "markdown"), with why and what to do.
    expect(out.format).toBe('text');
    expect(out.htmlAsText).toBe(true);
    expect(out.content).toBe('deep text & more');
    expect(out.title).toBe('Deep');
    expect(out.note).toMatch(/nests elements 1502 levels deep.*not simplified to Markdown/);
    expect(out.note).toContain('raw: true');
  });

  it('a page within the limits is still simplified', async () => {
    const out = await convertBody(Buffer.from(deep(20)), 'text/html', 'https://x.example/', false);
    expect(out.format).toBe('markdown');
    expect(out.content).toBe('deep text & more');
    expect(out.note).toBeUndefined();
    expect(out.htmlAsText).toBeUndefined();
  });

  it('measures nesting the way the parser builds it', () => {
    expect(measureHtml(deep(300)).maxDepth).toBe(302); // html, body and 300 divs
    // Implied end tags, void elements, end tags that close what is open inside them.
    expect(measureHtml('<p>a<p>b<p>c').maxDepth).toBe(1);
    expect(measureHtml('<ul><li>a<li>b<li>c</ul>').maxDepth).toBe(2);
    expect(measureHtml('<br><img src=x><hr><input>'.repeat(50)).maxDepth).toBe(0);
    expect(measureHtml('<div><span><b>x</div>'.repeat(50)).maxDepth).toBe(3);
    // Self-closing counts in SVG only; an HTML <div/> stays open, as the parser keeps it.
    expect(measureHtml(`<svg>${'<path d="M0"/>'.repeat(200)}</svg>${'<svg/>'.repeat(200)}`).maxDepth).toBe(1);
    expect(measureHtml('<div/>'.repeat(200)).maxDepth).toBe(200);
    // Markup inside scripts, styles and comments is not markup.
    expect(measureHtml(`<script>${'<div>'.repeat(500)}</script><!-- ${'<div>'.repeat(500)} --><style>${'<div>'.repeat(500)}</style>`).maxDepth).toBe(1);
  });

  it('the text fallback drops scripts, styles and the head, and keeps lines', () => {
    const { text, title } = htmlToPlainText('<html><head><title>A &amp; B</title><style>p{}</style><head><body><script>var x = "<p>";</script><h1>Head&eacute;r</h1><p>one<br>two</p><ul><li>x &lt; y</ul>');
    expect(title).toBe('A & B');
    expect(text).toBe('Headér\n\none\ntwo\n\nx < y');
  });
});

describe('charsets', () => {
  const cafe1252 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]); // "Café €" in windows-1252
  it('uses the Content-Type charset', async () => {
    const out = await convertBody(cafe1252, 'text/plain; charset=windows-1252', 'https://x.example/', false);
    expect(out.content).toBe('Café €');
  });
  it('uses <meta charset> when the header has none', async () => {
    const page = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"><title>t</title></head><body><p>'), cafe1252, Buffer.from('</p></body></html>')]);
    const out = await convertBody(page, 'text/html', 'https://x.example/', true);
    expect(out.content).toContain('Café €');
  });
  it('reads a <meta> that declares UTF-16 as UTF-8, as WHATWG says (the page was read as ASCII to find it)', () => {
    for (const label of ['utf-16', 'UTF-16LE', 'utf-16be']) {
      const page = Buffer.from(`<html><head><meta charset="${label}"><title>Hello</title></head><body><p>plain ascii page, caf\u00e9</p></body></html>`);
      expect(decodeBody(page, undefined, true), label).toMatchObject({ charset: 'utf-8', text: page.toString('utf8') });
    }
    // A UTF-16 BOM or Content-Type still means UTF-16.
    expect(decodeBody(Buffer.from('hi', 'utf16le'), 'utf-16le', true).text).toBe('hi');
  });
  it('understands <meta http-equiv> too', () => {
    const page = Buffer.concat([Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>'), Buffer.from([0xe9])]);
    expect(decodeBody(page, undefined, true).text).toContain('é');
  });
  it('a BOM wins, and unknown labels fall back to UTF-8', () => {
    expect(decodeBody(Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'windows-1252', false).text).toBe('hi');
    expect(decodeBody(Buffer.from('é'), 'no-such-charset', false).text).toBe('é');
  });
  it('parses Content-Type parameters', () => {
    expect(parseContentType('Text/HTML; Charset="UTF-8"; q=1')).toEqual({ essence: 'text/html', charset: 'utf-8' });
    expect(parseContentType(undefined)).toEqual({ essence: '' });
  });
});

describe('other types', () => {
  it('pretty-prints JSON (and keeps it as is when raw)', async () => {
    const body = Buffer.from('{"a":1,"b":[true,null]}');
    const out = await convertBody(body, 'application/json', 'https://x.example/', false);
    expect(out.format).toBe('json');
    expect(out.content).toBe(JSON.stringify({ a: 1, b: [true, null] }, null, 2));
    expect((await convertBody(body, 'application/problem+json', 'https://x.example/', true)).content).toBe('{"a":1,"b":[true,null]}');
  });

  it('keeps text as it is', async () => {
    const out = await convertBody(Buffer.from('line 1\n  line 2\n'), 'text/plain', 'https://x.example/', false);
    expect(out).toMatchObject({ format: 'text', content: 'line 1\n  line 2\n' });
  });

  it('extracts text from a PDF, with its title', async () => {
    const out = await convertBody(makePdf(['Hello from a PDF', 'Second line (with parens)'], 'A PDF Title'), 'application/pdf', 'https://x.example/doc.pdf', false);
    expect(out.format).toBe('pdf-text');
    expect(out.content).toContain('Hello from a PDF');
    expect(out.content).toContain('Second line (with parens)');
    expect(out.title).toBe('A PDF Title');
  });

  it('reports a damaged PDF', async () => {
    const error = await convertBody(Buffer.from('%PDF-1.4 garbage'), 'application/pdf', 'https://x.example/', false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).code).toBe('conversion_failed');
  });

  it('refuses other types, naming the content type', async () => {
    for (const type of ['image/png', 'application/zip', 'video/mp4']) {
      const error = await convertBody(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]), type, 'https://x.example/', false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FetchError);
      expect((error as FetchError).code).toBe('unsupported_content_type');
      expect((error as FetchError).message).toContain(type);
    }
  });

  it('refuses a binary body without a Content-Type', async () => {
    const error = await convertBody(Buffer.from([0, 1, 2, 3, 0, 255]), undefined, 'https://x.example/', false).catch((e: unknown) => e);
    expect((error as FetchError).code).toBe('unsupported_content_type');
    expect((error as FetchError).message).toContain('(none)');
  });
});
