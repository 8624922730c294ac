/**
 * The server's side of the HTML converter threads (convert-worker.ts): a small pool of worker threads, each
 * converting one page at a time. Large pages are converted there instead of on the server's thread, where a
 * 10 MB page used to hold everything (ping, cancellation, other calls) for 15-20 s.
 *
 * - Threads start on first use (a server that only sees small pages never starts one), are reused, and end
 *   after `idleMs` without work. At most `maxWorkers` exist at once, counting threads still shutting down;
 *   further pages wait in order.
 * - A job whose signal aborts (the client cancelled, or the conversion's deadline passed) is rejected with
 *   the signal's reason at once, and its thread is terminated: Worker.terminate() interrupts the JavaScript
 *   running there, so the CPU and the memory of a half-done conversion are given back. Nothing half-done
 *   comes out of the pool; a later page gets a fresh thread.
 * - A thread that dies (out of memory: V8 stops the thread, never the server) rejects its job with
 *   ConverterCrashedError.
 * - A thread keeps the process alive only while it converts (ref'd with a page, unref'd when idle), and its
 *   stdout/stderr are captured and handed to `onOutput`, never written to the server's stdout, which is the
 *   protocol stream on stdio.
 *
 * No MCP imports.
 */
import { builtScriptPath } from '@portico/protocol';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { HtmlConversion } from './convert.js';
import type { ConvertTask, FromConverter } from './convert-messages.js';

/** The converter thread died while converting (e.g. out of memory); the page was not converted. */
export class ConverterCrashedError extends Error {
  constructor(
    readonly outOfMemory: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'ConverterCrashedError';
  }
}

/** The conversion itself threw inside the thread. */
export class ConverterFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConverterFailedError';
  }
}

export interface ConversionPoolOptions {
  /** Threads at once (default 2). */
  maxWorkers?: number;
  /** A thread without work for this long ends (default 30 s). */
  idleMs?: number;
  /** V8 limits of each thread (default: Node's). A thread past its heap limit dies alone. */
  resourceLimits?: ResourceLimits;
  /** Path of the thread's script (default: the built convert-worker.js, see converterScriptPath). */
  script?: string;
  /** Where the threads' stdout/stderr lines go (default: dropped). */
  onOutput?: (line: string) => void;
}

export interface ConversionPoolStats {
  /** Threads that exist now, busy, idle or shutting down. */
  threads: number;
  busy: number;
  queued: number;
  /** Threads started since the pool was made. */
  started: number;
}

/** Path of the built converter thread (tsc's dist/lib/convert-worker.js), from wherever this code runs. */
export function converterScriptPath(): string {
  return builtScriptPath(import.meta.url, 'convert-worker.js', '@portico/server-fetch');
}

interface Job {
  id: number;
  task: ConvertTask;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  slot: Slot | undefined;
  resolve(value: HtmlConversion): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  /** terminate() was asked for, or the thread died: it takes no more work. */
  stopping: boolean;
  exited: Promise<void>;
}

const OUTPUT_TAIL_CHARS = 2000;

export class ConversionPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly maxWorkers: number;
  private readonly idleMs: number;
  private nextId = 1;
  private closed = false;
  private started = 0;

  constructor(private readonly options: ConversionPoolOptions = {}) {
    this.maxWorkers = Math.max(1, options.maxWorkers ?? 2);
    this.idleMs = options.idleMs ?? 30_000;
  }

  /** Converts in a thread; rejects with `signal.reason` as soon as the signal aborts (the thread is stopped). */
  run(task: ConvertTask, signal?: AbortSignal): Promise<HtmlConversion> {
    if (this.closed) return Promise.reject(new Error('the HTML conversion pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<HtmlConversion>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, signal, onAbort: undefined, slot: undefined, resolve, reject };
      if (signal) {
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  stats(): ConversionPoolStats {
    let busy = 0;
    for (const slot of this.slots) if (slot.job) busy += 1;
    return { threads: this.slots.size, busy, queued: this.queue.length, started: this.started };
  }

  /** Rejects waiting pages, stops every thread and waits until they have exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, { error: new Error('the HTML conversion pool is closed') });
    const exits: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (slot.job) this.settle(slot.job, { error: new Error('the HTML conversion pool is closed') });
      slot.job = undefined;
      this.stop(slot);
      exits.push(slot.exited);
    }
    await Promise.all(exits);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot: Slot | undefined;
      for (const candidate of this.slots) {
        if (!candidate.job && !candidate.stopping) {
          slot = candidate;
          break;
        }
      }
      if (!slot) {
        if (this.slots.size >= this.maxWorkers) return;
        try {
          slot = this.spawn();
        } catch (error) {
          // No thread can be started (e.g. the built script is missing): every waiting page fails the same way.
          for (const job of this.queue.splice(0)) this.settle(job, { error });
          return;
        }
      }
      const job = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      slot.job = job;
      job.slot = slot;
      // A conversion under way keeps the process alive, as any pending I/O does; an idle thread does not.
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, ...job.task });
    }
  }

  private spawn(): Slot {
    const script = this.options.script ?? converterScriptPath();
    const worker = new Worker(script, {
      // No inherited flags (test runners add loaders); the thread is plain built JavaScript.
      execArgv: [],
      stdout: true,
      stderr: true,
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    worker.unref();
    this.started += 1;
    let markExited: () => void = () => {};
    const slot: Slot = { worker, job: undefined, idleTimer: undefined, stopping: false, exited: new Promise<void>((resolve) => (markExited = resolve)) };
    this.slots.add(slot);
    let output = '';
    const onOutput = (chunk: string) => {
      output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
      for (const line of chunk.split('\n')) if (line.trim()) this.options.onOutput?.(line);
    };
    worker.stdout.setEncoding('utf8').on('data', onOutput);
    worker.stderr.setEncoding('utf8').on('data', onOutput);
    worker.on('message', (message: FromConverter) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      // Out of memory, or an exception outside a conversion: the thread is gone.
      slot.stopping = true;
      clearTimeout(slot.idleTimer);
      const job = slot.job;
      slot.job = undefined;
      if (job) this.settle(job, { error: new ConverterCrashedError(error.code === 'ERR_WORKER_OUT_OF_MEMORY', error.message) });
    });
    worker.on('exit', (code) => {
      slot.stopping = true;
      clearTimeout(slot.idleTimer);
      this.slots.delete(slot);
      const job = slot.job;
      slot.job = undefined;
      if (job) this.settle(job, { error: new ConverterCrashedError(false, `the converter thread exited (code ${code})${output ? `: ${output.trim().slice(-300)}` : ''}`) });
      markExited();
      this.pump();
    });
    return slot;
  }

  private onMessage(slot: Slot, message: FromConverter): void {
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    slot.job = undefined;
    job.slot = undefined;
    slot.worker.unref();
    this.settle(job, message.ok ? { value: message.result } : { error: new ConverterFailedError(message.message) });
    if (!slot.stopping) {
      slot.idleTimer = setTimeout(() => this.stop(slot), this.idleMs);
      slot.idleTimer.unref();
    }
    this.pump();
  }

  private abort(job: Job, reason: unknown): void {
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(job, { error: reason });
      return;
    }
    const slot = job.slot;
    if (slot?.job === job) {
      // The only way to stop a synchronous conversion: end its thread. A later page gets a fresh one.
      slot.job = undefined;
      this.stop(slot);
      this.settle(job, { error: reason });
    }
  }

  private stop(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    // Already terminating, or dead after an 'error' (its 'exit' follows on its own).
    if (slot.stopping) return;
    slot.stopping = true;
    slot.worker.unref();
    void slot.worker.terminate().catch(() => {});
  }

  private settle(job: Job, outcome: { value: HtmlConversion } | { error: unknown }): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = undefined;
    job.slot = undefined;
    if ('value' in outcome) job.resolve(outcome.value);
    else job.reject(outcome.error);
  }
}
