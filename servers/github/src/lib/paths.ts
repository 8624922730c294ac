/**
 * URL building for repository paths. Every segment is percent-encoded on its own, so a file called
 * `a b#c.md` or a branch called `feat/x` reaches GitHub intact, and nothing in a name can change which
 * endpoint is called (no `..`, `?` or `#` smuggling).
 */

export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment);
}

/** `docs/a b.md` -> `docs/a%20b.md`; leading/trailing/double slashes are dropped. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map(encodeSegment)
    .join('/');
}

/** `/repos/{owner}/{repo}` with both parts encoded. */
export function repoBase(owner: string, repo: string): string {
  return `/repos/${encodeSegment(owner)}/${encodeSegment(repo)}`;
}

/** A path inside the repository is refused when it tries to climb out or carries control characters. */
export function repoPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL character';
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return 'contains a "." or ".." segment';
  return undefined;
}
