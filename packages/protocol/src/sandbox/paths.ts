/**
 * Pure path helpers of the sandbox: no file system access, so every rule here can be tested on Linux with
 * both `path.posix` and `path.win32`. The sandbox uses them for its lexical step (what a path *says*) before
 * it asks the file system what the path *is* (symlinks, see resolve.ts).
 */
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidPath } from './messages.js';

export type PathImpl = typeof nodePath.posix | typeof nodePath.win32;

/** Longest input we accept. Linux PATH_MAX is 4096; anything longer is a mistake or an attack. */
export const MAX_PATH_LENGTH = 4096;
/** Longest single name; every common file system caps a component at 255 bytes. */
export const MAX_COMPONENT_LENGTH = 255;

const WIN32_RESERVED_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.[^.]*)?$/i;
// eslint-disable-next-line no-control-regex
const WIN32_FORBIDDEN_CHARS = /[<>"|?*\u0001-\u001f]/;

function isWin32(pathImpl: PathImpl): boolean {
  return pathImpl.sep === '\\';
}

/** Normalises an absolute path and removes a trailing separator (but keeps `/`, `C:\`, `\\server\share\`). */
export function trimTrailingSeparators(p: string, pathImpl: PathImpl = nodePath): string {
  const normalized = pathImpl.normalize(p);
  const root = pathImpl.parse(normalized).root;
  let end = normalized.length;
  while (end > root.length && (normalized[end - 1] === pathImpl.sep || normalized[end - 1] === '/')) end--;
  return normalized.slice(0, end);
}

/**
 * Is `candidate` the same as `root` or below it? Both must be absolute. Separator-aware (`/a/bc` is not inside
 * `/a/b`), `..` is resolved lexically first, and win32 compares case-insensitively (NTFS and FAT are, by
 * default). This is a lexical answer only; symlinks are the caller's business.
 */
export function isPathInside(root: string, candidate: string, pathImpl: PathImpl = nodePath): boolean {
  if (!pathImpl.isAbsolute(root) || !pathImpl.isAbsolute(candidate)) return false;
  if (root.includes('\0') || candidate.includes('\0')) return false;
  // win32 `\foo` counts as absolute but depends on the current drive: never treat it as comparable.
  if (isWin32(pathImpl) && (/^[\\/]$/.test(pathImpl.parse(root).root) || /^[\\/]$/.test(pathImpl.parse(candidate).root))) return false;
  let r = trimTrailingSeparators(pathImpl.resolve(root), pathImpl);
  let c = trimTrailingSeparators(pathImpl.resolve(candidate), pathImpl);
  if (isWin32(pathImpl)) {
    r = r.toLowerCase();
    c = c.toLowerCase();
  }
  if (c === r) return true;
  // A root that already ends with a separator (`/`, `C:\`) must not get a second one.
  const prefix = r.endsWith(pathImpl.sep) ? r : r + pathImpl.sep;
  return c.startsWith(prefix);
}

/**
 * Rejects inputs that no path operation should ever see, before anything else looks at them. Throws a
 * ToolError with code `invalid_path`. On win32 also: device namespaces (`\\?\`, `\\.\`, `\??\`),
 * drive-relative forms (`C:foo`, `\foo` without a drive), alternate data streams, reserved device names, and
 * names ending in a dot or a space (Windows strips those, so `.. ` would silently become `..`).
 * UNC paths (`\\server\share`) pass here; the containment check decides about them.
 */
export function validateRawPath(input: string, pathImpl: PathImpl = nodePath): void {
  if (typeof input !== 'string' || input.trim() === '') {
    throw invalidPath('The path is empty.', 'Pass a path inside one of the allowed directories (call list_allowed_directories to see them).');
  }
  if (input.includes('\0')) {
    throw invalidPath('The path contains a NUL byte, which no file name can hold.', 'Remove the NUL (\\0) character from the path.');
  }
  if (input.length > MAX_PATH_LENGTH) {
    throw invalidPath(`The path is ${input.length} characters long; the limit is ${MAX_PATH_LENGTH}.`, 'Use a shorter path.');
  }
  const win = isWin32(pathImpl);
  const components = input.split(win ? /[\\/]+/ : /\/+/);
  for (const component of components) {
    if (component.length > MAX_COMPONENT_LENGTH) {
      throw invalidPath(`A name in the path is ${component.length} characters long; the limit is ${MAX_COMPONENT_LENGTH}.`, 'Use shorter file and directory names.');
    }
  }
  if (!win) return;

  const backslashed = input.replace(/\//g, '\\');
  if (backslashed.startsWith('\\\\?\\') || backslashed.startsWith('\\\\.\\') || backslashed.startsWith('\\??\\')) {
    throw invalidPath('Windows device paths (\\\\?\\, \\\\.\\, \\??\\) are not accepted.', 'Use an ordinary path such as C:\\folder\\file.txt inside an allowed directory.');
  }
  if (/^[a-zA-Z]:(?![\\/])/.test(input)) {
    throw invalidPath(`"${input}" is relative to the current directory of drive ${input[0]}:, which this server does not use.`, `Write the full path, e.g. ${input.slice(0, 2)}\\folder\\file.txt.`);
  }
  if (/^[\\/](?![\\/])/.test(input)) {
    throw invalidPath(`"${input}" has no drive letter.`, 'Write the full path including the drive, e.g. C:\\folder\\file.txt.');
  }
  const afterDrive = /^[a-zA-Z]:/.test(input) ? input.slice(2) : input;
  if (afterDrive.includes(':')) {
    throw invalidPath('A ":" is not allowed in a Windows file name (alternate data streams are not supported).', 'Remove the ":" from the path.');
  }
  if (WIN32_FORBIDDEN_CHARS.test(afterDrive)) {
    throw invalidPath('The path contains a character Windows does not allow in names (< > " | ? * or a control character).', 'Remove that character from the path.');
  }
  for (const component of components) {
    if (component === '' || component === '.' || component === '..') continue;
    if (/^[a-zA-Z]:$/.test(component)) continue;
    if (/[. ]$/.test(component)) {
      throw invalidPath(`The name "${component}" ends with a dot or a space, which Windows silently strips.`, 'Remove the trailing dot or space.');
    }
    if (WIN32_RESERVED_NAME.test(component)) {
      throw invalidPath(`"${component}" is a reserved Windows device name.`, 'Choose another file name.');
    }
  }
}

/**
 * The local path of a `file://` URI, or undefined for anything else (other schemes, a remote host on POSIX,
 * encoded separators, NUL bytes, unparsable text). Callers ignore undefined, so a malformed root narrows
 * nothing open.
 */
export function fileUriToPath(uri: string, pathImpl: PathImpl = nodePath): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:') return undefined;
  let result: string;
  try {
    result = fileURLToPath(url, { windows: isWin32(pathImpl) });
  } catch {
    return undefined;
  }
  if (result.includes('\0') || !pathImpl.isAbsolute(result)) return undefined;
  return trimTrailingSeparators(result, pathImpl);
}

/** Expands a leading `~` (alone, or followed by a separator) to `home`. `~user` is left alone: it is a name. */
export function expandHome(input: string, home: string | undefined, pathImpl: PathImpl = nodePath): string {
  const win = isWin32(pathImpl);
  const isHomeForm = input === '~' || input.startsWith('~/') || (win && input.startsWith('~\\'));
  if (!isHomeForm) return input;
  if (!home) {
    throw invalidPath('The path starts with "~" but this server has no home directory.', 'Write the full path instead.');
  }
  return pathImpl.join(home, input.slice(1));
}

/**
 * The lexical absolute form of user input: validated, `~` expanded, relative paths taken against `base`,
 * `.`/`..` collapsed. No file system access. The result may be anywhere; containment is the caller's step.
 */
export function lexicalAbsolute(input: string, base: string, options: { home?: string; pathImpl?: PathImpl } = {}): string {
  const pathImpl = options.pathImpl ?? nodePath;
  validateRawPath(input, pathImpl);
  const expanded = expandHome(input, options.home, pathImpl);
  const absolute = pathImpl.isAbsolute(expanded) ? pathImpl.resolve(expanded) : pathImpl.resolve(base, expanded);
  return trimTrailingSeparators(absolute, pathImpl);
}

/**
 * Of `prefixes` (absolute), the longest one that lexically contains `candidate`, with the index it had.
 * Used to pick the deepest root for a path.
 */
export function deepestContaining(prefixes: readonly string[], candidate: string, pathImpl: PathImpl = nodePath): number {
  let best = -1;
  let bestLength = -1;
  prefixes.forEach((prefix, index) => {
    if (prefix.length > bestLength && isPathInside(prefix, candidate, pathImpl)) {
      best = index;
      bestLength = prefix.length;
    }
  });
  return best;
}
