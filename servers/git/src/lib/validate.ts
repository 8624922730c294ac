/**
 * Checks on values that come from the model before they reach git's argv. Every check refuses rather than
 * repairs: a model that sent `--output=/tmp/x` as a branch name gets told so, it does not get a branch.
 */
import { RepoError } from './errors.js';

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A new branch or tag name: the rules of `git check-ref-format --branch`, plus no leading '-'. */
export function checkNewRefName(name: string, what: 'branch' | 'tag'): string {
  const problem = refNameProblem(name);
  if (problem) {
    throw new RepoError('invalid_ref', `"${name}" is not a valid ${what} name: ${problem}.`, `choose a ${what} name like "feature/login-form" (letters, digits, / - _ .).`);
  }
  return name;
}

export function refNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (name.startsWith('-')) return 'it starts with "-", which git would read as an option';
  if (CONTROL.test(name)) return 'it contains control characters';
  if (/[ ~^:?*[\\]/.test(name)) return 'it contains one of: space ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@') return 'it is "@"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a component starts with "."';
    if (part.endsWith('.lock')) return 'a component ends with ".lock"';
  }
  if (name === 'HEAD') return 'HEAD is reserved';
  return undefined;
}

/**
 * A revision expression from the model (`main`, `HEAD~2`, `v1.0`, a hash, `origin/main`, `HEAD@{1}`).
 * Only shape checks here; repository.resolveCommit() then asks git to verify it and uses the hash.
 */
export function checkRevision(rev: string, field: string): string {
  if (rev.length === 0) throw new RepoError('invalid_revision', `${field} is empty.`, 'pass a branch, tag or commit hash, e.g. "main" or "HEAD~1".');
  if (rev.length > 512) throw new RepoError('invalid_revision', `${field} is longer than 512 characters.`, 'pass a branch, tag or commit hash.');
  if (rev.startsWith('-')) {
    throw new RepoError('invalid_revision', `${field} "${rev}" starts with "-", so git would read it as an option; it was refused.`, 'pass a branch, tag or commit hash, e.g. "main" or "HEAD~1".');
  }
  if (CONTROL.test(rev)) throw new RepoError('invalid_revision', `${field} contains control characters.`, 'pass a branch, tag or commit hash.');
  return rev;
}

/** A date for --since/--until (ISO 8601, "2 weeks ago", "2024-01-15"). Passed as `--since=<value>`. */
export function checkDate(value: string, field: string): string {
  if (value.length === 0 || value.length > 100 || CONTROL.test(value)) {
    throw new RepoError('invalid_date', `${field} must be a date such as "2024-01-15", "2024-01-15T14:30:25" or "2 weeks ago".`);
  }
  return value;
}

/** Free text placed inside one argv element (messages, search patterns): no NUL, which argv cannot carry. */
export function checkText(value: string, field: string, max = 100_000): string {
  if (value.includes('\u0000')) throw new RepoError('invalid_argument', `${field} contains a NUL character.`);
  if (value.length > max) throw new RepoError('invalid_argument', `${field} is longer than ${max} characters.`);
  return value;
}
