/**
 * What every filesystem tool does the same way: narrow the operator's sandbox by the client's roots, turn
 * lib errors and operating-system errors into actionable ToolErrors, and check what a path is.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type PathSandbox, type ResolvedPath, sandboxForRequest, type ToolContext, ToolError, isPathInside } from '@portico/protocol';
import type { FilesystemDeps } from '../deps.js';
import { EditError } from '../lib/edit.js';
import { PatternError } from '../lib/glob.js';
import { RegexRefused } from '../lib/regex-guard.js';

export type Ctx = ToolContext<FilesystemDeps>;

export const READER = { readOnlyHint: true, openWorldHint: false } as const;

/** The sandbox for this request: the operator's directories, narrowed (never widened) by client roots. */
export function requestSandbox(ctx: Pick<Ctx, 'deps' | 'clientRoots'>): Promise<PathSandbox> {
  return sandboxForRequest(ctx.deps.sandbox, ctx);
}

/** Lib errors carry what went wrong; here they get the code and hint the model sees. */
export function toToolError(error: unknown, input: string): unknown {
  if (error instanceof ToolError) return error;
  if (error instanceof PatternError) {
    return new ToolError(`Invalid glob pattern: ${error.message}`, { code: 'invalid_pattern', hint: 'use a glob such as "**/*.ts" or "src/*.json" (relative to the path searched).' });
  }
  if (error instanceof RegexRefused) return new ToolError(`Regex refused: ${error.message}`, { code: 'invalid_regex', hint: error.hint });
  if (error instanceof EditError) return new ToolError(`Edit failed for "${input}": ${error.message}`, { code: `edit_${error.reason}`, hint: `${error.hint} No change was written.` });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ToolError(`"${input}" does not exist (it may have just been removed).`, { code: 'not_found', hint: 'list the parent directory to see what is there.' });
  if (code === 'EACCES' || code === 'EPERM') return new ToolError(`The operating system refused access to "${input}".`, { code: 'permission_denied', hint: 'choose a path this server may access.' });
  if (code === 'ENOTDIR') return new ToolError(`A part of "${input}" is not a directory.`, { code: 'not_a_directory', hint: 'check the path.' });
  if (code === 'ENOSPC') return new ToolError(`The disk is full; "${input}" was not written.`, { code: 'no_space', hint: 'free some space and try again.' });
  return error;
}

/** Runs fn and maps whatever it throws for the model. */
export async function guard<T>(input: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toToolError(error, input);
  }
}

export interface ResolvedDirectory {
  resolved: ResolvedPath;
  stats: Stats;
}

/** Resolves a path that must be an existing directory. */
export async function resolveDirectory(sandbox: PathSandbox, input: string): Promise<ResolvedDirectory> {
  const resolved = await sandbox.resolve(input, 'read');
  const stats = await stat(resolved.path).catch((error: unknown) => {
    throw toToolError(error, input);
  });
  if (!stats.isDirectory()) {
    throw new ToolError(`"${input}" is a file, not a directory.`, { code: 'not_a_directory', hint: 'pass the directory that contains it, or read it with read_text_file.' });
  }
  return { resolved, stats };
}

/** The allowed directory and every directory between it and `dir` (exclusive), outermost first. */
export function ancestorsWithin(rootPath: string, dir: string): string[] {
  const out: string[] = [];
  let current = dirname(dir);
  while (current !== dir && isPathInside(rootPath, current)) {
    out.unshift(current);
    if (current === rootPath) break;
    dir = current;
    current = dirname(current);
  }
  return out;
}

/** Sends progress as entries are seen (coalesced by the protocol layer). */
export function progressReporter(ctx: Ctx, what: string): (seen: number) => void {
  return (seen) => {
    void ctx.progress(seen, undefined, `${seen} ${what}`);
  };
}
