/**
 * Shared pieces of the benchmarks: a minimal JSON-lines MCP client over a child's stdio (no SDK, so the
 * client's own cost is small and the same for every server), /proc readings of a server process, and the
 * statistics and table helpers. Linux only: CPU and memory come from /proc/<pid>/stat and /proc/<pid>/status.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const PROTOCOL_VERSION = '2025-11-25';
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Server CPU time so far (user + system), in milliseconds. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Current and peak resident memory, in MiB. */
export function memMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Spawns a stdio MCP server and speaks newline-delimited JSON-RPC to it. */
export class StdioServer {
  constructor(name, command, args, options = {}) {
    this.name = name;
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env } });
    this.pid = this.child.pid;
    this.nextId = 1;
    this.pending = new Map();
    this.stderr = '';
    this.exited = false;
    // Pieces of the line being received: a newline is searched for only in the newest chunk, so a
    // multi-megabyte answer costs the client O(size), not O(size²) (a fixed client cost for every contender).
    let pieces = [];
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => {
      let start = 0;
      let nl;
      while ((nl = chunk.indexOf('\n', start)) >= 0) {
        pieces.push(chunk.slice(start, nl));
        const line = pieces.length === 1 ? pieces[0] : pieces.join('');
        pieces = [];
        start = nl + 1;
        if (!line.trim()) continue;
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          continue; // a stray log line on stdout; not ours to judge here
        }
        const waiter = this.pending.get(message.id);
        if (waiter && (message.result !== undefined || message.error !== undefined)) {
          this.pending.delete(message.id);
          waiter(message);
        }
      }
      if (start < chunk.length) pieces.push(chunk.slice(start));
    });
    this.child.stderr.on('data', (c) => {
      if (this.stderr.length < 20_000) this.stderr += c.toString('utf8');
    });
    this.child.on('exit', () => {
      this.exited = true;
      for (const [, waiter] of this.pending) waiter({ error: { message: `server exited; stderr: ${this.stderr.slice(-500)}` } });
      this.pending.clear();
    });
  }

  request(method, params, timeoutMs = 600_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(`${this.name}: ${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }

  notify(method, params) {
    this.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method, params }) + '\n');
  }

  async initialize() {
    const result = await this.request('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'portico-bench', version: '0.0.0' } }, 30_000);
    this.notify('notifications/initialized');
    return result;
  }

  call(name, args, timeoutMs) {
    return this.request('tools/call', { name, arguments: args }, timeoutMs);
  }

  async close() {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    this.child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
export const median = (values) => percentile(values, 50);
export const summary = (values) => ({ min: Math.min(...values), median: median(values), max: Math.max(...values), n: values.length });

/** Median of per-pair ratios a[i]/b[i]: pairs come from the same alternation round, so drift cancels. */
export function pairedRatio(a, b) {
  const n = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < n; i++) if (b[i] > 0) ratios.push(a[i] / b[i]);
  return median(ratios);
}

export function fmt(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (typeof value === 'string') return value;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
