/**
 * The GitHub server's settings. The token comes only from the environment (never a flag: argv is visible to
 * every local user in `ps`), and is registered as a secret the moment it is read.
 */
import { ConfigError, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, isLoopbackHost, parseInteger, secrets, type ConfigSpec } from '@portico/protocol';
import { RepositoryAllowList } from './lib/allowlist.js';

export interface GitHubTiming {
  /** One "second" of plugin-computed waits, in ms (1000 in production). */
  waitUnitMs: number;
  minWriteIntervalMs: number;
  minSearchIntervalMs: number;
  /** Retries of a 5xx answer or dropped connection, for GET and HEAD only (never for writes). */
  retries: number;
  /** One HTTP attempt; a timed-out attempt is not retried. */
  requestTimeoutMs: number;
  /** One whole tool call, every request and wait included: kept under the MCP clients' 60 s default. */
  callTimeoutMs: number;
}

export interface GitHubConfig {
  token: string;
  /** Without a trailing slash. */
  apiUrl: string;
  /** owner/repo patterns; empty = every repository the token can reach. */
  repositories: string[];
  maxRateLimitWaitSeconds: number;
  /** Pacing and retry timing; tests shrink it, users keep the defaults. */
  timing: GitHubTiming;
}

export const PRODUCTION_TIMING: GitHubTiming = {
  waitUnitMs: 1000,
  minWriteIntervalMs: 1000,
  minSearchIntervalMs: 2000,
  retries: 2,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  callTimeoutMs: DEFAULT_CALL_TIMEOUT_MS,
};

export const TOKEN_ENV = 'GITHUB_PERSONAL_ACCESS_TOKEN';
const DEFAULT_API_URL = 'https://api.github.com';

export const config: ConfigSpec<GitHubConfig> = {
  usage: '[options]   (with GITHUB_PERSONAL_ACCESS_TOKEN in the environment)',
  helpText: [
    'Required:',
    `  ${TOKEN_ENV}   a GitHub token (classic with the "repo" scope, or fine-grained). Read from the environment`,
    '  only; it is sent to GITHUB_API_URL and nowhere else, and redacted from every log line and result.',
  ].join('\n'),
  options: {
    'api-url': { type: 'string', env: 'GITHUB_API_URL', placeholder: 'URL', description: `GitHub API base URL; GitHub Enterprise Server: https://HOST/api/v3 (default ${DEFAULT_API_URL})` },
    repositories: { type: 'string', env: 'GITHUB_REPOSITORIES', placeholder: 'owner/repo,owner/*', description: 'only these repositories may be used (patterns, comma-separated); default: all the token can reach' },
    'max-rate-limit-wait': { type: 'string', env: 'GITHUB_MAX_RATE_LIMIT_WAIT', placeholder: 'SECONDS', description: 'wait out rate limits that reset within this many seconds, report longer ones (default 15; 0 never waits)' },
  },
  parse({ values, env }) {
    const rawToken = env[TOKEN_ENV];
    // Register before anything else can echo it.
    secrets.register(rawToken);
    const token = rawToken?.trim();
    if (!token) {
      throw new ConfigError(
        `${TOKEN_ENV} is not set: create a token at https://github.com/settings/tokens (classic: "repo" scope; or fine-grained) and put it in the host config's "env".`,
        TOKEN_ENV,
      );
    }
    if (/\s/.test(token)) throw new ConfigError(`${TOKEN_ENV} contains whitespace: paste the token alone, without quotes or spaces.`, TOKEN_ENV);

    const apiUrl = parseApiUrl((values['api-url'] as string | undefined) ?? DEFAULT_API_URL);
    const repositories = ((values.repositories as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const pattern of repositories) {
      const problem = RepositoryAllowList.problemWith(pattern);
      if (problem) throw new ConfigError(`GITHUB_REPOSITORIES / --repositories: ${problem}.`, 'GITHUB_REPOSITORIES');
    }
    const maxRateLimitWaitSeconds = parseInteger(values['max-rate-limit-wait'] as string | undefined, '--max-rate-limit-wait', 0, 3600) ?? 15;
    return { token, apiUrl, repositories, maxRateLimitWaitSeconds, timing: PRODUCTION_TIMING };
  },
};

function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`GITHUB_API_URL "${raw}" is not a URL: use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.`, 'GITHUB_API_URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`GITHUB_API_URL must be an http(s) URL (got ${url.protocol}).`, 'GITHUB_API_URL');
  if (url.username || url.password) throw new ConfigError('GITHUB_API_URL must not contain credentials: the token goes in GITHUB_PERSONAL_ACCESS_TOKEN.', 'GITHUB_API_URL');
  if (url.search || url.hash) throw new ConfigError('GITHUB_API_URL must not have a query or fragment.', 'GITHUB_API_URL');
  // The token travels in every request: plain http would hand it to anyone on the path, so it is accepted
  // only for this machine itself (test servers, local proxies).
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`GITHUB_API_URL="${raw}" must use https: the token would travel in clear text over plain http (accepted only for loopback test servers).`, 'GITHUB_API_URL');
  }
  return url.href.replace(/\/+$/, '');
}
