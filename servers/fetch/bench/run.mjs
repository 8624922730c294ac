#!/usr/bin/env node
/**
 * Fetch server benchmarks (run after building: `pnpm --filter @portico/server-fetch bench`).
 *  1. Conversion: time and bytes to turn a large HTML page into Markdown (Readability + turndown).
 *  2. Paging: latency of the first fetch (download + convert) against later pages (served from the cache),
 *     through the built bin over stdio, and the same with the cache disabled (--cache-ttl 0).
 * Traffic goes only to a loopback fixture on 127.0.0.2. Figures are printed as a table and as JSON.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connectStdio } from '@portico/protocol/testing';
import { startLoopbackServer } from '@portico/test-utils';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const { convertBody } = await import(new URL('../dist/lib/convert.js', import.meta.url).href);

function largePage(sections) {
  const parts = [];
  for (let i = 0; i < sections; i++) {
    parts.push(`<section><h2>Section ${i}</h2>
<p>${'Lorem ipsum dolor sit amet, <a href="/link/' + i + '">consectetur</a> adipiscing elit, sed do <em>eiusmod</em> tempor. '.repeat(6)}</p>
<ul>${Array.from({ length: 5 }, (_, j) => `<li>Item ${i}.${j} with <code>code_${j}</code></li>`).join('')}</ul>
<table><thead><tr><th>Key</th><th>Value</th><th>Note</th></tr></thead><tbody>${Array.from({ length: 4 }, (_, j) => `<tr><td>k${j}</td><td>${i * j}</td><td>note ${j}</td></tr>`).join('')}</tbody></table>
<pre><code class="language-js">function f${i}(x) {\n  return x * ${i};\n}</code></pre></section>`);
  }
  return `<!doctype html><html><head><title>Benchmark page</title></head><body><nav>${'<a href="/nav">nav</a> '.repeat(50)}</nav><article><h1>Benchmark page</h1>${parts.join('\n')}</article><footer>footer</footer></body></html>`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { conversion: [], paging: [] };

// 1. Conversion of large pages.
for (const sections of [200, 1000, 4000]) {
  const html = Buffer.from(largePage(sections));
  const times = [];
  const cpu = [];
  let out;
  const runs = sections >= 4000 ? 1 : 3;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    out = await convertBody(html, 'text/html; charset=utf-8', 'https://bench.example/page', false);
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    // CPU time is steadier than wall time on a shared machine.
    cpu.push((c1.user + c1.system) / 1000);
  }
  results.conversion.push({ htmlBytes: html.length, markdownChars: out.content.length, medianWallMs: +median(times).toFixed(1), medianCpuMs: +median(cpu).toFixed(1), runs });
}

// 2. Paging through the built bin.
const page = Buffer.from(largePage(1000));
const site = await startLoopbackServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(page.length) });
  res.end(page);
}, { host: '127.0.0.2' });

for (const [label, extra] of [
  ['cache on (default 60 s)', []],
  ['cache off (--cache-ttl 0)', ['--cache-ttl', '0']],
]) {
  const client = await connectStdio({ bin, args: ['--allow-network', '127.0.0.2/32', '--ignore-robots-txt', ...extra] });
  const url = `${site.url}/page`;
  await client.callTool('fetch', { url: `${site.url}/warmup` }); // loads the conversion libraries
  const hitsBefore = site.hits();
  let t0 = performance.now();
  const first = await client.callTool('fetch', { url, max_length: 5000 });
  const firstMs = performance.now() - t0;
  const later = [];
  let start = first.structuredContent.next_start_index;
  for (let i = 0; i < 20 && start !== null; i++) {
    t0 = performance.now();
    const r = await client.callTool('fetch', { url, max_length: 5000, start_index: start });
    later.push(performance.now() - t0);
    start = r.structuredContent.next_start_index;
  }
  results.paging.push({ mode: label, pageBytes: page.length, firstPageMs: +firstMs.toFixed(1), laterPageMedianMs: +median(later).toFixed(1), laterPages: later.length, downloads: site.hits() - hitsBefore });
  await client.close();
}
await site.close();

console.log('\nConversion (HTML -> Markdown, in process):');
console.table(results.conversion);
console.log('Paging through the built bin over stdio (5000-character pages):');
console.table(results.paging);
console.log(JSON.stringify({ node: process.version, ...results }));
