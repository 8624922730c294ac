/** The data shapes of the path sandbox, shared by its modules and the servers that use it. */
import type { Stats } from 'node:fs';

export interface AllowedRoot {
  /** Absolute real path (symlinks resolved when the sandbox was made). */
  path: string;
  readOnly: boolean;
}

/** `read` and `write` need an existing path; `create` accepts a missing one whose parents resolve inside. */
export type AccessIntent = 'read' | 'write' | 'create';

export interface ResolvedPath {
  /** Absolute real path; for a target that does not exist yet, realpath(nearest existing ancestor) + the rest. */
  path: string;
  /** The deepest allowed root holding `path` (the one whose read-only flag applies). */
  root: AllowedRoot;
  exists: boolean;
  /**
   * What lstat said of `path` during the walk, when the walk ended on it: lets a reader check "regular file"
   * before opening without asking the file system a second time (one thread-pool round trip less per read).
   */
  lstat?: Stats;
}

export interface ResolveOptions {
  /**
   * Follow a symlink in the final position (default true). With false, a final symlink resolves to the link
   * itself (its parent must resolve inside); used to move or delete links without touching their targets.
   */
  followFinalSymlink?: boolean;
}
