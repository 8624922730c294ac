/**
 * The fetch service both the tool and the prompt use: robots.txt (autonomous fetches only), the page cache,
 * the guarded download and the conversion. No MCP types here.
 */
import type { ContentFormat } from './convert.js';
import { ConversionPool, type ConversionPoolOptions } from './convert-pool.js';
import { FetchError } from './errors.js';
import { type SsrfGuard, parseTargetUrl } from './guard.js';
import { convertHtml } from './html-converter.js';
import { type ProxySettings, formatBytes, guardedFetch } from './http-client.js';
import { PageCache } from './page-cache.js';
import { RobotsPolicy } from './robots.js';

/** Who asked: the model on its own (tool), or the user (prompt). They get different user agents. */
export type FetchMode = 'autonomous' | 'user';

export interface FetcherSettings {
  userAgentAutonomous: string;
  userAgentUser: string;
  /** robots.txt user-agent tokens checked for autonomous fetches (any Disallow wins). */
  robotsAgents: string[];
  ignoreRobotsTxt: boolean;
  maxBytes: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  proxy?: ProxySettings;
  cacheTtlMs: number;
  cacheMaxEntries: number;
  cacheMaxChars: number;
  robotsTtlMs: number;
  robotsTimeoutMs: number;
  robotsMaxBytes: number;
  /** Budget for converting a large HTML page to Markdown in a converter thread (html-converter.ts). */
  convertTimeoutMs: number;
  /** Budget for its plain text when the Markdown conversion gave up. */
  plainTextTimeoutMs: number;
}

export interface FetchedPage {
  requestedUrl: string;
  finalUrl: string;
  status: number;
  contentType: string;
  format: ContentFormat;
  title?: string;
  content: string;
  note?: string;
  /** An HTML page given as its text without formatting: not "raw content", and `note` says why. */
  htmlAsText?: true;
  redirects: string[];
  /** Bytes that arrived for the body (after the last redirect). */
  bytes: number;
}

export interface PageResult extends FetchedPage {
  fromCache: boolean;
}

/**
 * The official server's line before content that is not simplified Markdown (JSON, text, raw HTML). Not for
 * Markdown, PDF text, or an HTML page given as its text (its note says why it is not Markdown).
 */
export function rawContentPrefix(page: Pick<FetchedPage, 'format' | 'contentType' | 'htmlAsText'>): string {
  if (page.format === 'markdown' || page.format === 'pdf-text' || page.htmlAsText) return '';
  return `Content type ${page.contentType} cannot be simplified to markdown, but here is the raw content:\n`;
}

export class PageFetcher {
  readonly robots: RobotsPolicy;
  private readonly cache: PageCache<FetchedPage>;
  /** The HTML converter threads; none is started until a large page needs one. */
  readonly converters: ConversionPool;
  /** Number of page downloads started (cache misses), for tests and diagnostics. */
  downloads = 0;

  constructor(
    private readonly guard: SsrfGuard,
    readonly settings: FetcherSettings,
    pool: ConversionPoolOptions = {},
  ) {
    this.cache = new PageCache({ ttlMs: settings.cacheTtlMs, maxEntries: settings.cacheMaxEntries, maxChars: settings.cacheMaxChars });
    this.converters = new ConversionPool(pool);
    this.robots = new RobotsPolicy({
      ttlMs: settings.robotsTtlMs,
      // No caller's signal: the download is shared by every fetch of the origin waiting on it (robots.ts).
      download: async (url) => {
        const res = await guardedFetch(url, this.guard, {
          userAgent: settings.userAgentAutonomous,
          maxBytes: settings.robotsMaxBytes,
          connectTimeoutMs: settings.connectTimeoutMs,
          timeoutMs: settings.robotsTimeoutMs,
          maxRedirects: settings.maxRedirects,
          accept: 'text/plain,*/*;q=0.5',
          ...(settings.proxy ? { proxy: settings.proxy } : {}),
        });
        return { status: res.status, body: res.body };
      },
    });
  }

  async fetchPage(input: string, options: { mode: FetchMode; raw: boolean; signal?: AbortSignal }): Promise<PageResult> {
    const url = parseTargetUrl(input);
    url.hash = '';
    const checkRobots = options.mode === 'autonomous' && !this.settings.ignoreRobotsTxt;
    // robots.txt first, even for a cached page: the cache may hold a page the user fetched with the prompt.
    if (checkRobots) {
      await this.guard.check(url, options.signal);
      await this.robots.check(url, this.settings.robotsAgents, options.signal);
    }
    const key = `${options.raw ? 'raw' : 'simplified'} ${url.href}`;
    const cached = this.cache.get(key);
    if (cached) {
      // The cached page may have been reached through redirects (perhaps by the user's prompt, which skips
      // robots.txt): each hop's site must allow it too, as on a download (beforeHop below).
      if (checkRobots) {
        for (const hop of cached.redirects) await this.robots.check(new URL(hop), this.settings.robotsAgents, options.signal);
      }
      return { ...cached, fromCache: true };
    }

    this.downloads += 1;
    const res = await guardedFetch(url, this.guard, {
      userAgent: options.mode === 'autonomous' ? this.settings.userAgentAutonomous : this.settings.userAgentUser,
      maxBytes: this.settings.maxBytes,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      timeoutMs: this.settings.timeoutMs,
      maxRedirects: this.settings.maxRedirects,
      ...(this.settings.proxy ? { proxy: this.settings.proxy } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // Each redirect hop is another page: its site's robots.txt applies too (the first hop was checked above).
      ...(checkRobots ? { beforeHop: async (hopUrl: URL, hop: number) => (hop > 0 ? this.robots.check(hopUrl, this.settings.robotsAgents, options.signal) : undefined) } : {}),
    });
    if (res.status >= 400) {
      throw new FetchError('http_status', `${res.url.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`, {
        status: res.status,
        hint: res.status === 404 || res.status === 410 ? 'check the URL; the page does not exist.' : res.status >= 500 ? 'the site has a problem; try again later.' : 'the site refused the request; try another URL.',
      });
    }
    const contentTypeHeader = res.headers['content-type'];
    // Loaded on first use: the DOM, Readability and turndown take a while to load, and startup should not wait.
    const { convertBody, htmlToMarkdown } = await import('./convert.js');
    // Large HTML pages are converted in a thread, under their own deadline; a cancelled conversion throws, so
    // only a whole result (Markdown, or the page's text when Markdown took too long) reaches the cache below.
    const converted = await convertBody(res.body, contentTypeHeader, res.url.href, options.raw, {
      html: (html, pageUrl) =>
        convertHtml(html, pageUrl, {
          htmlToMarkdown,
          pool: this.converters,
          timeoutMs: this.settings.convertTimeoutMs,
          plainTextTimeoutMs: this.settings.plainTextTimeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
    });
    const page: FetchedPage = {
      requestedUrl: url.href,
      finalUrl: res.url.href,
      status: res.status,
      contentType: converted.contentType,
      format: converted.format,
      content: converted.content,
      redirects: res.redirects,
      bytes: res.wireBytes,
      ...(converted.title ? { title: converted.title } : {}),
      ...(converted.note ? { note: converted.note } : {}),
      ...(converted.htmlAsText ? { htmlAsText: true as const } : {}),
    };
    this.cache.set(key, page, page.content.length);
    return { ...page, fromCache: false };
  }

  /** Stops the converter threads (the server is shutting down). */
  close(): Promise<void> {
    return this.converters.close();
  }

  describeLimits(): string {
    return `bodies up to ${formatBytes(this.settings.maxBytes)}, ${Math.round(this.settings.timeoutMs / 1000)} s per fetch, ${this.settings.maxRedirects} redirects`;
  }
}
