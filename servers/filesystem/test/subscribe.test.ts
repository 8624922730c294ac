/** resources/subscribe over the built bin: a subscribed file's changes reach the client; nothing outside can be watched. */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, type StdioTestClient } from '@portico/protocol/testing';
import { bin, makeFixture, type Fixture } from './fixtures.js';

let fx: Fixture;
let c: StdioTestClient;
const updated: string[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  c = await connectStdio({ bin, args: [fx.root] });
  c.client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
});
afterAll(async () => {
  await c?.close();
  await fx.cleanup();
});

describe('resources/subscribe', () => {
  it('advertises subscribe and notifies on in-place writes and atomic replaces, only for the subscribed file', async () => {
    expect(c.client.getServerCapabilities()?.resources?.subscribe).toBe(true);
    const watched = join(fx.root, 'hello.txt');
    const uri = `file://${watched}`;
    await c.client.subscribeResource({ uri });

    await writeFile(join(fx.root, 'unrelated.txt'), 'not watched');
    await writeFile(watched, 'changed in place\n');
    await expect.poll(() => updated.filter((u) => u === uri).length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);

    const before = updated.length;
    // What write_file and editors do: write a temp file, rename it over the original.
    await writeFile(join(fx.root, '.hello.tmp'), 'replaced atomically\n');
    await rename(join(fx.root, '.hello.tmp'), watched);
    await expect.poll(() => updated.length, { timeout: 5000 }).toBeGreaterThan(before);
    expect(updated.every((u) => u === uri)).toBe(true);

    await c.client.unsubscribeResource({ uri });
    await new Promise((r) => setTimeout(r, 200));
    const afterUnsubscribe = updated.length;
    await writeFile(watched, 'after unsubscribe\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(updated.length).toBe(afterUnsubscribe);
  });

  it('refuses to watch outside the allowed directories', async () => {
    await expect(c.client.subscribeResource({ uri: `file://${join(fx.outside, 'secret.txt')}` })).rejects.toThrow(/outside/);
    await expect(c.client.subscribeResource({ uri: 'https://example.test/x' })).rejects.toThrow(/not a resource this server can watch|not a local file/);
  });
});
