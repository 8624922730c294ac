/**
 * File operations inside a PathSandbox with no check-then-use gap: each one resolves the user's input, then
 * holds the file or its parent directory open (anchor.ts) and acts only through that descriptor, so a symlink
 * swapped into any path component after the check cannot redirect it outside. On platforms without
 * /proc/self/fd the portable strategy narrows the gap instead of closing it (see anchor.ts).
 *
 * Every failure is a ToolError the model can act on; a failed write leaves the original untouched and no
 * temporary file behind.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { access, link, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../errors.js';
import { ioStrategy, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY, openDirAnchor, openedPath, procPath, type DirAnchor } from './anchor.js';
import { alreadyExists, invalidPath, isDirectory, notAFile, notFound, outsideSandbox, pathChanged } from './messages.js';
import { isPathInside } from './paths.js';
import type { PathSandbox } from './sandbox.js';
import type { ResolvedPath } from './types.js';
import { errnoOf, fsErrorToToolError } from './walk.js';

/** Deepest directory nesting removePath will descend (each level holds one descriptor). */
export const MAX_REMOVE_DEPTH = 256;
const COPY_CHUNK_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------- reading

/**
 * Opens a regular file for reading. The returned handle is verified to be inside the sandbox; read through
 * it (never re-open the path). The caller closes it. Directories are refused with code `is_directory`,
 * devices/sockets/pipes with `not_a_file`.
 */
export async function openForRead(
  sandbox: PathSandbox,
  input: string,
): Promise<{ handle: FileHandle; resolved: ResolvedPath; stats: Stats }> {
  return openVerifiedFile(sandbox, input, 'List it with list_directory, or pass a file inside it.');
}

async function openVerifiedFile(sandbox: PathSandbox, input: string, directoryHint: string): Promise<{ handle: FileHandle; resolved: ResolvedPath; stats: Stats }> {
  const resolved = await sandbox.resolve(input, 'read');
  // Refuse directories and special files before opening them (opening a device can have side effects). The
  // walk's own lstat of the final component serves when there is one; the descriptor is checked again below.
  const before =
    resolved.lstat ??
    (await lstat(resolved.path).catch((error: unknown) => {
      throw fsErrorToToolError(error, input, 'read');
    }));
  if (before.isDirectory()) throw isDirectory(input, directoryHint);
  if (!before.isFile()) throw notAFile(input);

  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the final component was a plain file a moment ago; if it is a link now, refuse.
    // O_NONBLOCK: a file swapped for a FIFO must not block the open.
    handle = await open(resolved.path, fsConstants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if (errnoOf(error) === 'ELOOP') throw pathChanged(input);
    throw fsErrorToToolError(error, input, 'read');
  }
  try {
    if (ioStrategy() === 'proc') {
      // Open first, then ask the kernel where the descriptor really is: an ancestor swapped for a symlink
      // between resolve() and open() shows up here, before a single byte is read.
      const actual = await openedPath(handle);
      if (actual === undefined) throw notFound(input);
      if (actual !== resolved.path) throw sandbox.rootOf(actual) ? pathChanged(input) : outsideSandbox(input, sandbox.roots, 'changed');
    }
    const stats = await handle.stat();
    if (ioStrategy() === 'portable') {
      // Open, then compare: the re-resolved path must still be this very file (dev/ino). RESIDUAL WINDOW:
      // the open itself may have gone through a swapped link; we detect that and refuse before reading.
      const again = await sandbox.resolve(input, 'read');
      const now = await stat(again.path).catch(() => undefined);
      if (!now || now.dev !== stats.dev || now.ino !== stats.ino) throw pathChanged(input);
    }
    if (stats.isDirectory()) throw isDirectory(input, directoryHint);
    if (!stats.isFile()) throw notAFile(input);
    return { handle, resolved, stats };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------- writing

export interface WriteOptions {
  /** Replace an existing file (default true). With false an existing target fails with code `exists`. */
  overwrite?: boolean;
  /** Permission bits for the file; default: the existing file's mode, or 0o666 minus the umask. */
  mode?: number;
}

/**
 * Writes a whole file atomically: a temporary file (random name, O_EXCL) in the same directory, fsync, then
 * rename over the target (or link, when overwrite is false, so an existing file is never replaced). A symlink
 * at the target is refused, never followed. On failure the temporary file is removed and the original is
 * untouched.
 */
export async function writeFileAtomic(
  sandbox: PathSandbox,
  input: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<ResolvedPath & { created: boolean }> {
  const overwrite = options.overwrite ?? true;
  const resolved = await sandbox.resolve(input, 'create', { followFinalSymlink: false });
  if (isARoot(sandbox, resolved.path)) throw isDirectory(input, 'Pass a file path inside the directory.');
  const name = path.basename(resolved.path);
  const anchor = await openDirAnchor(sandbox, resolved.root, path.dirname(resolved.path), { input });
  let tempName: string | undefined;
  try {
    const existing = await checkWriteTarget(anchor, name, input, overwrite);
    tempName = temporaryName();
    const handle = await createExclusive(anchor, tempName, input, options.mode ?? (existing ? 0o600 : 0o666));
    try {
      await handle.writeFile(data);
      // An explicit mode is applied exactly; otherwise keep the replaced file's mode (umask does not apply).
      if (options.mode !== undefined) await handle.chmod(options.mode);
      else if (existing) await handle.chmod(existing.mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await commitTemporary(anchor, tempName, name, overwrite, input);
    tempName = undefined;
    await anchor.sync();
    await anchor.verifyUnchanged();
    return { ...resolved, exists: true, created: !existing };
  } catch (error) {
    if (tempName) await unlink(anchor.child(tempName)).catch(() => undefined);
    throw fsErrorToToolError(error, input, 'create');
  } finally {
    await anchor.close();
  }
}

/** Creates a directory (and, with recursive, its missing parents, each inside the held parent). */
export async function makeDirectory(sandbox: PathSandbox, input: string, options: { recursive?: boolean } = {}): Promise<ResolvedPath> {
  const recursive = options.recursive ?? false;
  const resolved = await sandbox.resolve(input, 'create');
  if (resolved.exists) {
    const stats = await stat(resolved.path).catch((error: unknown) => {
      throw fsErrorToToolError(error, input, 'create');
    });
    if (!stats.isDirectory()) throw alreadyExists(input, 'A file has that name; choose another name.');
    if (recursive) return resolved;
    throw alreadyExists(input, 'It is already a directory; pass recursive: true to accept an existing directory.');
  }
  const anchor = await openDirAnchor(sandbox, resolved.root, path.dirname(resolved.path), { input, createMissing: recursive });
  try {
    const name = path.basename(resolved.path);
    try {
      await mkdir(anchor.child(name));
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
      const now = await lstat(anchor.child(name));
      if (!recursive || !now.isDirectory()) throw alreadyExists(input, 'Choose another name.');
    }
    await anchor.sync();
    await anchor.verifyUnchanged();
    return { ...resolved, exists: true };
  } catch (error) {
    throw fsErrorToToolError(error, input, 'create');
  } finally {
    await anchor.close();
  }
}

/**
 * Moves (renames) a file, directory or symlink (the link itself, never its target). Both ends must be in
 * writable roots. Without overwrite (the default) an existing destination is never replaced.
 */
export async function movePath(
  sandbox: PathSandbox,
  from: string,
  to: string,
  options: { overwrite?: boolean } = {},
): Promise<{ from: ResolvedPath; to: ResolvedPath }> {
  const overwrite = options.overwrite ?? false;
  const source = await sandbox.resolve(from, 'write', { followFinalSymlink: false });
  if (sandbox.holdsARoot(source.path)) {
    throw invalidPath(`"${from}" is an allowed directory (or holds one), so it cannot be moved.`, 'Move the files inside it instead.');
  }
  const target = await sandbox.resolve(to, 'create', { followFinalSymlink: false });
  if (sandbox.holdsARoot(target.path)) {
    throw invalidPath(`"${to}" is an allowed directory (or holds one), so it cannot be replaced.`, 'Choose a destination inside an allowed directory.');
  }
  if (target.path === source.path) throw invalidPath(`"${from}" and "${to}" are the same path.`, 'Choose a different destination.');
  if (isPathInside(source.path, target.path)) {
    throw invalidPath(`Cannot move "${from}" into itself ("${to}").`, 'Choose a destination outside the directory being moved.');
  }
  const sourceName = path.basename(source.path);
  const targetName = path.basename(target.path);
  const sourceAnchor = await openDirAnchor(sandbox, source.root, path.dirname(source.path), { input: from });
  let targetAnchor: DirAnchor | undefined;
  try {
    targetAnchor = await openDirAnchor(sandbox, target.root, path.dirname(target.path), { input: to });
    const sourceStats = await lstat(sourceAnchor.child(sourceName)).catch((error: unknown) => {
      throw fsErrorToToolError(error, from, 'write');
    });
    const existing = await lstatOrUndefined(targetAnchor.child(targetName));
    if (existing && !overwrite) throw alreadyExists(to, 'Pass overwrite: true to replace it, or choose another destination.');
    if (existing?.isDirectory() && !sourceStats.isDirectory()) throw isDirectory(to, 'Move the file to a path inside that directory instead.');

    const sourcePath = sourceAnchor.child(sourceName);
    const targetPath = targetAnchor.child(targetName);
    if (overwrite) {
      await rename(sourcePath, targetPath);
    } else if (!sourceStats.isDirectory()) {
      await linkThenUnlink(sourcePath, targetPath, to);
    } else {
      // Directories cannot be hard-linked and Node has no renameat2(RENAME_NOREPLACE). RESIDUAL WINDOW:
      // an EMPTY directory created at the destination between the check above and this rename would be
      // replaced (rename(2) never replaces a file or a non-empty directory with a directory). Both parents
      // are held, so the move itself cannot be redirected.
      await rename(sourcePath, targetPath);
    }
    await sourceAnchor.sync();
    await targetAnchor.sync();
    await sourceAnchor.verifyUnchanged();
    await targetAnchor.verifyUnchanged();
    return { from: { ...source, exists: false }, to: { ...target, exists: true } };
  } catch (error) {
    throw fsErrorToToolError(error, to, 'create');
  } finally {
    await sourceAnchor.close();
    await targetAnchor?.close();
  }
}

/**
 * Copies a regular file (symlinks are followed at the source, inside the sandbox only). Directories are
 * refused with code `is_directory`. Without overwrite (the default) an existing destination is never
 * replaced; the copy is written to a temporary file and committed like writeFileAtomic.
 */
export async function copyPath(
  sandbox: PathSandbox,
  from: string,
  to: string,
  options: { overwrite?: boolean } = {},
): Promise<{ from: ResolvedPath; to: ResolvedPath }> {
  const overwrite = options.overwrite ?? false;
  const source = await openVerifiedFile(sandbox, from, 'Copying directories is not supported; create the directory and copy its files one by one.');
  try {
    const target = await sandbox.resolve(to, 'create', { followFinalSymlink: false });
    if (target.path === source.resolved.path) throw invalidPath(`"${from}" and "${to}" are the same file.`, 'Choose a different destination.');
    if (isARoot(sandbox, target.path)) throw isDirectory(to, 'Pass a file path inside the directory.');
    const name = path.basename(target.path);
    const anchor = await openDirAnchor(sandbox, target.root, path.dirname(target.path), { input: to });
    let tempName: string | undefined;
    try {
      await checkWriteTarget(anchor, name, to, overwrite);
      tempName = temporaryName();
      const out = await createExclusive(anchor, tempName, to, 0o600);
      try {
        await copyHandle(source.handle, out);
        await out.chmod(source.stats.mode & 0o777);
        await out.sync();
      } finally {
        await out.close();
      }
      await commitTemporary(anchor, tempName, name, overwrite, to);
      tempName = undefined;
      await anchor.sync();
      await anchor.verifyUnchanged();
      return { from: source.resolved, to: { ...target, exists: true } };
    } catch (error) {
      if (tempName) await unlink(anchor.child(tempName)).catch(() => undefined);
      throw fsErrorToToolError(error, to, 'create');
    } finally {
      await anchor.close();
    }
  } finally {
    await source.handle.close();
  }
}

/**
 * Removes a file, a symlink (the link itself, never its target) or, with recursive: true, a directory and
 * everything in it. Never removes an allowed directory or anything holding one. Returns the path with
 * `exists: false`.
 */
export async function removePath(sandbox: PathSandbox, input: string, options: { recursive?: boolean } = {}): Promise<ResolvedPath> {
  const recursive = options.recursive ?? false;
  const target = await sandbox.resolve(input, 'write', { followFinalSymlink: false });
  if (sandbox.holdsARoot(target.path)) {
    throw invalidPath(`"${input}" is an allowed directory (or holds one); the server never removes those.`, 'Remove the files or folders inside it instead.');
  }
  const name = path.basename(target.path);
  const anchor = await openDirAnchor(sandbox, target.root, path.dirname(target.path), { input });
  try {
    const stats = await lstat(anchor.child(name));
    if (stats.isDirectory()) {
      if (!recursive) throw isDirectory(input, 'Pass recursive: true to delete a directory and everything in it.');
      if (ioStrategy() === 'proc') {
        await removeTreeBeneath(anchor.child.bind(anchor), name, 0, input);
      } else {
        // RESIDUAL WINDOW (portable): rm walks by path; a subdirectory swapped for a symlink mid-walk is
        // unlinked as a link by rm, but a swap of an ancestor between the check and rm is not detected.
        await rm(anchor.child(name), { recursive: true });
      }
    } else {
      await unlink(anchor.child(name));
    }
    await anchor.sync();
    await anchor.verifyUnchanged();
    return { ...target, exists: false };
  } catch (error) {
    throw fsErrorToToolError(error, input, 'write');
  } finally {
    await anchor.close();
  }
}

// ---------------------------------------------------------------------------------------------- helpers

function isARoot(sandbox: PathSandbox, realPath: string): boolean {
  return sandbox.roots.some((root) => root.path === realPath);
}

function temporaryName(): string {
  // Short and fixed-length so a 255-character target name still leaves room; dot-prefixed to stay hidden.
  return `.portico-${randomBytes(8).toString('hex')}.tmp`;
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** What is at the target now; refuses links, directories, special files and (without overwrite) files. */
async function checkWriteTarget(anchor: DirAnchor, name: string, input: string, overwrite: boolean): Promise<Stats | undefined> {
  const existing = await lstatOrUndefined(anchor.child(name));
  if (!existing) return undefined;
  if (existing.isSymbolicLink()) {
    throw invalidPath(`"${input}" is a symbolic link; writes never follow a link at the target.`, 'Write to the real path of the file the link points to, or delete the link first.');
  }
  if (existing.isDirectory()) throw isDirectory(input, 'Pass a file path, not a directory.');
  if (!existing.isFile()) throw notAFile(input);
  if (!overwrite) throw alreadyExists(input, 'Pass overwrite: true to replace it, or choose another name.');
  // The new content arrives by rename, which needs write permission on the directory only: without this
  // check a file marked read-only (chmod a-w) would be replaced, where writing it in place fails. Root may
  // write anything, so the mode bits speak for the owner's intent there too.
  if ((existing.mode & 0o222) === 0) throw readOnlyFile(input);
  try {
    await access(anchor.child(name), fsConstants.W_OK);
  } catch (error) {
    if (errnoOf(error) === 'EACCES' || errnoOf(error) === 'EPERM' || errnoOf(error) === 'EROFS') throw readOnlyFile(input);
    throw fsErrorToToolError(error, input, 'write');
  }
  return existing;
}

function readOnlyFile(input: string): ToolError {
  return new ToolError(`"${input}" is read-only (it has no write permission), so it was not changed.`, {
    code: 'permission_denied',
    hint: 'Ask the user whether it should be changed; if so, they must make it writable first.',
  });
}

async function createExclusive(anchor: DirAnchor, tempName: string, input: string, mode: number): Promise<FileHandle> {
  try {
    return await open(anchor.child(tempName), fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | O_NOFOLLOW, mode);
  } catch (error) {
    throw fsErrorToToolError(error, input, 'create');
  }
}

/** Puts the finished temporary file in place: rename (overwrite) or link + unlink (never replaces). */
async function commitTemporary(anchor: DirAnchor, tempName: string, name: string, overwrite: boolean, input: string): Promise<void> {
  const temp = anchor.child(tempName);
  const target = anchor.child(name);
  if (overwrite) {
    // rename(2) replaces a symlink that appeared meanwhile instead of writing through it.
    await rename(temp, target);
    return;
  }
  await linkThenUnlink(temp, target, input);
}

/** Gives `from` the new name `to` only if `to` does not exist (link fails with EEXIST), then drops `from`. */
async function linkThenUnlink(from: string, to: string, input: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') throw alreadyExists(input, 'Pass overwrite: true to replace it, or choose another name.');
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') {
      // No hard links here (e.g. FAT, some network file systems, protected_hardlinks). RESIDUAL WINDOW: a
      // file created at `to` between this check and the rename would be replaced.
      if (await lstatOrUndefined(to)) throw alreadyExists(input, 'Pass overwrite: true to replace it, or choose another name.');
      await rename(from, to);
      return;
    }
    throw error;
  }
  try {
    await unlink(from);
  } catch (error) {
    // Could not drop the old name: undo the link so the operation is all or nothing.
    await unlink(to).catch(() => undefined);
    throw error;
  }
}

async function copyHandle(source: FileHandle, target: FileHandle): Promise<void> {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    let written = 0;
    while (written < bytesRead) {
      const { bytesWritten } = await target.write(buffer, written, bytesRead - written);
      written += bytesWritten;
    }
    position += bytesRead;
  }
}

/**
 * Removes directory `name` (found through `childOf`, a held parent) and all it holds, descriptor by
 * descriptor: each subdirectory is opened with O_NOFOLLOW relative to its held parent, listed and emptied
 * through /proc/self/fd/<fd>, so a subdirectory swapped for a symlink mid-walk is unlinked as a link and
 * its target is never entered.
 */
async function removeTreeBeneath(childOf: (name: string) => string, name: string, depth: number, input: string): Promise<void> {
  if (depth > MAX_REMOVE_DEPTH) {
    throw new ToolError(`"${input}" is nested more than ${MAX_REMOVE_DEPTH} directories deep; refusing to delete it in one call.`, {
      code: 'too_deep',
      hint: 'Delete its deepest subdirectories first.',
    });
  }
  let dir: FileHandle;
  try {
    dir = await open(childOf(name), fsConstants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return;
    // No longer a directory (a symlink or file now): remove that entry itself, never what it points to.
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      await unlink(childOf(name)).catch((e: unknown) => {
        if (errnoOf(e) !== 'ENOENT') throw e;
      });
      return;
    }
    throw error;
  }
  try {
    const entries = await readdir(procPath(dir.fd));
    for (const entry of entries) {
      const entryPath = procPath(dir.fd, entry);
      const stats = await lstatOrUndefined(entryPath);
      if (!stats) continue;
      if (stats.isDirectory()) {
        await removeTreeBeneath((n) => procPath(dir.fd, n), entry, depth + 1, input);
        continue;
      }
      try {
        await unlink(entryPath);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'ENOENT') continue;
        if (code === 'EISDIR' || code === 'EPERM') await removeTreeBeneath((n) => procPath(dir.fd, n), entry, depth + 1, input);
        else throw error;
      }
    }
  } finally {
    await dir.close();
  }
  await rmdir(childOf(name));
}
