/** What the git tools need: the sandbox of allowed repositories and how git is run. No connections to hold. */
import { type DepsContext, PathSandbox } from '@portico/protocol';
import type { AccessSettings } from './lib/access.js';
import type { GitConfig } from './config.js';

export interface GitDeps {
  access: AccessSettings;
  close(): Promise<void>;
}

export async function createDeps(config: GitConfig, context: DepsContext): Promise<GitDeps> {
  // Throws ConfigError (exit 2) for a directory that does not exist or is not a directory.
  const sandbox = await PathSandbox.create(config.repositories);
  if (sandbox.isEmpty()) {
    context.log.warn('no repositories given: every tool will answer that nothing is reachable. Pass repository paths as arguments.');
  } else {
    context.log.info(`repositories: ${sandbox.roots.map((r) => r.path).join(', ')}${config.allowHooks ? ' (hooks allowed on writes)' : ''}`);
  }
  return {
    access: { sandbox, policy: { allowHooks: config.allowHooks, timeoutMs: config.timeoutMs } },
    async close() {
      // git processes end with each call; nothing stays open.
    },
  };
}
