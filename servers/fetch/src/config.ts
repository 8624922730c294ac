/**
 * The fetch server's own settings. The official mcp-server-fetch flags (--user-agent, --ignore-robots-txt,
 * --proxy-url) keep their names; the rest bound what a fetch may reach and how much it may cost.
 */
import { ConfigError, type ConfigSpec, parseInteger, secrets } from '@portico/protocol';
import { parseCidr } from './lib/address-classifier.js';
import { validateHostPattern } from './lib/host-policy.js';
import type { ProxySettings } from './lib/http-client.js';

export interface FetchConfig {
  /** --user-agent: replaces both default user agents (as in the official server). */
  userAgent?: string;
  ignoreRobotsTxt: boolean;
  proxy?: ProxySettings;
  allowNetworks: string[];
  allowHosts: string[];
  denyHosts: string[];
  maxBytes: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  cacheTtlMs: number;
  /** --convert-timeout: how long a large HTML page may take to become Markdown before its plain text is returned. */
  convertTimeoutMs: number;
}

/**
 * Default of --convert-timeout: with the default --timeout (30 s) and the plain-text fallback's 5 s, a call
 * ends within 45 s, under the MCP client's 60 s request timeout. Measured: 10 s converts about 5 MB of dense
 * markup (a page of sibling elements or a wide table) or any 10 MB text-heavy page on a 2-vCPU machine.
 */
export const DEFAULT_CONVERT_TIMEOUT_S = 10;

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

function list(value: unknown): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  // Each flag value may itself be comma-separated (env values always are).
  return items.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
}

function parseProxy(raw: string): ProxySettings {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--proxy-url must be a URL like http://proxy.example:3128 (got something that does not parse).`, '--proxy-url');
  }
  if (url.protocol !== 'http:') {
    throw new ConfigError(`--proxy-url must be an http:// proxy URL (got ${url.protocol}//); HTTPS sites are reached through it with CONNECT.`, '--proxy-url');
  }
  let authorization: string | undefined;
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    // The proxy password is a secret: redacted from logs, errors and results from here on.
    secrets.register(password);
    secrets.register(url.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    secrets.register(authorization.slice('Basic '.length));
    url.username = '';
    url.password = '';
  }
  return { url, ...(authorization ? { authorization } : {}) };
}

export const config: ConfigSpec<FetchConfig> = {
  usage: '[options]',
  options: {
    'user-agent': { type: 'string', env: 'PORTICO_FETCH_USER_AGENT', placeholder: 'UA', description: 'User-Agent for every request (default: separate autonomous and user-initiated agents)' },
    'ignore-robots-txt': { type: 'boolean', env: 'PORTICO_FETCH_IGNORE_ROBOTS_TXT', description: 'do not consult robots.txt for fetches the model makes on its own' },
    'proxy-url': { type: 'string', env: 'PORTICO_FETCH_PROXY_URL', placeholder: 'URL', description: 'send every request through this http:// proxy (the proxy resolves names)' },
    'allow-network': { type: 'string', multiple: true, env: 'PORTICO_FETCH_ALLOW_NETWORK', placeholder: 'CIDR', description: 'open a non-public range, e.g. 10.1.0.0/16 (repeatable; default: public addresses only)' },
    'allow-host': { type: 'string', multiple: true, env: 'PORTICO_FETCH_ALLOW_HOST', placeholder: 'PATTERN', description: 'fetch only hosts matching example.com or *.example.com (repeatable)' },
    'deny-host': { type: 'string', multiple: true, env: 'PORTICO_FETCH_DENY_HOST', placeholder: 'PATTERN', description: 'never fetch hosts matching the pattern (repeatable; wins over --allow-host)' },
    'max-bytes': { type: 'string', env: 'PORTICO_FETCH_MAX_BYTES', placeholder: 'N', description: `largest body downloaded or decompressed, in bytes (default ${DEFAULT_MAX_BYTES})` },
    timeout: { type: 'string', env: 'PORTICO_FETCH_TIMEOUT', placeholder: 'SECONDS', description: 'deadline for one whole fetch, redirects and body included (default 30)' },
    'connect-timeout': { type: 'string', env: 'PORTICO_FETCH_CONNECT_TIMEOUT', placeholder: 'SECONDS', description: 'deadline for opening a connection (default 10)' },
    'cache-ttl': { type: 'string', env: 'PORTICO_FETCH_CACHE_TTL', placeholder: 'SECONDS', description: 'keep converted pages this long for start_index paging; 0 disables (default 60)' },
    'convert-timeout': {
      type: 'string',
      env: 'PORTICO_FETCH_CONVERT_TIMEOUT',
      placeholder: 'SECONDS',
      description: `how long a large HTML page may take to become Markdown before its plain text is returned instead (default ${DEFAULT_CONVERT_TIMEOUT_S})`,
    },
  },
  helpText: [
    'Addresses: loopback, private (RFC 1918), link-local (incl. 169.254.169.254), CGNAT, multicast, reserved and',
    'IPv6 unique-local/link-local addresses are refused on every redirect hop unless opened with --allow-network.',
    'Example: portico-fetch --allow-network 10.20.0.0/16 --deny-host "*.internal.example"',
  ].join('\n'),
  parse({ values }) {
    const userAgent = (values['user-agent'] as string | undefined)?.trim();
    if (userAgent !== undefined && (userAgent === '' || /[\r\n]/.test(userAgent))) {
      throw new ConfigError('--user-agent must be a non-empty single line.', '--user-agent');
    }
    const ignoreRobotsTxt = values['ignore-robots-txt'] === true;
    const proxyRaw = values['proxy-url'] as string | undefined;
    const allowNetworks = list(values['allow-network']);
    for (const cidr of allowNetworks) {
      try {
        parseCidr(cidr);
      } catch (error) {
        throw new ConfigError(`--allow-network ${(error as Error).message}.`, '--allow-network');
      }
    }
    const allowHosts = list(values['allow-host']);
    const denyHosts = list(values['deny-host']);
    for (const [flag, patterns] of [
      ['--allow-host', allowHosts],
      ['--deny-host', denyHosts],
    ] as const) {
      for (const pattern of patterns) {
        try {
          validateHostPattern(pattern);
        } catch (error) {
          throw new ConfigError(`${flag} ${(error as Error).message}.`, flag);
        }
      }
    }
    const maxBytes = parseInteger(values['max-bytes'] as string | undefined, '--max-bytes', 1024, 1024 * 1024 * 1024) ?? DEFAULT_MAX_BYTES;
    const timeoutS = parseInteger(values.timeout as string | undefined, '--timeout', 1, 600) ?? 30;
    const connectS = parseInteger(values['connect-timeout'] as string | undefined, '--connect-timeout', 1, 600) ?? 10;
    const cacheTtlS = parseInteger(values['cache-ttl'] as string | undefined, '--cache-ttl', 0, 3600) ?? 60;
    const convertTimeoutS = parseInteger(values['convert-timeout'] as string | undefined, '--convert-timeout', 1, 600) ?? DEFAULT_CONVERT_TIMEOUT_S;
    return {
      ...(userAgent ? { userAgent } : {}),
      ignoreRobotsTxt,
      ...(proxyRaw ? { proxy: parseProxy(proxyRaw) } : {}),
      allowNetworks,
      allowHosts,
      denyHosts,
      maxBytes,
      timeoutMs: timeoutS * 1000,
      connectTimeoutMs: Math.min(connectS, timeoutS) * 1000,
      cacheTtlMs: cacheTtlS * 1000,
      convertTimeoutMs: convertTimeoutS * 1000,
    };
  },
};
