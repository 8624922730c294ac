/**
 * What the handlers need: the operator's sandbox (every request narrows it by the client's roots) and the
 * read limits. The sandbox is made here, so a missing or unusable directory stops the start with exit 2.
 */
import { type DepsContext, PathSandbox } from '@portico/protocol';
import type { FilesystemConfig } from './config.js';
import { enableBacktrackFallback } from './lib/regex-guard.js';

export interface FilesystemDeps {
  sandbox: PathSandbox;
  maxReadBytes: number;
  maxMediaBytes: number;
  close(): Promise<void>;
}

export async function createDeps(config: FilesystemConfig, context: DepsContext): Promise<FilesystemDeps> {
  // PathSandbox.create throws ConfigError (exit 2) naming the directory that is missing or not a directory.
  const sandbox = await PathSandbox.create(config.directories);
  enableBacktrackFallback();
  for (const root of sandbox.roots) context.log.debug(`allowed directory: ${root.path}${root.readOnly ? ' (read-only)' : ''}`);
  return {
    sandbox,
    maxReadBytes: config.maxReadBytes,
    maxMediaBytes: config.maxMediaBytes,
    async close() {
      // Nothing held open between requests: every operation opens and closes its own descriptors.
    },
  };
}
