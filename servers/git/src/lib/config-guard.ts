/**
 * Files a repository's own config makes git read besides the repository. A .git/config that came with an
 * archive or a shared drive can
 *  - include another config file (`include.path`, `includeIf.<condition>.path`, nested includes too): git
 *    reads it and acts on it, so another repository's remotes, an identity or anything else set there shows
 *    through the tools;
 *  - name a file for a path-valued key git reads while it works: `core.excludesFile` (status, add, stash),
 *    `core.attributesFile` (diff, grep, blame, checkout...), `mailmap.file` (log, show, blame, the author
 *    filter), `diff.orderFile` (diff, show, status, commit). The file's lines then show through ignored
 *    files, binary diffs, rewritten author names or the order of a diff.
 *
 * Includes cannot be overridden on the command line, so a repository whose include chain leaves the allowed
 * directories is refused (access.ts), and that is checked before git reads the config at all: without
 * following any include, from the repository's own config files. Path-valued keys can be overridden: when
 * a value from the repository's config (local or worktree scope, or a file they include) leads outside, the
 * key is set on the command line to the operator's own value (global config) or git's default, as if the
 * repository had not set it. Values inside the allowed directories are kept.
 *
 * Other path-valued keys are not read by the commands this server runs: commit.template (commits always
 * come with a message), blame.ignoreRevsFile (content.ts passes only files inside the repository),
 * gpg.ssh.allowedSignersFile (signatures are never checked), init.templateDir, http.* (no network).
 */
import { readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { type GitPolicy } from './hardening.js';
import { runGit } from './git-runner.js';
import { BoundedCache } from './bounded-cache.js';

/** git stops following includes past this depth (config.c, MAX_INCLUDE_DEPTH). */
const MAX_INCLUDE_DEPTH = 10;
/** Config files the include check reads before it gives up and refuses. */
const MAX_CONFIG_FILES = 100;
/** Config files larger than this are passed to git without being read here first (nothing is cached). */
const MAX_READ_BYTES = 1024 * 1024;

/** Keys as git lists them: section and key lower case. */
const INCLUDE_KEY_PATTERN = '^include(if\\..+)?\\.path$';

/** Path-valued keys git reads during the commands this server runs, as `git config` lists them. */
export const PATH_KEYS = ['core.excludesfile', 'core.attributesfile', 'mailmap.file', 'diff.orderfile'] as const;
export type PathKey = (typeof PATH_KEYS)[number];

/** Thrown when the include chain cannot be checked (too many files, a path that is not UTF-8): the caller refuses. */
export class UncheckableConfig extends Error {}

export interface ConfigCheckOptions {
  policy: GitPolicy;
  signal?: AbortSignal | undefined;
  baseEnv?: NodeJS.ProcessEnv | undefined;
}

export interface GuessedRepository {
  /** The folder that holds `.git`; undefined when the git directory was found itself (a bare repository). */
  top: string | undefined;
  gitDir: string;
  commonDir: string;
}

/**
 * The git directory git will find from `dir`, looking as git does (setup.c) and not above `stop`: at each
 * level a `.git` folder, or a `.git` file (`gitdir: <path>`), or the folder itself being a git directory;
 * the common directory from its `commondir` file. Only files are read, no git process runs. It is a guess:
 * access.ts checks again, against what git itself answered, once git has run.
 */
export function guessGitDirs(dir: string, stop: string): GuessedRepository | undefined {
  for (let current = dir; ; ) {
    const found = gitDirAt(current);
    if (found) return { ...found, commonDir: commonDirOf(found.gitDir) };
    const parent = dirname(current);
    if (current === stop || parent === current) return undefined;
    current = parent;
  }
}

function gitDirAt(dir: string): { top: string | undefined; gitDir: string } | undefined {
  const dotGit = join(dir, '.git');
  const info = statSync(dotGit, { throwIfNoEntry: false });
  if (info?.isDirectory() && looksLikeGitDir(dotGit)) return { top: dir, gitDir: dotGit };
  if (info?.isFile() && info.size < 64 * 1024) {
    const m = /^gitdir: (.+?)[\r\n]*$/.exec(readFileOrUndefined(dotGit)?.toString('utf8') ?? '');
    if (m) return { top: dir, gitDir: isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!) };
  }
  return looksLikeGitDir(dir) ? { top: undefined, gitDir: dir } : undefined;
}

/** A HEAD file, and objects and refs folders (or a `commondir` file that points to them). */
function looksLikeGitDir(dir: string): boolean {
  const is = (name: string, kind: 'file' | 'dir') => {
    const info = statSync(join(dir, name), { throwIfNoEntry: false });
    return kind === 'file' ? info?.isFile() === true : info?.isDirectory() === true;
  };
  return is('HEAD', 'file') && ((is('objects', 'dir') && is('refs', 'dir')) || is('commondir', 'file'));
}

function commonDirOf(gitDir: string): string {
  const file = join(gitDir, 'commondir');
  // A plain repository has none: the git directory is the common directory.
  const raw = statSync(file, { throwIfNoEntry: false })?.isFile() ? readFileOrUndefined(file)?.toString('utf8').replace(/[\r\n]+$/, '') : undefined;
  if (raw) return isAbsolute(raw) ? raw : resolve(gitDir, raw);
  return gitDir;
}

/**
 * Whether the repository's config includes a file outside the allowed directories (`isAllowed` gets real
 * paths). Reads the repository's own config files (commonDir/config and gitDir/config.worktree) and every
 * file they include, nested includes too, each without following its includes; a file outside is never
 * read. Every include counts, whatever its condition: a condition that is false now (a branch, a remote
 * URL) can become true without the config changing. An include that names a file that does not exist
 * counts too: git reads it once it exists. A config file that is itself outside (a symbolic link inside
 * .git) is skipped here: git-data.ts refuses those.
 *
 * A file whose text does not contain "include" (in any case) has no include directive: section names are
 * written out in full, without escapes. Only other files cost a `git config` process, and its answer is kept
 * for as long as the file's content stays the same.
 */
export async function findIncludeEscape(gitDir: string, commonDir: string, isAllowed: (realPath: string) => boolean, options: ConfigCheckOptions): Promise<boolean> {
  const env = options.baseEnv ?? process.env;
  const queue: Array<{ path: string; depth: number }> = [
    { path: join(commonDir, 'config'), depth: 0 },
    { path: join(gitDir, 'config.worktree'), depth: 0 },
  ];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { path, depth } = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (seen.size > MAX_CONFIG_FILES) throw new UncheckableConfig(`more than ${MAX_CONFIG_FILES} included config files`);
    // A missing file has nothing to include (git skips it). A file outside is never read; only the
    // repository's own files can get here outside (see above).
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info || !isAllowed(realOrNearest(path))) continue;
    for (const value of await includeValues(path, info, options)) {
      const target = includeTarget(path, value, env);
      if (target === undefined || !isAllowed(realOrNearest(target))) return true;
      // git reads files up to MAX_INCLUDE_DEPTH deep and stops with an error past that.
      if (depth < MAX_INCLUDE_DEPTH) queue.push({ path: target, depth: depth + 1 });
    }
  }
  return false;
}

/** The include directives' values of one config file, not following them. */
async function includeValues(path: string, info: Stats, options: ConfigCheckOptions): Promise<string[]> {
  // A folder, a FIFO or a device is not read here (a FIFO would block); git fails on those or is stopped by its time limit.
  if (!info.isFile()) return [];
  const raw = info.size <= MAX_READ_BYTES ? readFileOrUndefined(path) : undefined;
  if (raw && !/include/i.test(raw.toString('latin1'))) return [];
  const known = raw ? includeCache.get(path) : undefined;
  if (known && raw && known.raw.equals(raw)) return known.values;
  const r = await runGit({
    // git needs no repository for --file; the ceiling keeps it from looking for one above the file's folder.
    cwd: dirname(path),
    ceiling: dirname(path),
    args: ['config', '--file', path, '--no-includes', '--null', '--get-regexp', INCLUDE_KEY_PATTERN],
    mode: 'read',
    policy: options.policy,
    signal: options.signal,
    okExitCodes: [0, 1],
    ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}),
  });
  const values: string[] = [];
  for (const entry of splitNull(r.stdout)) {
    const newline = entry.indexOf(0x0a);
    // An include without a value is an error to git, which then reads nothing.
    if (newline !== -1) values.push(utf8(entry.subarray(newline + 1)));
  }
  // Kept only when the file did not change while git read it.
  if (raw && readFileOrUndefined(path)?.equals(raw)) includeCache.set(path, { raw, values });
  return values;
}

/**
 * The file an include names, as git resolves it (config.c, handle_path_include): `~/` is the home folder,
 * a relative path is relative to the folder of the including file (as written, not resolved). undefined when
 * it cannot be told here (`~user/`, `%(prefix)/`, no HOME): the caller counts it as outside.
 */
export function includeTarget(includer: string, value: string, env: NodeJS.ProcessEnv): string | undefined {
  const expanded = expandHome(value, env);
  if (expanded === undefined) return undefined;
  if (isAbsolute(expanded)) return expanded;
  const cut = Math.max(includer.lastIndexOf('/'), includer.lastIndexOf(sep));
  return includer.slice(0, cut + 1) + expanded;
}

/** git's interpolate_path for what can be told here: `~` and `~/...`; undefined for `~user` and `%(prefix)/`. */
function expandHome(value: string, env: NodeJS.ProcessEnv): string | undefined {
  if (value.startsWith('%(prefix)/')) return undefined;
  if (!value.startsWith('~')) return value;
  const slash = value.indexOf('/');
  if (slash !== 1 && value !== '~') return undefined;
  const home = env.HOME;
  if (!home) return undefined;
  return home + (slash === -1 ? '' : value.slice(slash));
}

/**
 * The real path of `path`; for a path that does not exist, the real path of its nearest existing folder
 * with the rest appended. `..` is taken on the real path, as the system takes it.
 */
export function realOrNearest(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    const name = basename(path);
    const real = realOrNearest(parent);
    if (name === '..') return dirname(real);
    if (name === '.' || name === '') return real;
    return join(real, name);
  }
}

/**
 * Overrides for path-valued keys whose value, in the repository's own config, leads outside the allowed
 * directories. `entries` are the repository's config as `git config --show-scope` lists it (includes
 * followed: the include check has already passed). Each such key is set to the last value from the global
 * config (the operator's) or, without one, to git's default, so the repository's values are all ignored:
 *  - core.excludesFile, core.attributesFile: $XDG_CONFIG_HOME/git/ignore or attributes (else ~/.config/git/...);
 *  - mailmap.file: none (empty);
 *  - diff.orderFile: none; git stops on an empty value, so /dev/null (an empty order).
 * A relative value is relative to the top level, where git runs.
 */
export function pathOverrides(entries: readonly ConfigEntry[], top: string, isAllowed: (realPath: string) => boolean, env: NodeJS.ProcessEnv): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of PATH_KEYS) {
    const values = entries.filter((e) => e.key === key);
    const untrusted = values.filter((e) => e.scope !== 'global');
    if (!untrusted.some((e) => !e.utf8 || leadsOutside(e.value, top, isAllowed, env))) continue;
    const trusted = values.filter((e) => e.scope === 'global' && e.value !== undefined && e.utf8).at(-1);
    out.push([key, trusted?.value ?? defaultValue(key, env)]);
  }
  return out;
}

function leadsOutside(value: string | undefined, top: string, isAllowed: (realPath: string) => boolean, env: NodeJS.ProcessEnv): boolean {
  // No value: git stops with an error before reading anything. Empty: git opens nothing.
  if (value === undefined || value === '') return false;
  const expanded = expandHome(value, env);
  if (expanded === undefined) return true;
  return !isAllowed(realOrNearest(resolve(top, expanded)));
}

function defaultValue(key: PathKey, env: NodeJS.ProcessEnv): string {
  if (key === 'mailmap.file') return '';
  if (key === 'diff.orderfile') return '/dev/null';
  const name = key === 'core.excludesfile' ? 'ignore' : 'attributes';
  // git's xdg_config_home_for("git", name).
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'git', name);
  if (env.HOME !== undefined) return join(env.HOME, '.config', 'git', name);
  return '';
}

export interface ConfigEntry {
  scope: string;
  /** As git lists it: section and key lower case, subsection as written. */
  key: string;
  /** undefined for a key written without `=`. */
  value: string | undefined;
  /** False when the value is not valid UTF-8 (a path that cannot be checked). */
  utf8: boolean;
}

/** `git config --null --show-scope --get-regexp` output: "scope\0key\nvalue\0" (or "scope\0key\0" without a value). */
export function parseScopedEntries(raw: Buffer): ConfigEntry[] {
  const parts = splitNull(raw);
  const out: ConfigEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const scope = parts[i]!.toString('utf8');
    const entry = parts[i + 1]!;
    const newline = entry.indexOf(0x0a);
    if (newline === -1) {
      out.push({ scope, key: entry.toString('utf8'), value: undefined, utf8: true });
      continue;
    }
    const bytes = entry.subarray(newline + 1);
    const value = bytes.toString('utf8');
    out.push({ scope, key: entry.subarray(0, newline).toString('utf8'), value, utf8: Buffer.from(value, 'utf8').equals(bytes) });
  }
  return out;
}

function splitNull(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0, start);
    if (end === -1) end = raw.length;
    out.push(raw.subarray(start, end));
    start = end + 1;
  }
  return out;
}

/** A path that is not UTF-8 cannot be resolved the way git would: refused rather than checked as another path. */
function utf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new UncheckableConfig('a config path that is not valid UTF-8');
  return text;
}

function readFileOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Include directives of config files already read, by path, with the content they were read from. */
const includeCache = new BoundedCache<string, { raw: Buffer; values: string[] }>(10_000);
