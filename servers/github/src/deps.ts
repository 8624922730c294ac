/** What the GitHub tools need: one client (Octokit behind the token, origin and allow-list guards). */
import type { DepsContext } from '@portico/protocol';
import { readPackageInfo } from '@portico/protocol';
import type { GitHubConfig } from './config.js';
import { RepositoryAllowList } from './lib/allowlist.js';
import { GitHubClient } from './lib/client.js';

export interface GitHubDeps {
  github: GitHubClient;
  close(): Promise<void>;
}

export function createDeps(config: GitHubConfig, context: Pick<DepsContext, 'log'>): GitHubDeps {
  const pkg = readPackageInfo(import.meta.url);
  const github = new GitHubClient({
    token: config.token,
    apiUrl: config.apiUrl,
    allowList: new RepositoryAllowList(config.repositories),
    maxRateLimitWaitSeconds: config.maxRateLimitWaitSeconds,
    log: context.log,
    userAgent: `portico-github/${pkg.version}`,
    ...config.timing,
  });
  if (config.repositories.length) context.log.info(`limited to repositories matching ${config.repositories.join(', ')}`);
  return {
    github,
    async close() {
      // Octokit holds no sockets of its own (fetch keeps none open across calls that matter here).
    },
  };
}
