/**
 * Everything a person reads goes to stderr (stdout carries protocol bytes only), at the level chosen with
 * `--log-level`, with every registered secret redacted.
 */
import { secrets } from './secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  /** Writes one line regardless of level (start-up banners the contract requires). */
  always(message: string): void;
  readonly level: LogLevel;
}

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  /** Defaults to process.stderr; tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (lvl: LogLevel, message: string, detail?: unknown) => {
    if (ORDER[lvl] < ORDER[level]) return;
    let line = `[${options.name}] ${lvl}: ${message}`;
    if (detail !== undefined) line += ` ${formatDetail(detail)}`;
    write(`${secrets.redact(line)}\n`);
  };
  return {
    level,
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
    always: (m) => write(`${secrets.redact(m)}\n`),
  };
}

function formatDetail(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? `${detail.name}: ${detail.message}`;
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}
