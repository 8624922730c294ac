/** Confirmations through the built bin over stdio, against a real PostgreSQL, as a host would run it (issue 13). */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, textOf } from '@portico/protocol/testing';
import { createFixture, type Fixture } from '../src/test-support/fixtures.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let fixture: Fixture;
beforeAll(async () => {
  fixture = await createFixture('governance');
});
afterAll(async () => {
  await fixture?.close();
});

describe('stdio (built bin, --allow-write)', () => {
  it('a declined execute changes nothing; the question gave the dry-run row count', async () => {
    const before = await fixture.checksum();
    const asked: string[] = [];
    const c = await connectStdio({
      bin,
      args: [fixture.url, '--allow-write'],
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return { action: 'decline' };
      },
    });
    try {
      const result = await c.callTool('execute', { sql: 'DELETE FROM public.customers WHERE id <= 10' });
      expect(textOf(result)).toMatch(/execute was not run because the user declined the confirmation; nothing was changed/);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('DELETE FROM public.customers WHERE id <= 10');
      expect(asked[0]).toContain('reported: DELETE, 10 rows affected.');
    } finally {
      await c.close();
    }
    expect(c.stderr()).not.toContain(fixture.canary);
    expect(await fixture.checksum()).toBe(before);
  });
});
