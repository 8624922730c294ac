/** SQLite values to JSON-safe values, and the row collector that enforces the row cap and byte budget. */
// The surrogate-safe cut every Portico server shares, from the budget helpers' own entry point: this module
// runs in the query runner processes too, which would otherwise load all of @portico/protocol and the MCP SDK
// (measured: runner start ~90 -> ~250 ms, +20 MB).
import { sliceText } from '@portico/protocol/budget';
import type { CellValue, ResultLimits, RowsResult } from './messages.js';

/** Converts one value read with safeIntegers(true): exact integers stay exact (as strings beyond 2^53). */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return { blob_base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'), bytes: value.byteLength };
  return String(value);
}

/** Column names made unique (`SELECT a.id, b.id` gives `id` and `id:2`), so no value is lost in an object. */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; seen.has(candidate); n++) candidate = `${name}:${n}`;
    seen.add(candidate);
    return candidate;
  });
}

export function rowObject(columns: readonly string[], raw: readonly unknown[]): Record<string, CellValue> {
  const row: Record<string, CellValue> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = toCell(raw[i]);
  return row;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Characters as SQLite's length() counts them (code points), not UTF-16 units: an emoji is one, not two. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single character; count the pair once.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Cuts long strings and blobs of a row so that a single oversized row can still be shown in part. */
function cutRow(row: Record<string, CellValue>, perCellBytes: number): Record<string, CellValue> {
  const limit = Math.max(16, Math.floor(perCellBytes));
  const out: Record<string, CellValue> = {};
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > limit) {
      // sliceText never keeps the first half of a surrogate pair without the second: a lone half is not
      // valid text (it reaches the model as an escaped \ud83d) and an emoji would be cut in two.
      const kept = sliceText(value, 0, Math.floor(limit / 4)).text;
      out[key] = `${kept}…[cut: ${codePoints(value)} characters in all]`;
    } else if (value && typeof value === 'object' && value.blob_base64.length > limit) {
      out[key] = { blob_base64: value.blob_base64.slice(0, Math.floor(limit / 4 / 4) * 4), bytes: value.bytes };
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Collects rows from an iterator of raw rows (arrays), skipping `offset` first, stopping at the row cap or
 * when the next row would exceed the byte budget. Stops pulling rows as soon as it knows more exist, so a
 * 50-million-row query costs only the rows it returns.
 */
export function collectRows(columnNames: readonly string[], rows: Iterable<unknown[]>, offset: number, limits: ResultLimits): RowsResult {
  const columns = uniqueColumnNames(columnNames);
  const out: Record<string, CellValue>[] = [];
  let bytes = 2; // the enclosing []
  let skipped = 0;
  let hasMore = false;
  let truncatedBy: RowsResult['truncatedBy'] = null;
  let cellsCut = false;
  const iterator = rows[Symbol.iterator]();
  try {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (out.length >= limits.maxRows) {
        hasMore = true;
        truncatedBy = 'rows';
        break;
      }
      let row = rowObject(columns, next.value);
      let size = jsonBytes(row) + 1;
      if (bytes + size > limits.maxBytes) {
        if (out.length > 0) {
          hasMore = true;
          truncatedBy = 'bytes';
          break;
        }
        // The first row alone is over budget: show it with its long values cut rather than nothing.
        row = cutRow(row, (limits.maxBytes - bytes) / Math.max(1, columns.length) - 64);
        size = jsonBytes(row) + 1;
        cellsCut = true;
      }
      out.push(row);
      bytes += size;
    }
  } finally {
    // Resets the statement so it releases its read lock even when we stopped early.
    iterator.return?.();
  }
  return {
    columns,
    rows: out,
    offset,
    hasMore,
    truncatedBy,
    nextOffset: hasMore ? offset + out.length : null,
    cellsCut,
  };
}
