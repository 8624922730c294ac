/**
 * File arguments, checked lexically against the repository's top level. (access.ts adds the sandbox check
 * that follows symlinks; both must pass.) The result is what git receives: a path relative to the top level
 * with forward slashes, placed after `--` and read as a literal pathspec.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { RepoError } from './errors.js';

export interface RepoPath {
  /** Relative to the top level, forward slashes; "." for the top level itself. */
  rel: string;
  /** Absolute, lexically normalised (symlinks not followed). */
  abs: string;
}

export function repoPath(top: string, input: string, field = 'path'): RepoPath {
  if (input.length === 0) throw new RepoError('invalid_path', `${field} is empty.`, 'pass a path relative to the repository top level, e.g. "src/index.ts".');
  if (input.includes('\u0000')) throw new RepoError('invalid_path', `${field} contains a NUL character.`);
  if (input.length > 4096) throw new RepoError('invalid_path', `${field} is longer than 4096 characters.`);
  const abs = isAbsolute(input) ? resolve(input) : resolve(top, input);
  const rel = relative(top, abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new RepoError(
      'outside_repository',
      `${field} "${input}" is outside the repository ${top}.`,
      'pass a path inside the repository, relative to its top level (e.g. "src/app.ts") or absolute under it.',
    );
  }
  const posix = rel === '' ? '.' : rel.split(sep).join('/');
  if (posix.split('/').some((part) => part.toLowerCase() === '.git')) {
    throw new RepoError('invalid_path', `${field} "${input}" points into the .git directory, which these tools do not touch.`, 'pass a path in the working tree.');
  }
  return { rel: posix, abs };
}
