/**
 * The audit log (`--audit-log FILE`): one JSON line per tool call saying who called what, with which
 * arguments, and how it ended. It is a record of actions, not of data: results are never written, argument
 * values a tool marks as content (file bodies, messages) are replaced by their size, long strings are cut,
 * and every registered secret is redacted. The file is rotated by size (FILE.1, FILE.2, ...).
 */
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { secrets } from '../secrets.js';

export type AuditOutcome = 'ok' | 'error' | 'declined' | 'rate_limited' | 'cancelled';

export interface AuditRecord {
  time: string;
  server: string;
  transport: string;
  era: string;
  /** Mcp-Session-Id on sessionful HTTP; `stdio`, `memory` or `stateless` otherwise. */
  session: string;
  tool: string;
  arguments: unknown;
  outcome: AuditOutcome;
  /** The ToolError code for `error` outcomes (never the message: it may quote data). */
  error_code?: string;
  duration_ms: number;
}

const MAX_STRING = 200;
const MAX_ARRAY = 20;
const MAX_DEPTH = 4;

/**
 * Arguments as they go into the log: secrets redacted, `omit` keys (top level) replaced by a size note,
 * strings over 200 characters cut, arrays over 20 items cut, nesting below 4 levels summarised.
 */
export function auditArguments(args: unknown, omit: readonly string[] = []): unknown {
  const redacted = secrets.redactDeep(args);
  if (redacted === null || typeof redacted !== 'object' || Array.isArray(redacted)) return shorten(redacted, 0);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(redacted as Record<string, unknown>)) {
    out[key] = omit.includes(key) ? omittedNote(value) : shorten(value, 1);
  }
  return out;
}

function omittedNote(value: unknown): string {
  if (typeof value === 'string') return `<omitted: ${value.length} characters>`;
  if (Array.isArray(value)) return `<omitted: ${value.length} items>`;
  // Named values (e.g. SQL params by name): how many, never the names' values.
  if (value !== null && typeof value === 'object') return `<omitted: ${Object.keys(value).length} named values>`;
  return '<omitted>';
}

function shorten(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… <${value.length - MAX_STRING} more characters>` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? `<${value.length} items>` : '<object>';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY).map((v) => shorten(v, depth + 1));
    if (value.length > MAX_ARRAY) items.push(`<${value.length - MAX_ARRAY} more items>`);
    return items;
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shorten(v, depth + 1)]));
}

export interface AuditLogOptions {
  path: string;
  /** Rotate when the file would grow past this many bytes. */
  maxBytes: number;
  /** Rotated files kept besides the live one. */
  keep?: number;
}

export class AuditLog {
  private fd: number;
  private size: number;
  private readonly keep: number;

  constructor(private readonly options: AuditLogOptions) {
    this.keep = options.keep ?? 3;
    this.fd = AuditLog.openFile(options.path);
    this.size = fstatSync(this.fd).size;
  }

  /** Opens for append, owner-only; a file that cannot be opened is a configuration error at start-up. */
  private static openFile(path: string): number {
    try {
      return openSync(path, 'a', 0o600);
    } catch (error) {
      throw new ConfigError(
        `--audit-log ${path} cannot be opened for writing (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a writable file path.`,
        '--audit-log',
      );
    }
  }

  /** Appends one line. Synchronous on purpose: a record is on disk before the result goes back. */
  write(record: AuditRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  private rotate(): void {
    closeSync(this.fd);
    const { path } = this.options;
    rmSync(`${path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch {
        // A missing older file is normal until the log has rotated `keep` times.
      }
    }
    renameSync(path, `${path}.1`);
    this.fd = AuditLog.openFile(path);
    this.size = 0;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}
