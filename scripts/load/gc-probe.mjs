/**
 * Preloaded into a server under soak (`node --expose-gc --import scripts/load/gc-probe.mjs <bin>`): on SIGWINCH
 * it runs full garbage collections and prints one `portico-gc-probe {json}` line with process.memoryUsage()
 * to stderr. Without it the soak reads RSS full of garbage V8 has simply not collected yet: the GitHub server
 * (a fetch per call) showed 220 MiB that one forced GC brought back to 95 MiB, with the live heap flat.
 * The pauses between collections let FinalizationRegistry callbacks run: undici's fetch frees each request's
 * abort listener (and the signal it holds) only from such a callback, so a single gc() leaves them counted.
 * Test-only: never loaded by the bins themselves.
 */
import { setTimeout as sleep } from 'node:timers/promises';

process.on('SIGWINCH', async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(100);
  }
  const m = process.memoryUsage();
  process.stderr.write(`portico-gc-probe ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
});
