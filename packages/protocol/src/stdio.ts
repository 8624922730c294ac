/**
 * A newline-delimited JSON-RPC transport over stdin/stdout that survives bad input: an invalid line gets a
 * JSON-RPC Parse error / Invalid Request answer, a line over the size limit is skipped (and answered)
 * without buffering it, and the connection stays open. The SDK's own stdio transport closes on an
 * over-long line, which would take a host's server down for one bad message.
 */
import type { Readable, Writable } from 'node:stream';
import { parseJSONRPCMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/server';
import { messageJsonPieces } from './known-json.js';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Lines at least this long are encoded piece by piece into one buffer (below it the checks cost more than they save). */
const LONG_LINE_MIN_CHARS = 64 * 1024;

export interface LineTransportOptions {
  input?: Readable;
  output?: Writable;
  maxLineBytes?: number;
  onInvalidInput?: (reason: string) => void;
}

export class ResilientStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly input: Readable;
  private readonly output: Writable;
  private readonly maxLineBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** True while skipping the rest of an over-long line. */
  private discarding = false;
  private closed = false;

  constructor(private readonly options: LineTransportOptions = {}) {
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('close', this.onEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onInputError);
  }

  private readonly onInputError = (error: Error) => {
    this.onerror?.(error);
  };

  private readonly onEnd = () => {
    void this.close();
  };

  private readonly onData = (chunk: Buffer) => {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (!this.discarding) {
        if (this.buffered + piece.length > this.maxLineBytes) {
          this.chunks = [];
          this.buffered = 0;
          this.discarding = true;
        } else {
          this.chunks.push(piece);
          this.buffered += piece.length;
        }
      }
      if (newline === -1) break;
      // A whole line is here.
      if (this.discarding) {
        this.discarding = false;
        this.reject(-32600, `Invalid Request: message larger than ${this.maxLineBytes} bytes was discarded`, null);
      } else {
        const line = Buffer.concat(this.chunks, this.buffered).toString('utf8');
        this.chunks = [];
        this.buffered = 0;
        this.handleLine(line);
      }
      start = newline + 1;
    }
  };

  private handleLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.reject(-32700, 'Parse error: the line is not valid JSON', null);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      const id = idOf(value);
      // Notifications (no id) that are malformed get no answer, as JSON-RPC prescribes.
      if (id !== undefined) this.reject(-32600, 'Invalid Request: not a JSON-RPC 2.0 message', id);
      else if (Array.isArray(value) || typeof value !== 'object' || value === null) this.reject(-32600, 'Invalid Request: not a JSON-RPC 2.0 message', null);
      else this.options.onInvalidInput?.('dropped a malformed notification');
      return;
    }
    this.onmessage?.(message);
  }

  private reject(code: number, message: string, id: string | number | null): void {
    this.options.onInvalidInput?.(message);
    this.write({ jsonrpc: '2.0', id, error: { code, message } });
  }

  private write(value: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const ok = this.output.write(encodeLine(messageJsonPieces(value)));
      if (ok) resolve();
      else this.output.once('drain', () => resolve());
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    this.chunks = [];
    this.onclose?.();
  }
}

function idOf(value: unknown): string | number | null | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number' || id === null) return id;
    return null;
  }
  return undefined;
}

/**
 * A message's JSON pieces as one newline-terminated line: a string when it is short, else bytes written
 * piece by piece into one buffer. Node's UTF-8 encoder goes character by character (1.2 ms for a 1.5 MB
 * directory_tree answer); an all-ASCII piece's UTF-8 is its Latin-1, which is a plain copy. A piece whose
 * UTF-8 length equals its character count is all ASCII: any other character takes two or more bytes.
 */
export function encodeLine(pieces: readonly string[]): string | Buffer {
  let chars = 0;
  for (const piece of pieces) chars += piece.length;
  if (chars < LONG_LINE_MIN_CHARS) return `${pieces.join('')}\n`;
  const lengths = pieces.map((piece) => Buffer.byteLength(piece, 'utf8'));
  let total = 1;
  for (const length of lengths) total += length;
  const line = Buffer.allocUnsafe(total);
  let offset = 0;
  pieces.forEach((piece, i) => {
    offset += line.write(piece, offset, lengths[i] === piece.length ? 'latin1' : 'utf8');
  });
  line[offset] = 0x0a;
  return line;
}
