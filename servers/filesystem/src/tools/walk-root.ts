/** Where a recursive walk starts: a directory resolved through the sandbox, plus its .gitignore ancestors. */
import type { PathSandbox } from '@portico/protocol';
import { ancestorsWithin, resolveDirectory } from './common.js';

export interface WalkRoot {
  path: string;
  rootPath: string;
  gitignoreAncestors: string[];
}

export async function resolveWalkRoot(sandbox: PathSandbox, input: string): Promise<WalkRoot> {
  const { resolved } = await resolveDirectory(sandbox, input);
  return { path: resolved.path, rootPath: resolved.root.path, gitignoreAncestors: ancestorsWithin(resolved.root.path, resolved.path) };
}
