/**
 * The fetch tool and prompt through a real MCP client (in memory) against loopback fixture sites:
 * robots.txt cases, paging with the cache, user agents, and errors as isError results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInMemory, type TestClient, textOf } from '@portico/protocol/testing';
import { createLogger } from '@portico/protocol';
import type { FetchConfig } from '../config.js';
import { createDeps, type FetchDeps } from '../deps.js';
import { server } from '../server.js';
import { type FixtureSite, html, longArticle, redirect, startSite, status, testConfig } from '../test-support/fixtures.js';

const log = createLogger({ name: 'fetch-test', level: 'error' });
const baseConfig: FetchConfig = testConfig({ maxBytes: 10 * 1024 * 1024 });

function makeDeps(overrides: Partial<FetchConfig> = {}): FetchDeps {
  return createDeps({ ...baseConfig, ...overrides }, { log, common: {} as never });
}

const page = (text: string) => html(`<!doctype html><html><head><title>${text}</title></head><body><article><h1>${text}</h1><p>${text} body text.</p></article></body></html>`);
const robots = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(body);
};

const sites: Record<string, FixtureSite> = {};
let client: TestClient;
let deps: FetchDeps;

beforeAll(async () => {
  sites.plain = await startSite('127.0.0.2', {
    '/': page('Plain home'),
    '/long': html(longArticle(300)),
    '/missing': status(404, 'nope'),
    '/broken': status(503, 'down'),
    '/json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"hello":"world","n":[1,2]}');
    },
    '/image': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    },
    '/to-private': redirect(() => `${sites.disallow!.url}/private/page`),
    // Express's res.send('Hello World!') sends text/html; so do many status endpoints.
    '/hello': html('Hello World!'),
    '/fragment': html('<h1>Release notes</h1><p>Version 2 fixes the login bug.</p>'),
    '/empty': html(''),
    // 16 KB that took Readability over linkedom 30 s, blocking every other call meanwhile.
    '/deep': html(`<!doctype html><html><head><title>Deep</title></head><body>${'<div>'.repeat(1500)}deep text${'</div>'.repeat(1500)}</body></html>`),
  });
  sites.robots403 = await startSite('127.0.0.2', { '/robots.txt': status(403), '/': page('Forbidden robots') });
  sites.robots401 = await startSite('127.0.0.2', { '/robots.txt': status(401), '/': page('Unauthorised robots') });
  sites.robots500 = await startSite('127.0.0.2', { '/robots.txt': status(500), '/': page('Broken robots') });
  sites.disallow = await startSite('127.0.0.2', {
    '/robots.txt': robots('User-agent: *\nDisallow: /private\n'),
    '/public': page('Public page'),
    '/private/page': page('Private page'),
  });
  sites.official = await startSite('127.0.0.2', { '/robots.txt': robots('User-agent: ModelContextProtocol\nDisallow: /\n'), '/': page('No MCP here') });
  sites.robotsToInternal = await startSite('127.0.0.2', { '/robots.txt': redirect('http://127.0.0.3:9/robots.txt'), '/': page('Odd robots') });
  deps = makeDeps();
  // The fetch bucket (60/min) is lifted for this shared client only: the paging test alone makes ~70 calls
  // in a second (1,000-character parts of a cached page), and the suite ~100. The bucket has its own tests
  // in hygiene-and-limits.test.ts.
  client = await connectInMemory(server, { deps, governance: { rateLimitBuckets: { fetch: undefined } } });
});

afterAll(async () => {
  await client?.close();
  for (const site of Object.values(sites)) await site.close();
});

describe('fetch tool', () => {
  it('returns a page as Markdown with title and final URL', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/` });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as Record<string, unknown>;
    expect(s).toMatchObject({ status: 200, format: 'markdown', title: 'Plain home', final_url: `${sites.plain!.url}/`, truncated: false, next_start_index: null });
    expect(s.content).toContain('Plain home body text.');
    expect(textOf(r)).toContain(`Contents of ${sites.plain!.url}/:`);
    // The autonomous agent, Portico-branded.
    expect(sites.plain!.server.requests.at(-1)!.headers['user-agent']).toMatch(/^Portico-Fetch\/\S+ \(Autonomous;/);
  });

  it('pages through a long page: the parts reassemble exactly, with one download', async () => {
    const url = `${sites.plain!.url}/long`;
    const whole = await client.callTool('fetch', { url, max_length: 999_999 });
    const full = (whole.structuredContent as { content: string }).content;
    expect(full.length).toBeGreaterThan(20_000);
    const hitsBefore = sites.plain!.hitsOn('/long');
    let assembled = '';
    let start: number | null = 0;
    let calls = 0;
    while (start !== null && calls < 200) {
      const r = await client.callTool('fetch', { url, max_length: 1000, start_index: start });
      const s = r.structuredContent as { content: string; next_start_index: number | null; from_cache: boolean; total_length: number };
      expect(s.from_cache).toBe(true);
      expect(s.total_length).toBe(full.length);
      assembled += s.content;
      if (s.next_start_index !== null) {
        expect(textOf(r)).toContain(`<error>Content truncated. Call the fetch tool with a start_index of ${s.next_start_index} to get more content.</error>`);
      }
      start = s.next_start_index;
      calls += 1;
    }
    expect(start).toBeNull();
    expect(assembled).toBe(full);
    expect(sites.plain!.hitsOn('/long')).toBe(hitsBefore);
  });

  it('says there is no more content past the end, as the official server does', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/`, start_index: 1_000_000 });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toContain('<error>No more content available.</error>');
  });

  it('pretty-prints JSON with the raw-content prefix', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/json` });
    expect((r.structuredContent as { content: string }).content).toBe('{\n  "hello": "world",\n  "n": [\n    1,\n    2\n  ]\n}');
    expect(textOf(r)).toContain('Content type application/json cannot be simplified to markdown');
  });

  it('returns raw HTML when asked', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/`, raw: true });
    expect((r.structuredContent as { format: string; content: string }).format).toBe('html');
    expect((r.structuredContent as { content: string }).content).toContain('<h1>Plain home</h1>');
  });

  it('reports HTTP errors with their status', async () => {
    const r404 = await client.callTool('fetch', { url: `${sites.plain!.url}/missing` });
    expect(r404.isError).toBe(true);
    expect(textOf(r404)).toContain('HTTP 404');
    const r503 = await client.callTool('fetch', { url: `${sites.plain!.url}/broken` });
    expect(textOf(r503)).toContain('HTTP 503');
  });

  it('refuses unsupported content types, naming them', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/image` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('image/png');
  });

  it('refuses bad URLs, schemes and names that do not resolve', async () => {
    for (const [url, pattern] of [
      ['not a url', /not a valid absolute URL/],
      ['file:///etc/passwd', /scheme "file" is not supported/],
      ['ftp://example.com/x', /scheme "ftp" is not supported/],
      ['gopher://127.0.0.2:70/', /scheme "gopher"/],
      ['http://user:pw@127.0.0.2/', /user name or password/],
      ['http://no-such-host.invalid/', /does not exist/],
    ] as const) {
      const r = await client.callTool('fetch', { url });
      expect(r.isError, url).toBe(true);
      expect(textOf(r)).toMatch(pattern);
    }
  });

  it('converts text/html bodies that are plain text, fragments or empty (they failed with an internal error)', async () => {
    const hello = await client.callTool('fetch', { url: `${sites.plain!.url}/hello` });
    expect(hello.isError).toBeFalsy();
    expect(hello.structuredContent).toMatchObject({ format: 'markdown', content: 'Hello World!' });
    const fragment = await client.callTool('fetch', { url: `${sites.plain!.url}/fragment` });
    expect((fragment.structuredContent as { content: string }).content).toMatch(/Release notes[\s\S]*Version 2 fixes the login bug\./);
    const empty = await client.callTool('fetch', { url: `${sites.plain!.url}/empty` });
    expect(empty.isError).toBeFalsy();
    expect(empty.structuredContent).toMatchObject({ total_length: 0 });
  });

  it('answers a deeply nested page as text, and a concurrent call is answered too', async () => {
    const [deep, other] = await Promise.all([
      client.callTool('fetch', { url: `${sites.plain!.url}/deep` }),
      client.callTool('fetch', { url: `${sites.plain!.url}/?concurrent=1` }),
    ]);
    expect(deep.isError).toBeFalsy();
    expect((deep.structuredContent as { content: string }).content).toBe('deep text');
    expect(textOf(deep)).toContain('nests elements 1502 levels deep (more than 128), so it was not simplified');
    expect(other.isError).toBeFalsy();
    expect(textOf(other)).toContain('Plain home body text.');
  });

  it('labels a page given as plain text "text" (it said "markdown"), with why and what to do, in the tool and the prompt', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/deep?label=1` });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { format: string; note?: string; content: string };
    expect(s.format).toBe('text');
    expect(s.content).toBe('deep text');
    expect(s.note).toMatch(/^The page nests elements 1502 levels deep \(more than 128\), so it was not simplified to Markdown: here is its text without formatting\. .*raw: true/);
    const text = textOf(r);
    expect(text).toContain(s.note!);
    // Its text, not "the raw content" of a type that has no Markdown form.
    expect(text).not.toContain('cannot be simplified to markdown, but here is the raw content');
    const prompt = await client.client.getPrompt({ name: 'fetch', arguments: { url: `${sites.plain!.url}/deep?label=2` } });
    const promptText = (prompt.messages[0]!.content as { text: string }).text;
    expect(promptText).toContain('so it was not simplified to Markdown');
    expect(promptText).toContain('raw: true');
    expect(promptText).not.toContain('here is the raw content');
  });

  it('validates max_length like the official server (0 < max_length < 1000000)', async () => {
    for (const max_length of [0, 1_000_000, -5, 1.5]) {
      const r = await client.callTool('fetch', { url: `${sites.plain!.url}/`, max_length });
      expect(r.isError, String(max_length)).toBe(true);
    }
  });
});

describe('robots.txt (autonomous fetches)', () => {
  it('404 means allowed', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/` });
    expect(r.isError).toBeFalsy();
    expect(sites.plain!.hitsOn('/robots.txt')).toBe(1);
  });

  for (const [name, code] of [
    ['robots403', 403],
    ['robots401', 401],
    ['robots500', 500],
  ] as const) {
    it(`HTTP ${code} means denied, and the page is never requested`, async () => {
      const site = sites[name]!;
      const r = await client.callTool('fetch', { url: `${site.url}/` });
      expect(r.isError).toBe(true);
      const text = textOf(r);
      expect(text).toContain(`${site.url}/robots.txt`);
      expect(text).toContain(`HTTP ${code}`);
      expect(text).toContain('--ignore-robots-txt');
      expect(site.hitsOn('/')).toBe(0);
    });
  }

  it('Disallow rules decide per path', async () => {
    const ok = await client.callTool('fetch', { url: `${sites.disallow!.url}/public` });
    expect(ok.isError).toBeFalsy();
    const denied = await client.callTool('fetch', { url: `${sites.disallow!.url}/private/page` });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/disallow \/private\/page/);
    expect(sites.disallow!.hitsOn('/private/page')).toBe(0);
  });

  it('robots.txt is cached per origin', async () => {
    const before = sites.disallow!.hitsOn('/robots.txt');
    await client.callTool('fetch', { url: `${sites.disallow!.url}/public?again=1` });
    expect(sites.disallow!.hitsOn('/robots.txt')).toBe(before);
    expect(before).toBe(1);
  });

  it('a redirect into a disallowed path is refused too', async () => {
    const r = await client.callTool('fetch', { url: `${sites.plain!.url}/to-private` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('robots.txt');
    expect(sites.disallow!.hitsOn('/private/page')).toBe(0);
  });

  it("rules written for the official server's agent (ModelContextProtocol) apply", async () => {
    const r = await client.callTool('fetch', { url: `${sites.official!.url}/` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('ModelContextProtocol');
    expect(sites.official!.hitsOn('/')).toBe(0);
  });

  it('a robots.txt that redirects into the private network counts as unreachable: denied, nothing internal reached', async () => {
    const r = await client.callTool('fetch', { url: `${sites.robotsToInternal!.url}/` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/could not be fetched/);
    expect(sites.robotsToInternal!.hitsOn('/')).toBe(0);
  });

  it('--ignore-robots-txt skips the check', async () => {
    const c = await connectInMemory(server, { deps: makeDeps({ ignoreRobotsTxt: true }) });
    const before = sites.robots403!.hitsOn('/robots.txt');
    const r = await c.callTool('fetch', { url: `${sites.robots403!.url}/` });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { title: string }).title).toBe('Forbidden robots');
    expect(sites.robots403!.hitsOn('/robots.txt')).toBe(before);
    await c.close();
  });
});

describe('fetch prompt (user-initiated)', () => {
  it('does not consult robots.txt and uses the user-initiated agent', async () => {
    const site = sites.robots500!;
    const before = site.hitsOn('/robots.txt');
    const r = await client.client.getPrompt({ name: 'fetch', arguments: { url: `${site.url}/` } });
    const message = r.messages[0]!;
    expect(message.role).toBe('user');
    expect((message.content as { text: string }).text).toContain('Broken robots body text.');
    expect(site.hitsOn('/robots.txt')).toBe(before);
    expect(site.server.requests.at(-1)!.headers['user-agent']).toMatch(/\(User-Specified;/);
  });

  it('still refuses internal addresses, as a prompt that says why', async () => {
    const r = await client.client.getPrompt({ name: 'fetch', arguments: { url: 'http://127.0.0.3:9/' } });
    expect(r.description).toContain('Failed to fetch');
    expect((r.messages[0]!.content as { text: string }).text).toContain('loopback');
  });

  it('is listed like the official prompt', async () => {
    const { prompts } = await client.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['fetch']);
    expect(prompts[0]!.arguments).toEqual([expect.objectContaining({ name: 'url', required: true })]);
  });
});

describe('--user-agent', () => {
  it('replaces both agents', async () => {
    const c = await connectInMemory(server, { deps: makeDeps({ userAgent: 'MyBot/2.0' }) });
    await c.callTool('fetch', { url: `${sites.plain!.url}/?ua=1` });
    expect(sites.plain!.server.requests.at(-1)!.headers['user-agent']).toBe('MyBot/2.0');
    await c.client.getPrompt({ name: 'fetch', arguments: { url: `${sites.plain!.url}/?ua=2` } });
    expect(sites.plain!.server.requests.at(-1)!.headers['user-agent']).toBe('MyBot/2.0');
    await c.close();
  });
});
