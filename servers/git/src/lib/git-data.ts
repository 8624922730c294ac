/**
 * Where a repository's git data leads: the object stores git will read besides its own (alternates), and
 * symbolic links inside the git directories. A repository copied in from elsewhere (an archive, a shared
 * drive) can carry either, and git follows both without asking, so each must stay inside the allowed
 * directories before any git command runs (access.ts refuses the repository otherwise).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { BoundedCache } from './bounded-cache.js';

/** git stops following alternates of alternates past this depth (object-file.c, link_alt_odb_entry). */
const MAX_ALTERNATE_DEPTH = 5;
/**
 * Entries the link scan looks at before it gives up and refuses: a git directory this large has hundreds of
 * thousands of loose objects (git gc packs them), or a link that leads the scan through a big allowed folder.
 */
export const MAX_SCANNED_ENTRIES = 500_000;

/** Thrown when git data cannot be checked (an alternates entry that is not UTF-8, a scan too large): the caller refuses. */
export class UncheckableGitData extends Error {}

export type GitDataEscape = 'a symbolic link inside its git directory' | 'an object alternate';

/**
 * What in a repository's git data leads outside (`isAllowed` gets real paths), or undefined when nothing
 * does. The git directories are scanned for links first, and each further object store before its own
 * alternates file is read, so nothing outside is read on the way.
 *
 * Alternates are read as git reads them: every object store reachable through objects/info/alternates,
 * nested ones included; one entry per line, not trimmed; `#` starts a comment line; a line starting with `"`
 * is a C-style quoted path (octal escapes are bytes); a relative entry is relative to the object store whose
 * alternates file names it; an entry that does not resolve is skipped, as git skips it.
 */
export function findGitDataEscape(gitDir: string, commonDir: string, isAllowed: (realPath: string) => boolean): GitDataEscape | undefined {
  const scanner = new LinkScanner(isAllowed);
  if (scanner.escapes([gitDir, commonDir])) return 'a symbolic link inside its git directory';
  let stores: Array<{ dir: string; depth: number }>;
  try {
    stores = [{ dir: realpathSync.native(join(commonDir, 'objects')), depth: 0 }];
  } catch {
    return undefined;
  }
  const seen = new Set(stores.map((s) => s.dir));
  while (stores.length > 0) {
    const { dir, depth } = stores.shift()!;
    if (depth >= MAX_ALTERNATE_DEPTH) continue;
    let raw: Buffer;
    try {
      raw = readFileSync(join(dir, 'info', 'alternates'));
    } catch {
      continue;
    }
    for (const entry of parseAlternates(raw)) {
      let real: string;
      try {
        real = realpathSync.native(isAbsolute(entry) ? entry : resolve(dir, entry));
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (!isAllowed(real)) return 'an object alternate';
      if (scanner.escapes([real])) return 'a symbolic link inside its git directory';
      stores.push({ dir: real, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The entries of an alternates file, unquoted. */
export function parseAlternates(raw: Buffer): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0x0a, start);
    if (end === -1) end = raw.length;
    const line = raw.subarray(start, end);
    start = end + 1;
    if (line.length === 0 || line[0] === 0x23 /* # */) continue;
    const bytes = (line[0] === 0x22 /* " */ ? unquoteC(line) : undefined) ?? line;
    if (bytes.length === 0) continue;
    out.push(utf8(bytes));
  }
  return out;
}

/** git's unquote_c_style: the bytes between the quotes with escapes undone, or undefined when malformed. */
function unquoteC(line: Buffer): Buffer | undefined {
  const out: number[] = [];
  const simple: Record<number, number> = { 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11, 0x5c: 0x5c, 0x22: 0x22 };
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === 0x22) return Buffer.from(out);
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const next = line[++i];
    if (next === undefined) return undefined;
    if (simple[next] !== undefined) {
      out.push(simple[next]!);
      continue;
    }
    // \ooo: three octal digits, the first 0-3.
    const digits = line.subarray(i, i + 3).toString('latin1');
    if (!/^[0-3][0-7]{2}$/.test(digits)) return undefined;
    out.push(parseInt(digits, 8));
    i += 2;
  }
  return undefined;
}

/** Paths are UTF-8 here; an entry that is not cannot be resolved the way git would, so it is refused. */
function utf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new UncheckableGitData('an object alternate whose path is not valid UTF-8');
  return text;
}

/**
 * Looks for symbolic links under folders whose target is not allowed or does not exist. Links to allowed
 * folders are followed and checked in turn; each folder is scanned once. git itself never makes links here
 * (except in hooks/, which is skipped: hooks do not run unless the operator allows them, and then they run
 * whatever they are); a link into another place makes git read objects, refs or config from there, or
 * append to a file there (reflogs).
 */
class LinkScanner {
  private readonly visited = new Set<string>();
  private scanned = 0;
  constructor(private readonly isAllowed: (realPath: string) => boolean) {}

  escapes(dirs: readonly string[]): boolean {
    const stack: Array<{ dir: string; top: boolean }> = [];
    for (const dir of dirs) {
      try {
        stack.push({ dir: realpathSync.native(dir), top: true });
      } catch {
        // The caller has already resolved these; one that vanished has nothing to check.
      }
    }
    while (stack.length > 0) {
      const { dir, top } = stack.pop()!;
      if (this.visited.has(dir)) continue;
      this.visited.add(dir);
      const key = `${top ? 't' : 'n'}${dir}`;
      let stamp: string;
      try {
        const info = statSync(dir, { bigint: true });
        stamp = `${info.mtimeNs}/${info.ctimeNs}/${info.ino}`;
      } catch {
        continue;
      }
      const known = linkFreeFolders.get(key);
      if (known?.stamp === stamp) {
        for (const sub of known.subdirs) stack.push({ dir: sub, top: false });
        continue;
      }
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      this.scanned += entries.length;
      if (this.scanned > MAX_SCANNED_ENTRIES) throw new UncheckableGitData(`more than ${MAX_SCANNED_ENTRIES} entries to check`);
      const subdirs: string[] = [];
      let hasLinks = false;
      for (const entry of entries) {
        if (top && entry.name === 'hooks') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          subdirs.push(path);
        } else if (entry.isSymbolicLink()) {
          hasLinks = true;
          let real: string;
          try {
            real = realpathSync.native(path);
          } catch {
            return true; // dangling: a write through it would create the file wherever it points
          }
          if (!this.isAllowed(real)) return true;
          if (isDirectory(real)) stack.push({ dir: real, top: false });
        }
      }
      for (const sub of subdirs) stack.push({ dir: sub, top: false });
      // Only folders without links are remembered: a link's target can change without its folder changing.
      if (!hasLinks) linkFreeFolders.set(key, { stamp, subdirs });
    }
    return false;
  }
}

/**
 * Folders already scanned and found without links, by the stat stamp they had before they were read: one
 * whose modification and change times are still the same has gained no entry since (adding, removing or
 * renaming an entry updates both), so only its subfolders need a look. A repository with 50,000 loose
 * objects costs one stat per folder per call instead of reading 50,000 names (45 ms). The stamp is taken
 * before the folder is read, so a change made during the read is seen next time. This guards against git
 * data that arrived hostile (an archive, a shared drive), not against a process racing git itself, which no
 * check made before git runs could stop.
 */
const linkFreeFolders = new BoundedCache<string, { stamp: string; subdirs: string[] }>(100_000);

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
