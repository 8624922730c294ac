/** Temporary directories that clean themselves up, for tests that need real files. */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  /** Real (symlink-resolved) absolute path. */
  path: string;
  cleanup(): Promise<void>;
}

export async function makeTempDir(prefix = 'portico-test-'): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
