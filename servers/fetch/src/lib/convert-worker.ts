/**
 * The HTML converter thread: converts one page at a time for convert-pool.ts, so the server's own thread
 * keeps answering (ping, cancellation, other calls) while a large page turns into Markdown, and a page that
 * takes too long can be stopped (Worker.terminate() interrupts the JavaScript running here at once).
 *
 * Started by the pool from the built file (dist/lib/convert-worker.js); imports the converter itself, never
 * the MCP side. Nothing here writes to stdout: the pool captures the thread's output anyway, because on a
 * stdio server stdout is the protocol stream.
 */
import { parentPort } from 'node:worker_threads';
import { htmlToMarkdown, htmlToPlainText, plainTextConversion } from './convert.js';
import type { FromConverter, ToConverter } from './convert-messages.js';

if (!parentPort) throw new Error('convert-worker.js runs as a worker thread of the fetch server, not on its own.');
const port = parentPort;

port.on('message', (job: ToConverter) => {
  let reply: FromConverter;
  try {
    if (job.kind === 'markdown') {
      reply = { id: job.id, ok: true, result: htmlToMarkdown(job.html, job.pageUrl) };
    } else {
      const { text, title } = htmlToPlainText(job.html);
      reply = { id: job.id, ok: true, result: plainTextConversion(text, title, job.why) };
    }
  } catch (error) {
    reply = { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
