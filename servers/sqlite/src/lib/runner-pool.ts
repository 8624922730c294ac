/**
 * The main process's side of the query runners: a small pool of child processes (query-worker.js), each
 * running one request at a time. Every request has a deadline and may carry an AbortSignal; when either
 * fires, the runner running it is killed (which stops SQLite mid-statement) and a fresh one replaces it
 * on demand. The main thread never runs SQL, so the server keeps answering (ping, other tools) while a
 * query runs. No MCP types (only the path helper of @portico/protocol, which the main process loads anyway).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { builtScriptPath } from '@portico/protocol';
import type { FromRunner, RunnerFailure, RunnerRequest, RunnerResultMap, RunnerSettings } from './messages.js';

/** The request ran past its time limit; its runner was killed. */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query did not finish within ${formatSeconds(timeoutMs)} and was stopped`);
    this.name = 'QueryTimeoutError';
  }
}

/** The caller's signal fired; the runner was killed. */
export class QueryCancelledError extends Error {
  constructor() {
    super('the query was cancelled and stopped');
    this.name = 'QueryCancelledError';
  }
}

/** The operation failed inside the runner (refused, SQLite error, bad input). */
export class RunnerFailureError extends Error {
  constructor(readonly failure: RunnerFailure) {
    super(failure.message);
    this.name = 'RunnerFailureError';
  }
}

/** The runner process died on its own (out of memory, a native crash). */
export class RunnerCrashedError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(`the query process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${exitCode}`})`);
    this.name = 'RunnerCrashedError';
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Path of the built runner script (tsc's dist/lib/query-worker.js), from wherever this code runs. */
export function runnerScriptPath(): string {
  return builtScriptPath(import.meta.url, 'query-worker.js', '@portico/server-sqlite');
}

interface Pending {
  id: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const STDERR_TAIL_CHARS = 4000;

/** One runner process. */
class Runner {
  readonly child: ChildProcess;
  dead = false;
  private pending: Pending | undefined;
  private nextId = 1;
  private readonly ready: Promise<void>;
  private markReady: () => void = () => {};
  private failReady: (error: Error) => void = () => {};
  private stderrTail = '';
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;

  constructor(
    script: string,
    settings: RunnerSettings,
    private readonly onLog: (line: string) => void,
    private readonly onExit: (runner: Runner) => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    let markExited: () => void = () => {};
    this.exited = new Promise<void>((resolve) => (markExited = resolve));
    this.child = fork(script, [], {
      // No inherited loader flags (test runners add some); the runner is plain built JavaScript.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      for (const line of chunk.split('\n')) if (line.trim()) this.onLog(line);
    });
    this.child.on('message', (message: FromRunner) => this.onMessage(message));
    this.child.on('error', (error) => this.onGone(error));
    this.child.on('exit', (code, signal) => {
      markExited();
      this.onGone(new RunnerCrashedError(code, signal, this.stderrTail));
    });
    this.child.send({ type: 'init', settings });
  }

  private onMessage(message: FromRunner): void {
    if (message.type === 'ready') return this.markReady();
    if (message.type === 'init-failed') {
      this.failReady(new RunnerFailureError(message.failure));
      this.kill();
      return;
    }
    const pending = this.pending;
    if (!pending || pending.id !== message.id) return;
    this.pending = undefined;
    if (message.ok) pending.resolve(JSON.parse(message.json));
    else pending.reject(new RunnerFailureError(message.failure));
  }

  private gone = false;

  private onGone(error: Error): void {
    this.dead = true;
    this.failReady(error);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
    if (this.gone) return;
    this.gone = true;
    this.onExit(this);
  }

  async run(request: RunnerRequest): Promise<unknown> {
    await this.ready;
    if (this.dead) throw new RunnerCrashedError(null, null, this.stderrTail);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, resolve, reject };
      this.child.send({ type: 'run', id, request }, (error) => {
        if (error && this.pending?.id === id) {
          this.pending = undefined;
          reject(error);
        }
      });
    });
  }

  /**
   * Stops the process at once: SQLite's journal rolls back whatever it was writing. The pool forgets the
   * runner only when the process has exited (onExit), so no replacement starts while it still holds locks.
   */
  kill(): void {
    this.dead = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface RunnerPoolOptions {
  settings: RunnerSettings;
  /** Deadline for each request, from the moment it is made (waiting for a free runner counts). */
  timeoutMs: number;
  /** Most runner processes alive at once. */
  maxRunners?: number;
  script?: string;
  log?: (line: string) => void;
}

interface Assign {
  (runner: Runner): void;
  /** Fails a request still waiting for a runner (the pool closed). */
  fail(error: Error): void;
}

export class RunnerPool {
  private readonly runners = new Set<Runner>();
  private readonly idle: Runner[] = [];
  private readonly waiting: Assign[] = [];
  private readonly script: string;
  private readonly maxRunners: number;
  private closed = false;

  constructor(private readonly options: RunnerPoolOptions) {
    this.script = options.script ?? runnerScriptPath();
    this.maxRunners = Math.max(1, options.maxRunners ?? 2);
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /** Number of runner processes alive (for tests and diagnostics). */
  get size(): number {
    return this.runners.size;
  }

  /** PIDs of the live runner processes (for tests that check nothing is left running). */
  pids(): number[] {
    return [...this.runners].map((r) => r.child.pid).filter((p): p is number => p !== undefined);
  }

  /** Starts one runner ahead of the first request, so the first query does not wait for a process start. */
  warm(): void {
    if (this.closed || this.runners.size > 0) return;
    this.idle.push(this.spawn());
  }

  /**
   * Runs one request. `onStopped` is called once the runner process is gone, when it was killed (timeout,
   * cancellation) or crashed during this request.
   */
  run<R extends RunnerRequest>(request: R, options: { signal?: AbortSignal; onStopped?: () => void } = {}): Promise<RunnerResultMap[R['op']]> {
    if (this.closed) return Promise.reject(new Error('the query runner pool is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new QueryCancelledError());
    return new Promise((resolve, reject) => {
      let settled = false;
      let runner: Runner | undefined;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(assign);
        if (at !== -1) this.waiting.splice(at, 1);
        action();
      };
      /** After a runner died mid-request, lets the caller clean up what it may have left (export files). */
      const afterExit = (stopped: Runner) => {
        if (options.onStopped) void stopped.exited.then(options.onStopped);
      };
      const stop = (error: Error) =>
        finish(() => {
          if (runner) {
            runner.kill();
            afterExit(runner);
          }
          reject(error);
        });
      const timer = setTimeout(() => stop(new QueryTimeoutError(this.options.timeoutMs)), this.options.timeoutMs);
      const onAbort = () => stop(new QueryCancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const assign = ((assigned: Runner) => {
        if (settled) return this.release(assigned);
        runner = assigned;
        assigned.run(request).then(
          (result) =>
            finish(() => {
              this.release(assigned);
              resolve(result as RunnerResultMap[R['op']]);
            }),
          (error: Error) =>
            finish(() => {
              if (assigned.dead) afterExit(assigned);
              this.release(assigned);
              reject(error);
            }),
        );
      }) as Assign;
      assign.fail = (error) => finish(() => reject(error));
      this.acquire(assign);
    });
  }

  private spawn(): Runner {
    const runner = new Runner(this.script, this.options.settings, (line) => this.options.log?.(`query runner: ${line}`), (gone) => this.forget(gone));
    this.runners.add(runner);
    return runner;
  }

  /**
   * A new runner starts only when no killed runner is still exiting: the new one recovers the journal of
   * an interrupted write at start, which it can do only once the killed process has released its locks.
   */
  private canSpawn(): boolean {
    return this.runners.size < this.maxRunners && [...this.runners].every((r) => !r.dead);
  }

  private acquire(assign: Assign): void {
    const ready = this.idle.pop();
    if (ready) return assign(ready);
    if (this.canSpawn()) return assign(this.spawn());
    this.waiting.push(assign);
  }

  /** A runner finished a request: hand it to the next waiter, or keep it idle. Dead runners are dropped. */
  private release(runner: Runner): void {
    if (this.closed) return runner.kill();
    if (runner.dead) return this.serveWaiting();
    const next = this.waiting.shift();
    if (next) return next(runner);
    this.idle.push(runner);
  }

  /** A runner died or was killed: forget it and, if someone is waiting, start a replacement. */
  private forget(runner: Runner): void {
    this.runners.delete(runner);
    const at = this.idle.indexOf(runner);
    if (at !== -1) this.idle.splice(at, 1);
    this.serveWaiting();
  }

  private serveWaiting(): void {
    if (this.closed) return;
    while (this.waiting.length > 0 && this.canSpawn()) {
      this.waiting.shift()!(this.spawn());
    }
  }

  /** Kills every runner; pending requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.runners].map(
      (runner) =>
        new Promise<void>((resolve) => {
          if (runner.child.exitCode !== null || runner.child.signalCode !== null) return resolve();
          runner.child.once('exit', () => resolve());
          // Disconnecting lets an idle runner close its connections cleanly; a busy one is killed.
          if (runner.child.connected) runner.child.disconnect();
          setTimeout(() => runner.kill(), 1000).unref();
        }),
    );
    this.idle.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter.fail(new Error('the server is shutting down'));
    await Promise.all(exits);
    this.runners.clear();
  }
}
