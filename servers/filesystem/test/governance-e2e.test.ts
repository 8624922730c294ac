/** Confirmations and the audit log through the built bin over stdio, as a host would run it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectStdio, textOf } from '@portico/protocol/testing';
import { bin, makeFixture, snapshot, type Fixture } from './fixtures.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await makeFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('over stdio (built bin)', () => {
  it('a declined delete_file changes nothing; the question named the file', async () => {
    const asked: string[] = [];
    const c = await connectStdio({
      bin,
      args: [fx.root],
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return { action: 'decline' };
      },
    });
    try {
      const before = await snapshot(fx.root);
      const result = await c.callTool('delete_file', { path: 'docs', recursive: true });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/delete_file was not run because the user declined the confirmation; nothing was changed/);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(`Delete the directory ${join(fx.root, 'docs')} and everything in it: 2 entries`);
      expect(await snapshot(fx.root)).toEqual(before);
    } finally {
      await c.close();
    }
  });

  it('--audit-log: one line per call with its outcome, and never a file body, an edit text or a result', async () => {
    const log = join(fx.base.path, 'audit.jsonl');
    const body = 'FILE-BODY-CANARY-91d2 the content of a file\n';
    const c = await connectStdio({ bin, args: [fx.root, '--audit-log', log], onElicit: async () => ({ action: 'accept', content: { confirm: true } }) });
    try {
      expect(textOf(await c.callTool('read_text_file', { path: 'hello.txt' }))).toContain('line 3');
      expect((await c.callTool('write_file', { path: 'notes.txt', content: body })).isError).toBeFalsy();
      const edited = await c.callTool('edit_file', { path: 'notes.txt', edits: [{ oldText: 'FILE-BODY-CANARY-91d2', newText: 'EDIT-TEXT-CANARY-5be7' }] });
      expect(edited.isError, textOf(edited)).toBeFalsy();
      expect(textOf(await c.callTool('delete_file', { path: join(fx.outside, 'secret.txt') }))).toMatch(/Access denied/);
      expect((await c.callTool('delete_file', { path: 'notes.txt' })).isError).toBeFalsy();
    } finally {
      await c.close();
    }
    const raw = await readFile(log, 'utf8');
    const lines = raw.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.tool, l.outcome, l.error_code ?? null])).toEqual([
      ['read_text_file', 'ok', null],
      ['write_file', 'ok', null],
      ['edit_file', 'ok', null],
      ['delete_file', 'error', 'outside_sandbox'],
      ['delete_file', 'ok', null],
    ]);
    expect(lines[1]!.arguments).toEqual({ path: 'notes.txt', content: `<omitted: ${body.length} characters>` });
    expect(lines[2]!.arguments).toEqual({ path: 'notes.txt', edits: '<omitted: 1 items>', dryRun: false });
    for (const line of lines) expect(line).toMatchObject({ server: 'portico-filesystem', transport: 'stdio', session: 'stdio', duration_ms: expect.any(Number) });
    // Neither what was written, nor the edit texts, nor what a read returned.
    for (const secret of ['FILE-BODY-CANARY-91d2', 'EDIT-TEXT-CANARY-5be7', 'the content of a file', 'line 3', 'CANARY-7f3a9c']) expect(raw).not.toContain(secret);
  });
});
