/** Conversion of real bodies: HTML to Markdown, JSON, text, charsets, PDF, refused types. */
import { describe, expect, it } from 'vitest';
import { makePdf } from '../test-support/fixtures.js';
import { decodeBody, parseContentType } from './charset.js';
import { convertBody } from './convert.js';
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
