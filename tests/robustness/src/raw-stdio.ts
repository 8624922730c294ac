/**
 * A raw newline-delimited JSON-RPC peer for a bin's stdin/stdout: writes arbitrary bytes and collects every
 * line the server writes. Any stdout line that is not JSON fails the test (stdout carries protocol only).
 * Waits are bounded; the child is ended by its own handle only.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface JsonRpcMessage {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
}

export class RawStdioPeer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: JsonRpcMessage[] = [];
  readonly badStdoutLines: string[] = [];
  stderr = '';
  private pending = '';
  private waiters: Array<() => void> = [];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(bin: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // Writes after the child exited fail with EPIPE; the exit itself is what the tests look at.
    this.child.stdin.on('error', () => {});
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  private onStdout(chunk: Buffer): void {
    this.pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line.trim() === '') continue;
      try {
        this.messages.push(JSON.parse(line) as JsonRpcMessage);
      } catch {
        this.badStdoutLines.push(line.slice(0, 200));
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  write(bytes: string | Buffer): void {
    this.child.stdin.write(bytes);
  }

  send(message: unknown): void {
    this.write(`${JSON.stringify(message)}\n`);
  }

  /** Resolves with the first message (from index `from`) matching `predicate`, or rejects after `ms`. */
  async waitFor(predicate: (m: JsonRpcMessage) => boolean, ms: number, from = 0): Promise<JsonRpcMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`no matching message within ${ms} ms (exit ${this.child.exitCode ?? this.child.signalCode ?? 'none'}); stderr tail:\n${this.stderr.slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The MCP handshake: initialize, then notifications/initialized. */
  async initialize(protocolVersion = '2025-11-25'): Promise<void> {
    this.send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-peer', version: '0.0.0' } } });
    const answer = await this.waitFor((m) => m.id === 'init', 20_000);
    if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  /** Closes stdin and waits (bounded) for the process to exit; SIGKILLs it only if it does not. */
  async close(ms = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
    const result = await Promise.race([this.exit, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      return { ...(await this.exit), timedOut: true };
    }
    return { ...result, timedOut: false };
  }
}
