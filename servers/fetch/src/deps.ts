/** What the fetch handlers need: the SSRF guard and the page fetcher built from the settings. */
import { type DepsContext, readPackageInfo } from '@portico/protocol';
import type { FetchConfig } from './config.js';
import { NetworkAllowList } from './lib/address-classifier.js';
import type { ConversionPoolOptions } from './lib/convert-pool.js';
import { PageFetcher } from './lib/fetcher.js';
import { type Resolver, SsrfGuard } from './lib/guard.js';
import { HostPolicy } from './lib/host-policy.js';

export interface FetchDeps {
  fetcher: PageFetcher;
  close(): Promise<void>;
}

const PROJECT_URL = 'https://github.com/portico/portico';
/** The product token of the official server's agents: robots.txt groups written for it keep applying. */
export const OFFICIAL_ROBOTS_TOKEN = 'ModelContextProtocol';

export function defaultUserAgents(version: string): { autonomous: string; user: string } {
  return {
    autonomous: `Portico-Fetch/${version} (Autonomous; ${OFFICIAL_ROBOTS_TOKEN}/1.0; +${PROJECT_URL})`,
    user: `Portico-Fetch/${version} (User-Specified; ${OFFICIAL_ROBOTS_TOKEN}/1.0; +${PROJECT_URL})`,
  };
}

export interface DepsOverrides {
  /** Tests play a DNS server with this (e.g. one that rebinds); the bin always uses the system resolver. */
  resolver?: Resolver;
  /** Tests shorten the plain-text fallback's budget, or size the converter threads. */
  plainTextTimeoutMs?: number;
  converters?: ConversionPoolOptions;
}

/** Budget of the plain-text fallback: measured 0.3-0.8 s for 10 MB of markup here, so 5 s leaves room for slower machines. */
export const PLAIN_TEXT_TIMEOUT_MS = 5_000;

export function createDeps(config: FetchConfig, context: DepsContext, overrides: DepsOverrides = {}): FetchDeps {
  const { version } = readPackageInfo(import.meta.url);
  const defaults = defaultUserAgents(version);
  const guard = new SsrfGuard({
    hosts: new HostPolicy(config.allowHosts, config.denyHosts),
    networks: new NetworkAllowList(config.allowNetworks),
    ...(overrides.resolver ? { resolver: overrides.resolver } : {}),
  });
  const converters: ConversionPoolOptions = {
    ...overrides.converters,
    // What a converter thread prints goes to the log, never to stdout (the protocol stream on stdio).
    onOutput: overrides.converters?.onOutput ?? ((line) => context.log.debug(`html converter: ${line}`)),
  };
  const fetcher = new PageFetcher(guard, {
    userAgentAutonomous: config.userAgent ?? defaults.autonomous,
    userAgentUser: config.userAgent ?? defaults.user,
    // With the default agents, rules for the official server's token apply as well as rules for ours.
    robotsAgents: config.userAgent ? [config.userAgent] : [defaults.autonomous, OFFICIAL_ROBOTS_TOKEN],
    ignoreRobotsTxt: config.ignoreRobotsTxt,
    maxBytes: config.maxBytes,
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    maxRedirects: 5,
    ...(config.proxy ? { proxy: config.proxy } : {}),
    cacheTtlMs: config.cacheTtlMs,
    cacheMaxEntries: 32,
    cacheMaxChars: 32 * 1024 * 1024,
    robotsTtlMs: 10 * 60 * 1000,
    robotsTimeoutMs: Math.min(10_000, config.timeoutMs),
    robotsMaxBytes: 512 * 1024,
    convertTimeoutMs: config.convertTimeoutMs,
    plainTextTimeoutMs: overrides.plainTextTimeoutMs ?? PLAIN_TEXT_TIMEOUT_MS,
  }, converters);
  if (config.allowNetworks.length > 0) context.log.info(`non-public ranges opened with --allow-network: ${config.allowNetworks.join(', ')}`);
  if (config.proxy) context.log.info(`requests go through the proxy ${config.proxy.url.host}; it resolves host names itself`);
  return {
    fetcher,
    async close() {
      // No connections are pooled (every request opens its own to its checked address); converter threads are.
      await fetcher.close();
    },
  };
}
