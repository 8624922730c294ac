#!/usr/bin/env node
/**
 * Fetch server benchmarks (run after building: `pnpm --filter @portico/server-fetch bench`).
 *  1. Conversion: time and bytes to turn a large HTML page into Markdown (Readability + turndown).
 *  2. Paging: latency of the first fetch (download + convert) against later pages (served from the cache),
 *     through the built bin over stdio, and the same with the cache disabled (--cache-ttl 0).
 *  3. Large pages over stdio: a wide page (sibling elements, ~2 s of Markdown work per MB) with a ping every
 *     250 ms during the call: the call's time, its format, and the slowest ping, with the default
 *     --convert-timeout and with a generous one; and the first large page (which starts the converter thread)
 *     against the next one.
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

/** Sibling <div>s up to `bytes`: the shape that costs the conversion the most per byte. */
function widePage(bytes) {
  const items = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const item = `<div>item ${i}</div>`;
    items.push(item);
    size += item.length;
  }
  return `<!doctype html><html><head><title>Wide page</title></head><body>${items.join('')}</body></html>`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { conversion: [], paging: [], largePages: [] };

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

// 3. Large pages over stdio: does the server answer while one converts, and does the call keep its budget?
const wide = Buffer.from(widePage(Number(process.env.BENCH_WIDE_MB ?? 9.5) * 1024 * 1024));
const medium = Buffer.from(largePage(1000));
const wideSite = await startLoopbackServer((req, res) => {
  const body = req.url.startsWith('/wide') ? wide : medium;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
  res.end(body);
}, { host: '127.0.0.2' });
for (const [label, extra] of [
  ['wide page, default --convert-timeout (10 s)', []],
  ['wide page, --convert-timeout 120', ['--convert-timeout', '120']],
]) {
  const client = await connectStdio({ bin, args: ['--allow-network', '127.0.0.2/32', '--ignore-robots-txt', ...extra] });
  const t0 = performance.now();
  const first = await client.callTool('fetch', { url: `${wideSite.url}/medium-1`, max_length: 100 });
  const firstLargeMs = performance.now() - t0;
  const t1 = performance.now();
  await client.callTool('fetch', { url: `${wideSite.url}/medium-2`, max_length: 100 });
  const nextLargeMs = performance.now() - t1;
  const pings = [];
  let done = false;
  const t2 = performance.now();
  const call = client.callTool('fetch', { url: `${wideSite.url}/wide`, max_length: 100 }, { timeout: 300_000 }).finally(() => (done = true));
  while (!done) {
    const p0 = performance.now();
    await client.client.ping({ timeout: 300_000 });
    pings.push(performance.now() - p0);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const r = await call;
  results.largePages.push({
    mode: label,
    wideBytes: wide.length,
    callMs: +(performance.now() - t2).toFixed(0),
    format: r.isError ? 'error' : r.structuredContent.format,
    pings: pings.length,
    slowestPingMs: +Math.max(...pings).toFixed(1),
    first1MbPageMs: +firstLargeMs.toFixed(0),
    next1MbPageMs: +nextLargeMs.toFixed(0),
    firstFormat: first.structuredContent.format,
  });
  await client.close();
}
await wideSite.close();

console.log('\nConversion (HTML -> Markdown, in process):');
console.table(results.conversion);
console.log('Paging through the built bin over stdio (5000-character pages):');
console.table(results.paging);
console.log('Large pages through the built bin over stdio (a ping every 250 ms during the wide page):');
console.table(results.largePages);
console.log(JSON.stringify({ node: process.version, ...results }));
