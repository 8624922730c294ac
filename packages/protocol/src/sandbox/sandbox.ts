/**
 * PathSandbox: the set of directories a server may touch, and the one way to turn user input into a real
 * path inside them. Resolution is two steps: a lexical one (paths.ts: what the input says, checked against
 * the roots with no file system access) and a physical one (walk.ts: symlinks followed by hand, each hop
 * checked before it is taken), then a final realpath containment check as a belt over those braces.
 *
 * Resolving is not enough for operations that act later (a symlink can be swapped in between): io.ts does
 * the gap-free versions and should be used for reads and writes.
 */
import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { invalidPath, notFound, outsideSandbox, readOnlyRoot } from './messages.js';
import { deepestContaining, expandHome, fileUriToPath, isPathInside, lexicalAbsolute, trimTrailingSeparators } from './paths.js';
import type { AccessIntent, AllowedRoot, ResolvedPath, ResolveOptions } from './types.js';
import { errnoOf, fsErrorToToolError, walkInside, type WalkStart } from './walk.js';

/** A root plus the lexical spellings that lead to it (its real path, and e.g. `/tmp/x` when /tmp is a link). */
interface RootEntry {
  root: AllowedRoot;
  spellings: string[];
}

export class PathSandbox {
  readonly roots: readonly AllowedRoot[];
  private readonly entries: readonly RootEntry[];
  private readonly spellings: readonly { spelling: string; index: number }[];

  private constructor(entries: RootEntry[]) {
    this.entries = entries;
    this.roots = Object.freeze(entries.map((e) => Object.freeze({ ...e.root })));
    this.spellings = entries.flatMap((e, index) => e.spellings.map((spelling) => ({ spelling, index })));
  }

  /**
   * The operator's directories. Each must exist and be a directory; `~` is expanded and relative paths are
   * taken from the working directory. Duplicates and nested roots are fine (the deepest root holding a path
   * decides whether it is read-only; for the same directory listed twice, read-only wins).
   */
  static async create(dirs: Array<string | { path: string; readOnly?: boolean }>): Promise<PathSandbox> {
    const entries: RootEntry[] = [];
    for (const dir of dirs) {
      const given = typeof dir === 'string' ? dir : dir.path;
      const readOnly = typeof dir === 'string' ? false : dir.readOnly === true;
      if (typeof given !== 'string' || given.trim() === '' || given.includes('\0')) {
        throw new ConfigError(`Allowed directory ${JSON.stringify(given)} is not a usable path. Pass the absolute path of an existing directory.`);
      }
      const absolute = trimTrailingSeparators(path.resolve(expandHome(given, homedir())));
      let real: string;
      try {
        real = await realpath(absolute);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          throw new ConfigError(`Allowed directory "${given}" does not exist. Create it first or pass an existing directory.`);
        }
        throw new ConfigError(`Allowed directory "${given}" cannot be resolved (${code ?? String(error)}). Check that it exists and that this user may read it.`);
      }
      let isDir: boolean;
      try {
        isDir = (await stat(real)).isDirectory();
      } catch (error) {
        throw new ConfigError(`Allowed directory "${given}" cannot be read (${errnoOf(error) ?? String(error)}). Check its permissions.`);
      }
      if (!isDir) {
        throw new ConfigError(`Allowed directory "${given}" is not a directory. Pass the directory that contains it instead.`);
      }
      addEntry(entries, { path: real, readOnly }, absolute === real ? [real] : [real, absolute]);
    }
    return new PathSandbox(entries);
  }

  /** A sandbox over roots that are already absolute real paths (no file system checks). */
  static fromRoots(roots: AllowedRoot[]): PathSandbox {
    const entries: RootEntry[] = [];
    for (const root of roots) {
      if (!path.isAbsolute(root.path) || root.path.includes('\0')) {
        throw new ConfigError(`Allowed directory "${root.path}" must be an absolute path.`);
      }
      const clean = trimTrailingSeparators(root.path);
      addEntry(entries, { path: clean, readOnly: root.readOnly === true }, [clean]);
    }
    return new PathSandbox(entries);
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * This sandbox intersected with the MCP client's roots (never wider). undefined means the client has no
   * roots capability: nothing changes. A client root inside an operator root narrows to it (keeping the
   * operator's read-only flag); an operator root inside a client root stays; disjoint ones are dropped;
   * non-file URIs and roots that do not exist are ignored. If the client gives roots and none intersects
   * (including an empty list), the result is empty and nothing is reachable.
   */
  async narrow(clientRoots: readonly { uri: string }[] | undefined): Promise<PathSandbox> {
    if (clientRoots === undefined) return this;
    const clients: { real: string; given: string }[] = [];
    for (const clientRoot of clientRoots) {
      const given = typeof clientRoot?.uri === 'string' ? fileUriToPath(clientRoot.uri) : undefined;
      if (!given) continue;
      try {
        const real = await realpath(given);
        if ((await stat(real)).isDirectory()) clients.push({ real, given });
      } catch {
        // A root that does not exist (or cannot be read) grants nothing.
      }
    }
    const narrowed: RootEntry[] = [];
    for (const entry of this.entries) {
      for (const client of clients) {
        if (isPathInside(entry.root.path, client.real)) {
          const spellings = client.given === client.real ? [client.real] : [client.real, client.given];
          addEntry(narrowed, { path: client.real, readOnly: entry.root.readOnly }, spellings);
        } else if (isPathInside(client.real, entry.root.path)) {
          addEntry(narrowed, entry.root, entry.spellings);
        }
      }
    }
    return new PathSandbox(narrowed);
  }

  /** The deepest root holding this already-real absolute path (read-only wins a tie), if any. */
  rootOf(realPath: string): AllowedRoot | undefined {
    let best: AllowedRoot | undefined;
    for (const root of this.roots) {
      if (!isPathInside(root.path, realPath)) continue;
      if (!best || root.path.length > best.path.length || (root.path.length === best.path.length && root.readOnly)) best = root;
    }
    return best;
  }

  /** True when `realPath` is one of the roots or holds one (such paths are never moved or removed). */
  holdsARoot(realPath: string): boolean {
    return this.roots.some((root) => isPathInside(realPath, root.path));
  }

  /**
   * Resolves user input (absolute; relative to the first root; `~` for the home directory) to a real path
   * inside the sandbox, or throws a ToolError (`invalid_path`, `outside_sandbox`, `not_found`, `read_only`).
   * `read`/`write` need the path to exist; `create` needs its nearest existing ancestor inside, and refuses a
   * dangling symlink in final position. `write`/`create` refuse read-only roots.
   */
  async resolve(input: string, intent: AccessIntent, options: ResolveOptions = {}): Promise<ResolvedPath> {
    const followFinalSymlink = options.followFinalSymlink ?? true;
    const first = this.entries[0];
    if (!first) {
      // Validate anyway so that bad input is reported as such even when nothing is reachable.
      lexicalAbsolute(input, path.parse(process.cwd()).root, { home: homedir() });
      throw outsideSandbox(input, this.roots);
    }
    const lexical = lexicalAbsolute(input, first.root.path, { home: homedir() });
    const start = this.locate(lexical);
    if (!start) throw outsideSandbox(input, this.roots);

    const walked = await walkInside(start, {
      input,
      intent,
      followFinalSymlink,
      roots: this.roots,
      locate: (p) => this.locate(p),
    });

    // Belt and braces: the realpath of what exists must still be inside (catches a root or parent swapped
    // while we walked). Only paths the walk proved inside are passed to realpath.
    const anchor = walked.exists && !walked.isSymlink ? walked.path : walked.exists ? path.dirname(walked.path) : walked.existingAncestor;
    let realAnchor: string;
    try {
      realAnchor = await realpath(anchor);
    } catch (error) {
      throw fsErrorToToolError(error, input, intent);
    }
    if (!this.rootOf(realAnchor)) throw outsideSandbox(input, this.roots, 'changed');
    const finalPath = anchor === walked.path ? realAnchor : path.join(realAnchor, path.relative(anchor, walked.path));
    const root = this.rootOf(finalPath);
    if (!root) throw outsideSandbox(input, this.roots, 'changed');

    if (!walked.exists && intent !== 'create') throw notFound(input);
    if (walked.dangling && intent === 'create') {
      throw invalidPath(`"${input}" is a symbolic link whose target does not exist; refusing to create through it.`, 'Remove the dangling link first, or write to a different name.');
    }
    if (intent !== 'read' && root.readOnly) throw readOnlyRoot(input, root.path);
    // The walk's lstat describes finalPath only when realpath confirmed the walked path unchanged.
    return { path: finalPath, root, exists: walked.exists, ...(walked.stats && finalPath === walked.path ? { lstat: walked.stats } : {}) };
  }

  private locate(lexical: string): WalkStart | undefined {
    const index = deepestContaining(
      this.spellings.map((s) => s.spelling),
      lexical,
    );
    if (index < 0) return undefined;
    const { spelling, index: entryIndex } = this.spellings[index] as { spelling: string; index: number };
    const rootPath = (this.entries[entryIndex] as RootEntry).root.path;
    const rest = path.relative(spelling, lexical);
    return { rootPath, components: rest === '' ? [] : rest.split(path.sep).filter((c) => c !== '') };
  }
}

function addEntry(entries: RootEntry[], root: AllowedRoot, spellings: string[]): void {
  const same = entries.find((e) => e.root.path === root.path && e.root.readOnly === root.readOnly);
  if (same) {
    for (const s of spellings) if (!same.spellings.includes(s)) same.spellings.push(s);
    return;
  }
  entries.push({ root: { path: root.path, readOnly: root.readOnly }, spellings: [...spellings] });
}

/** The MCP-facing view: anything with a `clientRoots()` like ToolContext. */
export interface ClientRootsSource {
  clientRoots(): Promise<readonly { uri: string }[] | undefined>;
}

const MAX_CACHED_NARROWINGS = 32;
const narrowingCache = new WeakMap<PathSandbox, Map<string, Promise<PathSandbox>>>();

/**
 * The sandbox for one request: `base` narrowed by the client's roots. The narrowed sandbox is cached per
 * distinct roots list (the protocol layer re-lists roots on `roots/list_changed`, which yields a new list
 * and so a new entry).
 */
export async function sandboxForRequest(base: PathSandbox, ctx: ClientRootsSource): Promise<PathSandbox> {
  const clientRoots = await ctx.clientRoots();
  if (clientRoots === undefined) return base;
  const key = JSON.stringify(clientRoots.map((r) => r.uri));
  let perBase = narrowingCache.get(base);
  if (!perBase) {
    perBase = new Map();
    narrowingCache.set(base, perBase);
  }
  let pending = perBase.get(key);
  if (!pending) {
    if (perBase.size >= MAX_CACHED_NARROWINGS) perBase.delete(perBase.keys().next().value as string);
    pending = base.narrow(clientRoots);
    perBase.set(key, pending);
    pending.catch(() => perBase?.delete(key));
  }
  return pending;
}
