/**
 * The physical half of path resolution: walks a path one component at a time from the real path of an
 * allowed root, lstat-ing each component and following symbolic links by hand. Every link target is checked
 * lexically against the roots *before* the walk continues there, so the walk never touches anything outside
 * the sandbox (it never stats, opens or lists an outside path), and it cannot tell an outside path that
 * exists from one that does not. That is what keeps "does /etc/shadow exist?" unanswerable.
 *
 * Concurrency: the walk uses paths, so if another process swaps a directory it already checked for a symlink,
 * a later lstat may land outside. The caller (sandbox.ts) then realpaths the result and refuses anything not
 * inside, and the operations in io.ts never act on the walk's answer alone (they re-verify through held
 * descriptors), so such a race can cost a refusal but never an outside read or write.
 *
 * Semantics note: `..` is collapsed lexically in the input and in each link target (relative to the real
 * directory holding the link), not physically after a symlinked component as the kernel would. The result is
 * self-consistent because callers only ever operate on the real path this walk returns.
 */
import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { AccessIntent, AllowedRoot } from './types.js';
import { ToolError } from '../errors.js';
import { invalidPath, notFound, outsideSandbox, pathChanged, permissionDenied, symlinkLoop } from './messages.js';
import { trimTrailingSeparators } from './paths.js';

/** Linux's own limit (MAXSYMLINKS) is 40; more hops than that is a loop or an attack. */
export const MAX_SYMLINK_HOPS = 40;

/** Where a lexical path starts inside the sandbox: the real path of the deepest root holding it, and the rest. */
export interface WalkStart {
  rootPath: string;
  components: string[];
}

export interface WalkOptions {
  input: string;
  intent: AccessIntent;
  followFinalSymlink: boolean;
  roots: readonly AllowedRoot[];
  /** Maps a lexical absolute path to its start inside a root, or undefined when no root holds it. */
  locate(lexical: string): WalkStart | undefined;
}

export interface WalkResult {
  /** Absolute path with no symlink in it (except the final component when it was not followed). */
  path: string;
  exists: boolean;
  /** The deepest directory of `path` that exists (`path`'s parent when `exists`). */
  existingAncestor: string;
  /** The final component is a symlink that was left unfollowed. */
  isSymlink: boolean;
  /** The path ended in a symlink whose target is missing. */
  dangling: boolean;
  /** lstat of `path` when it exists. */
  stats?: Stats;
}

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Translates an fs error seen while walking or operating inside the sandbox into an actionable ToolError. */
export function fsErrorToToolError(error: unknown, input: string, intent: AccessIntent | 'any' = 'any'): unknown {
  if (error instanceof ToolError) return error;
  switch (errnoOf(error)) {
    case 'ENOENT':
      return notFound(input);
    case 'ENOTDIR':
      return intent === 'create'
        ? invalidPath(`"${input}" goes through something that is not a directory.`, 'Check the path: one of its parents is a file.')
        : notFound(input, 'one of its parents is a file, not a directory');
    case 'ENAMETOOLONG':
      return invalidPath(`"${input}" is too long for the file system.`, 'Use a shorter path or shorter names.');
    case 'ELOOP':
      return symlinkLoop(input);
    case 'EACCES':
    case 'EPERM':
      return permissionDenied(input);
    case 'EISDIR':
      return new ToolError(`"${input}" is a directory.`, { code: 'is_directory', hint: 'Pass a file path, not a directory.' });
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ToolError(`"${input}" already exists (or is a non-empty directory).`, { code: 'exists', hint: 'Choose another name, or remove what is there first.' });
    case 'EXDEV':
      return new ToolError(`"${input}" is on a different file system, so it cannot be moved there in one step.`, { code: 'cross_device', hint: 'Copy the file to the destination, then delete the original.' });
    case 'EROFS':
      return new ToolError(`"${input}" is on a read-only file system.`, { code: 'read_only', hint: 'Write somewhere else.' });
    case 'ENOSPC':
    case 'EDQUOT':
      return new ToolError(`There is no space left to write "${input}".`, { code: 'no_space', hint: 'Free some disk space or write less data.' });
    default:
      return error;
  }
}

async function assertRootIntact(rootPath: string, options: WalkOptions): Promise<void> {
  let stats;
  try {
    stats = await lstat(rootPath);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw notFound(options.input, `the allowed directory ${rootPath} no longer exists`);
    throw fsErrorToToolError(error, options.input, options.intent);
  }
  // A root swapped for a link (or a file) since start-up: following it could lead anywhere.
  if (!stats.isDirectory()) throw outsideSandbox(options.input, options.roots, 'changed');
}

export async function walkInside(start: WalkStart, options: WalkOptions): Promise<WalkResult> {
  let current = start.rootPath;
  let pending = [...start.components];
  let hops = 0;
  let followedFinalLink = false;
  let finalIsSymlink = false;
  let finalStats: Stats | undefined;
  await assertRootIntact(current, options);

  while (pending.length > 0) {
    const name = pending.shift() as string;
    const next = path.join(current, name);
    const isLast = pending.length === 0;
    let stats;
    try {
      stats = await lstat(next);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') {
        return {
          path: pending.length > 0 ? path.join(next, ...pending) : next,
          exists: false,
          existingAncestor: current,
          isSymlink: false,
          dangling: followedFinalLink,
        };
      }
      throw fsErrorToToolError(error, options.input, options.intent);
    }

    if (stats.isSymbolicLink() && (!isLast || options.followFinalSymlink)) {
      if (++hops > MAX_SYMLINK_HOPS) throw symlinkLoop(options.input);
      let target: string;
      try {
        target = await readlink(next);
      } catch (error) {
        // EINVAL: it stopped being a link between lstat and readlink.
        if (errnoOf(error) === 'EINVAL') throw pathChanged(options.input);
        throw fsErrorToToolError(error, options.input, options.intent);
      }
      // Lexical check of where the link points (plus what is left of the path) BEFORE touching it.
      const lexical = trimTrailingSeparators(path.resolve(current, target, ...pending));
      const relocated = options.locate(lexical);
      if (!relocated) throw outsideSandbox(options.input, options.roots, 'symlink');
      if (isLast) followedFinalLink = true;
      current = relocated.rootPath;
      pending = [...relocated.components];
      await assertRootIntact(current, options);
      continue;
    }

    if (!isLast && !stats.isDirectory()) {
      const notDir = Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      throw fsErrorToToolError(notDir, options.input, options.intent);
    }
    finalIsSymlink = isLast && stats.isSymbolicLink();
    finalStats = stats;
    current = next;
  }

  return {
    path: current,
    exists: true,
    existingAncestor: path.dirname(current),
    isSymlink: finalIsSymlink,
    dangling: false,
    ...(finalStats ? { stats: finalStats } : {}),
  };
}
