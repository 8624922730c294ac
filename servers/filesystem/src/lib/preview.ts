/**
 * What a destructive call would change, found without changing anything: the size of a tree about to be
 * deleted, and the words for the confirmation the user sees. The tools resolve paths through the same
 * sandbox calls as their handlers first; this module only measures what those calls resolved.
 *
 * Counting is bounded (TREE_COUNT_LIMIT entries, then "10,000+"): a confirmation must come quickly, and
 * "more than ten thousand files" is all a user needs to know to decide.
 */
import type { Dir } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '@portico/protocol';

/** Most entries counted under a directory before the preview says "N+". */
export const TREE_COUNT_LIMIT = 10_000;

export interface TreeMeasure {
  /** Files, directories and links below the directory (not the directory itself), up to the limit. */
  entries: number;
  /** Sum of the sizes of the regular files counted. */
  bytes: number;
  /** False when the count stopped at the limit or a part could not be read: the figures are lower bounds. */
  exact: boolean;
}

/**
 * Counts what lies under `dir` without following symbolic links (a delete removes links, never their
 * targets), stopping after `limit` entries. RESIDUAL WINDOW: a subdirectory swapped for a link between
 * its lstat and its opendir would be counted through the link; only a count reaches the user, never a name
 * or content, and the delete itself is done by the sandbox's gap-free removePath.
 */
export async function measureTree(dir: string, options: { limit?: number; signal?: AbortSignal } = {}): Promise<TreeMeasure> {
  const limit = options.limit ?? TREE_COUNT_LIMIT;
  const pending = [dir];
  let entries = 0;
  let bytes = 0;
  let exact = true;
  while (pending.length > 0) {
    const current = pending.pop()!;
    let handle: Dir;
    try {
      handle = await opendir(current);
    } catch {
      // Gone or unreadable since it was listed: the delete would meet the same; say the count is partial.
      exact = false;
      continue;
    }
    try {
      for await (const entry of handle) {
        if (options.signal?.aborted) return { entries, bytes, exact: false };
        if (entries >= limit) return { entries, bytes, exact: false };
        entries += 1;
        const path = join(current, entry.name);
        if (entry.isDirectory()) pending.push(path);
        else if (entry.isFile()) {
          try {
            bytes += (await lstat(path)).size;
          } catch {
            exact = false; // removed meanwhile: the byte count is a lower bound
          }
        }
      }
    } finally {
      // for-await closes the directory when it ends or breaks; closing twice throws, hence the catch.
      await handle.close().catch(() => undefined);
    }
  }
  return { entries, bytes, exact };
}

/** "1,234 bytes" / "1 byte". */
export function bytesText(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}

/** "10,000+ entries" when the count stopped early, "3 entries" otherwise. */
export function entriesText(measure: TreeMeasure): string {
  const n = measure.entries.toLocaleString('en-US');
  return measure.exact ? `${n} entr${measure.entries === 1 ? 'y' : 'ies'}` : `${n}+ entries`;
}

/*
 * Refusals the sandbox's file operations (removePath, movePath, copyPath, writeFileAtomic) make after
 * resolving a path. A preview makes the same checks so that a call the handler would refuse is refused
 * before the user is asked; codes and wording mirror @portico/protocol's sandbox messages.
 */

export function holdsARootError(input: string, verb: 'removed' | 'moved' | 'replaced'): ToolError {
  if (verb === 'removed') {
    return new ToolError(`"${input}" is an allowed directory (or holds one); the server never removes those.`, { code: 'invalid_path', hint: 'Remove the files or folders inside it instead.' });
  }
  if (verb === 'moved') {
    return new ToolError(`"${input}" is an allowed directory (or holds one), so it cannot be moved.`, { code: 'invalid_path', hint: 'Move the files inside it instead.' });
  }
  return new ToolError(`"${input}" is an allowed directory (or holds one), so it cannot be replaced.`, { code: 'invalid_path', hint: 'Choose a destination inside an allowed directory.' });
}

export function isDirectoryError(input: string, hint: string): ToolError {
  return new ToolError(`"${input}" is a directory.`, { code: 'is_directory', hint });
}

export function symlinkTargetError(input: string): ToolError {
  return new ToolError(`"${input}" is a symbolic link; writes never follow a link at the target.`, {
    code: 'invalid_path',
    hint: 'Write to the real path of the file the link points to, or delete the link first.',
  });
}

export function notAFileError(input: string): ToolError {
  return new ToolError(`"${input}" is not a regular file (it is a device, socket or pipe).`, { code: 'not_a_file', hint: 'Only regular files can be read or written here.' });
}

export function samePathError(message: string): ToolError {
  return new ToolError(message, { code: 'invalid_path', hint: 'Choose a different destination.' });
}
