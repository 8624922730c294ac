/**
 * The converter threads' lifecycle: started on first use, reused, ended when idle, never more than allowed,
 * stopped when a page's signal aborts or the pool closes, their output kept off the protocol stream. Runs the
 * built dist/lib/convert-worker.js: build first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor } from '@portico/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { widePage } from '../test-support/fixtures.js';
import { ConversionPool, ConverterCrashedError } from './convert-pool.js';

const small = { kind: 'markdown' as const, html: '<!doctype html><html><head><title>S</title></head><body><p>Small page.</p></body></html>', pageUrl: 'https://x.example/' };
/** ~2 s of Markdown work in a thread. */
const slow = { kind: 'markdown' as const, html: widePage(1024 * 1024), pageUrl: 'https://x.example/' };

const pools: ConversionPool[] = [];
const pool = (options: ConstructorParameters<typeof ConversionPool>[0] = {}) => {
  const p = new ConversionPool(options);
  pools.push(p);
  return p;
};
const scratch = mkdtempSync(join(tmpdir(), 'portico-fetch-pool-'));

afterAll(async () => {
  for (const p of pools) await p.close();
  rmSync(scratch, { recursive: true, force: true });
});


describe('the HTML converter threads', () => {
  it('start on first use, are reused, and end when idle', async () => {
    const p = pool({ idleMs: 200 });
    expect(p.stats()).toEqual({ threads: 0, busy: 0, queued: 0, started: 0 });
    expect(await p.run(small)).toMatchObject({ format: 'markdown', content: 'Small page.', title: 'S' });
    expect(await p.run(small)).toMatchObject({ format: 'markdown' });
    expect(p.stats()).toMatchObject({ threads: 1, busy: 0, started: 1 });
    expect(await waitFor(() => p.stats().threads === 0, 2_000)).toBe(true);
    await p.run(small);
    expect(p.stats().started).toBe(2);
  });

  it('never exceed maxWorkers; a waiting page whose signal aborts leaves the queue, a running one ends its thread', async () => {
    const p = pool({ maxWorkers: 1 });
    const running = new AbortController();
    const first = p.run(slow, running.signal).catch((error: unknown) => error);
    const waiting = new AbortController();
    const second = p.run(small, waiting.signal).catch((error: unknown) => error);
    expect(p.stats()).toMatchObject({ threads: 1, busy: 1, queued: 1 });
    waiting.abort(new Error('waited too long'));
    expect(((await second) as Error).message).toBe('waited too long');
    expect(p.stats()).toMatchObject({ threads: 1, busy: 1, queued: 0 });
    running.abort(new Error('cancelled'));
    expect(((await first) as Error).message).toBe('cancelled');
    expect(await waitFor(() => p.stats().threads === 0, 2_000)).toBe(true);
    // A fresh thread for the next page.
    expect(await p.run(small)).toMatchObject({ content: 'Small page.' });
    expect(p.stats().started).toBe(2);
  });

  it('close() rejects what is running or waiting and ends every thread', async () => {
    const p = pool({ maxWorkers: 1 });
    const running = p.run(slow).catch((error: unknown) => error);
    const waiting = p.run(small).catch((error: unknown) => error);
    await p.close();
    expect(((await running) as Error).message).toMatch(/closed/);
    expect(((await waiting) as Error).message).toMatch(/closed/);
    expect(p.stats()).toMatchObject({ threads: 0, busy: 0, queued: 0 });
    await expect(p.run(small)).rejects.toThrow(/closed/);
  });

  it("keeps a thread's output off stdout (the protocol stream) and reports a thread that dies", async () => {
    const script = join(scratch, 'noisy-worker.mjs');
    writeFileSync(script, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { console.log('NOISY LINE'); setTimeout(() => process.exit(3), 50); });\n");
    const lines: string[] = [];
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const p = pool({ script, onOutput: (line) => lines.push(line) });
      const error = await p.run(small).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConverterCrashedError);
      expect((error as Error).message).toMatch(/exited \(code 3\)/);
      expect(lines).toContain('NOISY LINE');
      expect(p.stats().threads).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).not.toContain('NOISY LINE');
  });
});
