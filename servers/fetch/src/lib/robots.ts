/**
 * robots.txt for autonomous fetches (the tool; the user-initiated prompt does not consult it), as the
 * official server does, with the failure cases settled:
 *   2xx  -> the rules decide (for every user-agent token given; any Disallow wins)
 *   401, 403, 429, 5xx -> everything is disallowed
 *   other 4xx (404, 410, ...) -> everything is allowed
 *   unreachable, timed out, refused by the SSRF guard -> disallowed (as for a server error)
 * One verdict per origin is cached for a while; concurrent checks of one origin share one download. That
 * download belongs to no caller: it is bounded by its own timeout only, and a caller whose request is
 * cancelled stops waiting for it without stopping it (otherwise cancelling one fetch failed every other
 * fetch of the same site waiting on the same download).
 * The download itself goes through the same guarded client as page fetches (the caller supplies it).
 */
import { untilAborted } from '@portico/protocol';
import robotsParserModule from 'robots-parser';
import { FetchError, type FetchErrorCode, isFetchError } from './errors.js';

export interface RobotsDownload {
  status: number;
  body: Buffer;
}

export interface RobotsOptions {
  /** Downloads a robots.txt URL through the guard, under its own timeout; throws FetchError when it cannot. */
  download(url: URL): Promise<RobotsDownload>;
  /** How long a verdict is kept. */
  ttlMs: number;
  /** How long a failed download is remembered (shorter: the site may come back). */
  failureTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/** The part of robots-parser's API used here (its bundled types do not describe the default export). */
interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
}
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robot;

type RobotsRules =
  | { kind: 'rules'; robots: Robot; text: string }
  | { kind: 'allow_all'; reason: string }
  /** failed: the download failed (remembered for a shorter time); noAnswer: nothing answered at all. */
  | { kind: 'deny_all'; reason: string; failed?: boolean; noAnswer?: boolean };

/** Download failures where no robots.txt answer came at all (as opposed to one refused or too large). */
const UNREACHABLE = new Set<FetchErrorCode>(['connect_failed', 'connect_timeout', 'dns_failed', 'timeout']);

interface CacheEntry {
  robotsUrl: string;
  rules: Promise<RobotsRules>;
  expires: number;
}

export class RobotsPolicy {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** Number of robots.txt downloads started (for tests and diagnostics). */
  downloads = 0;

  constructor(private readonly options: RobotsOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 256;
  }

  /** Resolves when every user agent may fetch the URL; throws FetchError('robots_denied') otherwise. */
  async check(url: URL, userAgents: readonly string[], signal?: AbortSignal): Promise<void> {
    const { robotsUrl, rules } = this.rulesFor(url);
    // Waits for the shared verdict, or stops waiting (only this caller) when its own signal aborts.
    const verdict = await untilAborted(rules, signal, () => new FetchError('cancelled', `the fetch of ${url.href} was cancelled.`, { cause: signal?.reason }));
    if (verdict.kind === 'allow_all') return;
    if (verdict.kind === 'deny_all') throw verdict.noAnswer ? unreachable(url, robotsUrl, verdict.reason) : denied(url, robotsUrl, verdict.reason);
    for (const ua of userAgents) {
      // isAllowed answers undefined for a URL of another origin; ours is always the same origin.
      if (verdict.robots.isAllowed(url.href, ua) === false) {
        const line = verdict.robots.getMatchingLineNumber(url.href, ua);
        throw denied(url, robotsUrl, `its rules disallow ${url.pathname}${url.search} for the user agent "${ua}"${line > 0 ? ` (line ${line})` : ''}`);
      }
    }
  }

  private rulesFor(url: URL): { robotsUrl: string; rules: Promise<RobotsRules> } {
    const origin = url.origin;
    const cached = this.cache.get(origin);
    if (cached && cached.expires > this.now()) return cached;
    const robotsUrl = `${origin}/robots.txt`;
    this.downloads += 1;
    const entry: CacheEntry = { robotsUrl, rules: this.load(new URL(robotsUrl)), expires: this.now() + this.options.ttlMs };
    entry.rules.then(
      (r) => {
        if (r.kind === 'deny_all' && r.failed) entry.expires = this.now() + (this.options.failureTtlMs ?? 30_000);
      },
      // A download that failed unexpectedly is not a verdict: forget it so the next check tries again.
      () => {
        if (this.cache.get(origin) === entry) this.cache.delete(origin);
      },
    );
    this.cache.delete(origin);
    this.cache.set(origin, entry);
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return entry;
  }

  private async load(robotsUrl: URL): Promise<RobotsRules> {
    let response: RobotsDownload;
    try {
      response = await this.options.download(robotsUrl);
    } catch (error) {
      const why = (isFetchError(error) ? error.message : (error as Error).message).replace(/\.$/, '');
      // Nothing answered: most likely the site is down or the URL is wrong, and the message leads with that.
      if (isFetchError(error) && UNREACHABLE.has(error.code)) return { kind: 'deny_all', failed: true, noAnswer: true, reason: why };
      return { kind: 'deny_all', failed: true, reason: `it could not be fetched (${why}), which is treated like a server error` };
    }
    const { status } = response;
    if (status === 401 || status === 403) return { kind: 'deny_all', reason: `it answered HTTP ${status}, which means autonomous fetching is not allowed` };
    if (status === 429) return { kind: 'deny_all', reason: 'it answered HTTP 429 (too many requests), so autonomous fetching is not allowed for now' };
    if (status >= 500) return { kind: 'deny_all', reason: `it answered HTTP ${status} (server error), so autonomous fetching is treated as not allowed` };
    if (status >= 400) return { kind: 'allow_all', reason: `no robots.txt (HTTP ${status})` };
    if (status < 200 || status >= 300) return { kind: 'allow_all', reason: `unexpected HTTP ${status}` };
    const text = response.body.toString('utf8');
    return { kind: 'rules', robots: robotsParser(robotsUrl.href, text), text };
  }
}


/**
 * A robots.txt that cannot be fetched (nothing listening, a timeout, a refused address) counts as a server
 * error, so autonomous fetching is refused; but the likely cause is that the site is down or the URL is
 * wrong, and the message says so first rather than blame robots.txt.
 */
function unreachable(url: URL, robotsUrl: string, reason: string): FetchError {
  return new FetchError(
    'robots_denied',
    `${url.host} could not be reached to read its robots.txt (${reason}). Autonomous fetching of ${url.href} is not allowed without it ` +
      `(an unreachable ${robotsUrl} counts as a server error).`,
    { hint: 'check the URL and that the site is up, then try again.' },
  );
}

function denied(url: URL, robotsUrl: string, reason: string): FetchError {
  return new FetchError(
    'robots_denied',
    `autonomous fetching of ${url.href} is not allowed by the site's robots.txt (${robotsUrl}): ${reason}. ` +
      'Tell the user that this page could not be fetched. The user can fetch it themselves with the fetch prompt (user-initiated fetches do not consult robots.txt).',
    { hint: 'fetch another page, or ask the operator: they can start the server with --ignore-robots-txt to skip this check.' },
  );
}
