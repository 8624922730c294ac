/**
 * Directory anchors: a directory held open so that operations on names inside it cannot be redirected by a
 * later swap of any path component (the check-then-use gap).
 *
 * Linux ("proc" strategy): the directory is opened by walking from the root's descriptor one component at a
 * time with O_NOFOLLOW|O_DIRECTORY through `/proc/self/fd/<fd>/<name>`, and the root's descriptor itself is
 * verified with readlink('/proc/self/fd/<fd>'). Operations then name `/proc/self/fd/<dirfd>/<name>`: the
 * kernel jumps straight to the held directory (the magic link is not a path lookup), so renaming or
 * symlinking any ancestor afterwards changes nothing. This is Node's stand-in for openat()/renameat().
 *
 * Elsewhere ("portable" strategy, macOS/Windows, or Linux without /proc): the directory is checked (lstat:
 * not a link; realpath: unchanged and inside) and operations use the plain path. RESIDUAL WINDOW: between
 * that check and the operation, a process that can write inside the sandbox could swap an ancestor for a
 * symlink and redirect one operation. `verifyUnchanged()` re-checks afterwards (dev/ino) and reports the
 * change, but cannot undo it. Node exposes no openat/O_BENEATH on these platforms.
 */
import { constants as fsConstants, existsSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { notFound, outsideSandbox, pathChanged } from './messages.js';
import { isPathInside } from './paths.js';
import type { PathSandbox } from './sandbox.js';
import type { AllowedRoot } from './types.js';
import { errnoOf, fsErrorToToolError } from './walk.js';

export const O_DIRECTORY = fsConstants.O_DIRECTORY ?? 0;
export const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
export const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0;

export type IoStrategy = 'proc' | 'portable';

let strategy: IoStrategy = process.platform === 'linux' && existsSync('/proc/self/fd') ? 'proc' : 'portable';

export function ioStrategy(): IoStrategy {
  return strategy;
}

/** For tests: exercise the portable fallback on Linux too. Returns the previous strategy. */
export function setIoStrategyForTests(next: IoStrategy): IoStrategy {
  const previous = strategy;
  strategy = next;
  return previous;
}

export function procPath(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

/** Where an open descriptor really is, by the kernel's account; undefined if it was deleted. */
export async function openedPath(handle: FileHandle): Promise<string | undefined> {
  const target = await readlink(procPath(handle.fd));
  if (target.endsWith(' (deleted)')) return undefined;
  return target;
}

export interface DirAnchor {
  /** The directory's real path, as verified when it was opened. */
  readonly path: string;
  /** A path that names `name` inside exactly this directory. `name` must be a single component. */
  child(name: string): string;
  /** fsync the directory (so a rename in it is durable); best effort. */
  sync(): Promise<void>;
  /** Portable strategy only: throws path_changed if the directory is no longer what was checked. */
  verifyUnchanged(): Promise<void>;
  close(): Promise<void>;
}

export interface AnchorOptions {
  /** The user's input, for messages. */
  input: string;
  /** Create missing directories between the root and `dir` (each one inside the held parent). */
  createMissing?: boolean;
}

/** Opens `dir` (a real path inside `root`) as an anchor. */
export async function openDirAnchor(sandbox: PathSandbox, root: AllowedRoot, dir: string, options: AnchorOptions): Promise<DirAnchor> {
  if (!isPathInside(root.path, dir)) throw outsideSandbox(options.input, sandbox.roots, 'changed');
  return strategy === 'proc' ? openProcAnchor(sandbox, root, dir, options) : openPortableAnchor(sandbox, root, dir, options);
}

async function openProcAnchor(sandbox: PathSandbox, root: AllowedRoot, dir: string, options: AnchorOptions): Promise<DirAnchor> {
  const components = path.relative(root.path, dir).split(path.sep).filter((c) => c !== '');
  let handle: FileHandle;
  try {
    handle = await open(root.path, fsConstants.O_RDONLY | O_DIRECTORY);
  } catch (error) {
    throw fsErrorToToolError(error, options.input);
  }
  try {
    const actualRoot = await openedPath(handle);
    if (actualRoot !== root.path) {
      throw actualRoot && sandbox.rootOf(actualRoot) ? pathChanged(options.input) : outsideSandbox(options.input, sandbox.roots, 'changed');
    }
    for (const name of components) {
      const next = await openChildDir(handle, name, options);
      await handle.close();
      handle = next;
    }
    // Opened component by component without following links, so this is dir unless something was renamed
    // concurrently; then refuse rather than act on a directory the caller did not ask for.
    if ((await openedPath(handle)) !== dir) throw pathChanged(options.input);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  const held = handle;
  return {
    path: dir,
    child: (name) => procPath(held.fd, name),
    sync: () => held.sync().catch(() => undefined),
    verifyUnchanged: async () => undefined,
    close: () => held.close(),
  };
}

async function openChildDir(parent: FileHandle, name: string, options: AnchorOptions): Promise<FileHandle> {
  const flags = fsConstants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
  try {
    return await open(procPath(parent.fd, name), flags);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' && options.createMissing) {
      try {
        await mkdir(procPath(parent.fd, name));
      } catch (mkdirError) {
        if (errnoOf(mkdirError) !== 'EEXIST') throw fsErrorToToolError(mkdirError, options.input, 'create');
      }
      try {
        return await open(procPath(parent.fd, name), flags);
      } catch (retryError) {
        const retryCode = errnoOf(retryError);
        if (retryCode === 'ELOOP' || retryCode === 'ENOTDIR') throw pathChanged(options.input);
        throw fsErrorToToolError(retryError, options.input, 'create');
      }
    }
    if (code === 'ENOENT') throw notFound(options.input, 'its parent directory does not exist');
    // The walk saw a directory here. Now it is a symlink (Linux says ENOTDIR for O_DIRECTORY|O_NOFOLLOW on a
    // link, ELOOP without O_DIRECTORY) or a file: it was swapped after the path was resolved. Refuse.
    if (code === 'ELOOP' || code === 'ENOTDIR') throw pathChanged(options.input);
    throw fsErrorToToolError(error, options.input, 'create');
  }
}

async function checkPortableDir(sandbox: PathSandbox, dir: string, input: string): Promise<Stats> {
  let stats: Stats;
  let real: string;
  try {
    stats = await lstat(dir);
    real = await realpath(dir);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw notFound(input, 'its parent directory does not exist');
    throw fsErrorToToolError(error, input);
  }
  if (!sandbox.rootOf(real)) throw outsideSandbox(input, sandbox.roots, 'changed');
  if (stats.isSymbolicLink() || !stats.isDirectory() || real !== dir) throw pathChanged(input);
  return stats;
}

async function openPortableAnchor(sandbox: PathSandbox, root: AllowedRoot, dir: string, options: AnchorOptions): Promise<DirAnchor> {
  await checkPortableDir(sandbox, root.path, options.input);
  if (options.createMissing) {
    // Create one level at a time, checking each parent first (residual window: see the header comment).
    const components = path.relative(root.path, dir).split(path.sep).filter((c) => c !== '');
    let current = root.path;
    for (const name of components) {
      await checkPortableDir(sandbox, current, options.input);
      current = path.join(current, name);
      try {
        await mkdir(current);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw fsErrorToToolError(error, options.input, 'create');
      }
    }
  }
  const checked = await checkPortableDir(sandbox, dir, options.input);
  return {
    path: dir,
    child: (name) => path.join(dir, name),
    sync: async () => {
      try {
        const handle = await open(dir, fsConstants.O_RDONLY);
        await handle.sync().finally(() => handle.close());
      } catch {
        // Windows cannot open or fsync a directory; rename durability is the file system's business there.
      }
    },
    verifyUnchanged: async () => {
      const now = await stat(dir).catch(() => undefined);
      const real = await realpath(dir).catch(() => undefined);
      if (!now || now.dev !== checked.dev || now.ino !== checked.ino || real !== dir) throw pathChanged(options.input);
    },
    close: async () => undefined,
  };
}
