/**
 * The page fetcher's robots.txt handling against real loopback sites: the page cache does not skip the
 * robots.txt of redirect hops, a shared robots.txt download survives the cancellation of one of the fetches
 * waiting on it, and a site with nothing listening is reported as unreachable.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@portico/protocol';
import type { FetchConfig } from '../config.js';
import { createDeps } from '../deps.js';
import { type FixtureSite, html, redirect, startSite, status, testConfig } from '../test-support/fixtures.js';
import { FetchError } from './errors.js';

const log = createLogger({ name: 'fetcher-test', level: 'error' });
const config: FetchConfig = testConfig();
const fetcher = (overrides: Partial<FetchConfig> = {}) => createDeps({ ...config, ...overrides }, { log, common: {} as never }).fetcher;
const text = (body: string): Parameters<typeof startSite>[1][string] => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(body);
};

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

const sites: FixtureSite[] = [];
async function site(routes: Parameters<typeof startSite>[1]): Promise<FixtureSite> {
  const s = await startSite('127.0.0.2', routes);
  sites.push(s);
  return s;
}
afterEach(async () => {
  for (const s of sites.splice(0)) await s.close();
});

describe('robots.txt and the page cache', () => {
  it("a cached page reached through a redirect is refused when the redirect target's robots.txt disallows it", async () => {
    const target = await site({ '/robots.txt': text('User-agent: *\nDisallow: /\n'), '/secret': html('<p>Forbidden for autonomous fetching.</p>') });
    const start = await site({ '/robots.txt': status(404), '/go': redirect(() => `${target.url}/secret`) });
    const f = fetcher();
    // The user's prompt skips robots.txt: the page is downloaded and cached under the start URL.
    const viaPrompt = await f.fetchPage(`${start.url}/go`, { mode: 'user', raw: false });
    expect(viaPrompt.content).toContain('Forbidden for autonomous fetching.');
    // The model's fetch of the same URL must not get it from the cache past the target's robots.txt.
    const error = await failure(f.fetchPage(`${start.url}/go`, { mode: 'autonomous', raw: false }));
    expect(error.code).toBe('robots_denied');
    expect(error.message).toContain(`${target.url}/robots.txt`);
    expect(target.hitsOn('/secret')).toBe(1);
  });

  it('a cached page reached through allowed redirects is still served from the cache', async () => {
    const target = await site({ '/robots.txt': status(404), '/page': html('<p>Allowed page.</p>') });
    const start = await site({ '/robots.txt': status(404), '/go': redirect(() => `${target.url}/page`) });
    const f = fetcher();
    await f.fetchPage(`${start.url}/go`, { mode: 'user', raw: false });
    const again = await f.fetchPage(`${start.url}/go`, { mode: 'autonomous', raw: false });
    expect(again.fromCache).toBe(true);
    expect(target.hitsOn('/page')).toBe(1);
  });
});

describe('the shared robots.txt download', () => {
  it('cancelling one fetch does not fail another fetch of the same site waiting on the same download', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let requested!: () => void;
    const robotsRequested = new Promise<void>((resolve) => (requested = resolve));
    const s = await site({
      '/robots.txt': async (_req, res) => {
        requested();
        await gate;
        text('User-agent: *\nAllow: /\n')(_req, res);
      },
      '/a': text('page a'),
      '/b': text('page b'),
    });
    const f = fetcher();
    const first = new AbortController();
    const pageA = f.fetchPage(`${s.url}/a`, { mode: 'autonomous', raw: false, signal: first.signal });
    pageA.catch(() => {});
    await robotsRequested;
    // Joins the download in flight (robots.check looks the origin up before its first await).
    const second = f.robots.check(new URL(`${s.url}/b`), f.settings.robotsAgents);
    second.catch(() => {});
    first.abort();
    // The cancelled caller stops waiting at once, without the download finishing.
    expect((await failure(pageA)).code).toBe('cancelled');
    release();
    await expect(second).resolves.toBeUndefined();
    const pageB = await f.fetchPage(`${s.url}/b`, { mode: 'autonomous', raw: false });
    expect(pageB.content).toBe('page b');
    expect(s.hitsOn('/robots.txt')).toBe(1);
    expect(f.robots.downloads).toBe(1);
  });
});

describe('a site that cannot be reached', () => {
  it('is reported as unreachable (check the URL, is the site up), not as a robots.txt rule', async () => {
    // A port on which nothing listens: bind one, note it, close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.2', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await failure(fetcher().fetchPage(`http://127.0.0.2:${port}/page`, { mode: 'autonomous', raw: false }));
    expect(error.message).toContain(`127.0.0.2:${port} could not be reached to read its robots.txt`);
    expect(error.message).toContain('the connection was refused');
    expect(error.hint).toMatch(/^check the URL and that the site is up/);
  });
});
