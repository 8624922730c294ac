import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { CHUNK_SIZE, readLastLines, readLinesForward, utf8SafeEnd } from './lines.js';

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('fs-lines-');
});
afterAll(async () => dir.cleanup());

async function withFile<T>(name: string, content: string | Buffer, fn: (h: Awaited<ReturnType<typeof open>>, size: number) => Promise<T>): Promise<T> {
  const path = join(dir.path, name);
  await writeFile(path, content);
  const handle = await open(path, 'r');
  try {
    return await fn(handle, (await handle.stat()).size);
  } finally {
    await handle.close();
  }
}

const numbered = (n: number, eol = '\n') => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join(eol) + eol;

describe('readLinesForward', () => {
  it('returns the first N lines and says where to continue', async () => {
    await withFile('a.txt', numbered(10), async (h) => {
      const r = await readLinesForward(h, { maxLines: 3, maxBytes: 1e6 });
      expect(r.text).toBe('line 1\nline 2\nline 3\n');
      expect(r.lineCount).toBe(3);
      expect(r.nextLine).toBe(4);
      expect(r.truncated).toBe(false);
    });
  });

  it('reads a line range with offset and count, and reports the end', async () => {
    await withFile('b.txt', numbered(10), async (h) => {
      const r = await readLinesForward(h, { startLine: 8, maxLines: 5, maxBytes: 1e6 });
      expect(r.text).toBe('line 8\nline 9\nline 10\n');
      expect(r.firstLine).toBe(8);
      expect(r.nextLine).toBeNull();
      const past = await readLinesForward(h, { startLine: 50, maxLines: 5, maxBytes: 1e6 });
      expect(past.lineCount).toBe(0);
    });
  });

  it('counts a final line without a newline and knows when nothing follows', async () => {
    await withFile('c.txt', 'a\nb\nc', async (h) => {
      const all = await readLinesForward(h, { maxBytes: 1e6 });
      expect(all.text).toBe('a\nb\nc');
      expect(all.lineCount).toBe(3);
      expect(all.nextLine).toBeNull();
      const exact = await readLinesForward(h, { maxLines: 2, startLine: 2, maxBytes: 1e6 });
      expect(exact.text).toBe('b\nc');
      expect(exact.nextLine).toBeNull();
    });
  });

  it('cuts at a line boundary when the byte budget runs out', async () => {
    await withFile('d.txt', numbered(100), async (h) => {
      const r = await readLinesForward(h, { maxBytes: 20 });
      expect(r.text).toBe('line 1\nline 2\n');
      expect(r.truncated).toBe(true);
      expect(r.nextLine).toBe(3);
      const next = await readLinesForward(h, { startLine: r.nextLine!, maxBytes: 20 });
      expect(next.text).toBe('line 3\nline 4\n');
    });
  });

  it('cuts an over-long single line at a UTF-8 boundary', async () => {
    await withFile('e.txt', '€'.repeat(100) + '\nnext\n', async (h) => {
      const r = await readLinesForward(h, { maxBytes: 10 });
      expect(r.partialLine).toBe(true);
      expect(r.text).toBe('€€€'); // 9 bytes, never half a character
      expect(r.nextLine).toBe(2);
    });
  });

  it('is UTF-8 safe when characters straddle chunk edges', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `${'ü'.repeat(i % 7)}🙂 row ${i}`).join('\n') + '\n';
    await withFile('f.txt', text, async (h) => {
      const r = await readLinesForward(h, { maxBytes: 1e6, chunkSize: 7 });
      expect(r.text).toBe(text);
      const t = await readLastLines(h, Buffer.byteLength(text), { lines: 50, maxBytes: 1e6, chunkSize: 5 });
      expect(t.text).toBe(text.split('\n').slice(-51).join('\n'));
    });
  });

  it('head of a large file reads only a few chunks', async () => {
    const big = numbered(300_000); // ~3.5 MB
    await withFile('big.txt', big, async (h) => {
      const r = await readLinesForward(h, { maxLines: 5, maxBytes: 1e6 });
      expect(r.text).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
      expect(r.bytesScanned).toBeLessThan(200 * 1024);
    });
  });

  it('uses bytes the caller already read from the start instead of reading them again', async () => {
    const text = numbered(20_000); // several chunks
    await withFile('prefetched.txt', text, async (h) => {
      const start = Buffer.from(text.slice(0, CHUNK_SIZE));
      const plain = await readLinesForward(h, { maxLines: 8_000, maxBytes: 1e7 });
      expect(await readLinesForward(h, { maxLines: 8_000, maxBytes: 1e7, startOfFile: start })).toEqual(plain);
      // Proof that the given bytes stand in for the first read: a marked copy shows up in the answer.
      const marked = Buffer.from(start);
      marked.write('LINE', 0);
      const r = await readLinesForward(h, { maxLines: 2, maxBytes: 1e6, startOfFile: marked });
      expect(r.text).toBe('LINE 1\nline 2\n');
    });
  });
});

describe('readLastLines', () => {
  it('returns the last N lines, ignoring the final newline', async () => {
    await withFile('t.txt', numbered(10), async (h, size) => {
      const r = await readLastLines(h, size, { lines: 2, maxBytes: 1e6 });
      expect(r.text).toBe('line 9\nline 10\n');
      expect(r.lineCount).toBe(2);
    });
  });

  it('works without a final newline and with CRLF', async () => {
    await withFile('u.txt', 'a\r\nb\r\nc', async (h, size) => {
      expect((await readLastLines(h, size, { lines: 2, maxBytes: 1e6 })).text).toBe('b\r\nc');
    });
  });

  it('returns the whole file when it has fewer lines than asked', async () => {
    await withFile('v.txt', 'x\ny\n', async (h, size) => {
      const r = await readLastLines(h, size, { lines: 50, maxBytes: 1e6 });
      expect(r.text).toBe('x\ny\n');
      expect(r.firstLine).toBe(1);
    });
  });

  it('tail of a large file reads only the end', async () => {
    await withFile('big2.txt', numbered(300_000), async (h, size) => {
      const r = await readLastLines(h, size, { lines: 3, maxBytes: 1e6 });
      expect(r.text).toBe('line 299998\nline 299999\nline 300000\n');
      expect(r.bytesScanned).toBeLessThan(200 * 1024);
    });
  });

  it('keeps only whole lines that fit the budget, or the end of one long line', async () => {
    await withFile('w.txt', numbered(100), async (h, size) => {
      const r = await readLastLines(h, size, { lines: 50, maxBytes: 30 });
      expect(r.truncated).toBe(true);
      expect(r.text).toBe('line 98\nline 99\nline 100\n');
    });
    await withFile('x.txt', 'short\n' + 'é'.repeat(50), async (h, size) => {
      const r = await readLastLines(h, size, { lines: 1, maxBytes: 9 });
      expect(r.partialLine).toBe(true);
      expect(r.text).toBe('éééé');
    });
  });

  it('handles an empty file', async () => {
    await withFile('empty.txt', '', async (h, size) => {
      expect((await readLastLines(h, size, { lines: 5, maxBytes: 100 })).text).toBe('');
      expect((await readLinesForward(h, { maxLines: 5, maxBytes: 100 })).text).toBe('');
    });
  });
});

describe('utf8SafeEnd', () => {
  it('never ends inside a sequence', () => {
    const b = Buffer.from('a€b');
    expect(utf8SafeEnd(b, 2)).toBe(1);
    expect(utf8SafeEnd(b.subarray(0, 3), 3)).toBe(1);
    expect(utf8SafeEnd(b, 4)).toBe(4);
  });
});

describe('short answers come from the chunk already read', () => {
  it('head and tail of a large file read one chunk each, never the answer a second time', async () => {
    await withFile('big3.txt', numbered(300_000), async (h, size) => {
      const head = await readLinesForward(h, { maxLines: 10, maxBytes: 1e6 });
      expect(head.text).toBe(numbered(10));
      expect(head.nextLine).toBe(11);
      expect(head.bytesScanned).toBe(CHUNK_SIZE);
      const tail = await readLastLines(h, size, { lines: 10, maxBytes: 1e6 });
      expect(tail.text).toBe(numbered(300_000).split('\n').slice(-11).join('\n'));
      expect(tail.bytesScanned).toBe(CHUNK_SIZE);
    });
  });

  it('a range that ends exactly at the end of the chunk still finds out whether more follows', async () => {
    // 8-byte lines and an 8-byte chunk: every answer ends at a chunk edge.
    await withFile('edge.txt', 'line 01\nline 02\n', async (h) => {
      const first = await readLinesForward(h, { maxLines: 1, maxBytes: 1e6, chunkSize: 8 });
      expect(first.text).toBe('line 01\n');
      expect(first.nextLine).toBe(2);
      const second = await readLinesForward(h, { startLine: 2, maxLines: 1, maxBytes: 1e6, chunkSize: 8 });
      expect(second.text).toBe('line 02\n');
      expect(second.nextLine).toBe(null);
    });
  });
});

