/** What every git tool shares: the repo_path field, opening the repository, and turning lib errors into ToolErrors. */
import { continuationHint, sliceText, type ToolContext, ToolError, z } from '@portico/protocol';
import { openRepository, type OpenedRepo } from '../lib/access.js';
import { RepoError } from '../lib/errors.js';
import { firstLines, GitCommandError, GitTimeoutError } from '../lib/git-runner.js';
import type { GitDeps } from '../deps.js';

export const repoPathField = z
  .string()
  .min(1)
  .describe('Path of the repository: its top-level folder (or any folder inside it), absolute or relative to the first allowed directory. Must be one of the repositories the server was started with, or inside one.');

export const contextLinesField = z.number().int().min(0).max(1000).default(3).describe('Lines of context around each change (default 3).');

export const offsetField = z.number().int().min(0).default(0).describe('Character offset to continue a cut result from (the previous answer says which).');

export const maxCharsField = z.number().int().min(1000).max(400_000).default(50_000).describe('Largest number of characters of text to return (default 50000).');

/** Opens repo_path for this request and runs `fn`, with lib errors turned into actionable ToolErrors. */
export async function inRepo<T>(ctx: ToolContext<GitDeps>, repoPathInput: string, fn: (opened: OpenedRepo) => Promise<T>): Promise<T> {
  try {
    const opened = await openRepository(ctx.deps.access, { clientRoots: () => ctx.clientRoots(), signal: ctx.signal }, repoPathInput);
    return await fn(opened);
  } catch (error) {
    throw toToolError(error);
  }
}

export function toToolError(error: unknown): unknown {
  if (error instanceof ToolError) return error;
  if (error instanceof RepoError) return new ToolError(error.message, { code: error.code, ...(error.hint ? { hint: error.hint } : {}) });
  if (error instanceof GitTimeoutError) {
    return new ToolError(`${error.message}; it was stopped and nothing more was done.`, { code: 'timeout', hint: 'narrow the request (a path filter, a smaller max_count or line range).' });
  }
  if (error instanceof GitCommandError) {
    const said = firstLines(error.stderr || error.stdout, 4).replace(/^(fatal|error): /, '');
    if (/dubious ownership/i.test(said)) {
      return new ToolError('git refuses to work in this repository: it is owned by another user (safe.directory protection).', {
        code: 'unsafe_repository',
        hint: 'if the operator trusts it, they can run `git config --global --add safe.directory <path>`.',
      });
    }
    return new ToolError(`git ${error.subcommand} failed: ${said || `exit code ${error.exitCode}`}`, { code: 'git_failed' });
  }
  return error;
}

/** A long text cut to the budget, with the sentence that says how to get the rest. */
export function budgeted(text: string, offset: number, maxChars: number, complete: boolean, what: string): { text: string; next_offset: number | null; truncated: boolean } {
  if (text.length === 0 && offset === 0) return { text: '', next_offset: null, truncated: false };
  const slice = sliceText(text, offset, maxChars);
  // When git's output itself was cut (complete=false), there may be more even if the slice reached our end.
  const more = slice.truncated || (!complete && slice.start + slice.text.length >= text.length);
  const next = more ? slice.start + slice.text.length : null;
  const tail = next !== null ? `\n${continuationHint(what, `offset=${next}`)}` : '';
  return { text: slice.text + tail, next_offset: next, truncated: more };
}

/** Bytes of git output to read to be sure of `offset + maxChars` characters (UTF-8 is at most 4 bytes a character). */
export function bytesFor(offset: number, maxChars: number): number {
  return Math.min(256 * 1024 * 1024, (offset + maxChars + 1) * 4);
}
