/**
 * Which repositories a request may touch, through the shared path sandbox of @portico/protocol.
 *
 * The allowed directories are the server's positional arguments, narrowed (never widened) by the client's
 * roots. A repository is reachable when:
 *  - repo_path resolves, symlinks followed, inside an allowed directory (sandbox.resolve);
 *  - git, not allowed to look above that directory (GIT_CEILING_DIRECTORIES), finds a work tree there;
 *  - the work tree's top level is that allowed directory itself or inside it (so a `core.worktree` setting
 *    cannot point git at another place), and the git directory, the common git directory of a linked
 *    worktree, every object alternate and every symbolic link inside them resolve inside the allowed
 *    directories too (git-data.ts);
 *  - the repository's config includes no file outside the allowed directories, checked before git reads it
 *    (config-guard.ts; path-valued keys that lead outside are overridden instead, see repo.ts).
 * File arguments are checked lexically against the top level (paths.ts) and then through the sandbox with
 * symlinks followed, and must stay inside the repository.
 */
import { realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isPathInside, type PathSandbox, sandboxForRequest, ToolError } from '@portico/protocol';
import { findIncludeEscape, guessGitDirs, type GuessedRepository, UncheckableConfig } from './config-guard.js';
import { RepoError } from './errors.js';
import { findGitDataEscape, UncheckableGitData } from './git-data.js';
import type { GitPolicy } from './hardening.js';
import { repoPath } from './paths.js';
import { locateRepository, Repo, type RepoOptions } from './repo.js';

export const LIST_REPOSITORIES_HINT = 'call git_list_repositories to see the repositories this server may use';

export interface AccessContext {
  clientRoots(): Promise<readonly { uri: string }[] | undefined>;
  signal?: AbortSignal;
}

export interface AccessSettings {
  /** The operator's directories; empty when the server was started without any. */
  sandbox: PathSandbox;
  policy: GitPolicy;
  baseEnv?: NodeJS.ProcessEnv;
}

export interface OpenedRepo {
  repo: Repo;
  /** The sandbox of this request (operator directories narrowed by client roots). */
  sandbox: PathSandbox;
}

export function noRepositoriesError(): ToolError {
  return new ToolError('No repositories are configured, so this server cannot reach any.', {
    code: 'no_repositories',
    hint: 'the operator must start the server with the repositories to allow as arguments, e.g. `npx -y @portico/server-git /path/to/repo /path/to/other-repo` (a folder that holds several repositories also works).',
  });
}

/** The sandbox of one request, with a clear answer when nothing is reachable. */
export async function requestSandbox(settings: AccessSettings, ctx: AccessContext): Promise<PathSandbox> {
  if (settings.sandbox.isEmpty()) throw noRepositoriesError();
  return sandboxForRequest(settings.sandbox, ctx);
}

export async function openRepository(settings: AccessSettings, ctx: AccessContext, input: string): Promise<OpenedRepo> {
  const sandbox = await requestSandbox(settings, ctx);
  const resolved = await withGitHint(() => sandbox.resolve(input, 'read'));
  if (!(await stat(resolved.path)).isDirectory()) {
    throw new RepoError('not_a_repository', `repo_path "${input}" is a file, not a repository folder.`, 'pass the folder of the repository (its top level).');
  }
  const options = { policy: settings.policy, signal: ctx.signal, baseEnv: settings.baseEnv };
  const root = resolved.root.path;
  const allowed = (real: string) => sandbox.rootOf(real) !== undefined;
  // git reads the config, includes and all, from its first step (finding the repository) on: a git directory
  // that a .git file puts outside is refused before git reads the config there.
  const guessed = realGitDirs(guessGitDirs(resolved.path, root));
  if (guessed && (!allowed(guessed.gitDir) || !allowed(guessed.commonDir))) throw gitDataRefusal(input, 'a .git file or linked worktree');
  if (await includesLeaveBeforeGit(resolved.path, root, allowed, options, input)) throw includeRefusal(input);
  const located = await locateRepository(resolved.path, dirname(root) === root ? undefined : dirname(root), options);
  const [top, gitDir, commonDir] = await Promise.all([realpath(located.top), realpath(located.gitDir), realpath(located.commonDir)]);
  if (!isPathInside(root, top)) {
    // Do not name the outside location: the model learns only that it is not allowed.
    throw new ToolError(`repo_path "${input}" belongs to a repository whose working tree is not inside the allowed directory ${root}.`, {
      code: 'outside_sandbox',
      hint: `use a repository inside the allowed directories (${LIST_REPOSITORIES_HINT}).`,
    });
  }
  checkGitData(input, sandbox, gitDir, commonDir);
  // Again on what git answered (the guess above read the same files when it was right: no git process then).
  if (await includesLeave(input, gitDir, commonDir, allowed, options)) throw includeRefusal(input);
  return { repo: new Repo({ top, gitDir, commonDir }, { ...options, isAllowed: allowed }), sandbox };
}

/**
 * Whether the repository git will find from `dir` (not above `root`) includes config from outside the
 * allowed directories, told from its files before any git process runs in it (config-guard.ts). Returns the
 * repository when it does. A repository whose git directory is outside is left to the checks after
 * discovery, which refuse it without this.
 */
export async function includesLeaveBeforeGit(dir: string, root: string, allowed: (real: string) => boolean, options: RepoOptions, input = dir): Promise<GuessedRepository | undefined> {
  const guess = guessGitDirs(dir, root);
  const real = realGitDirs(guess);
  if (!guess || !real || !allowed(real.gitDir) || !allowed(real.commonDir)) return undefined;
  return (await includesLeave(input, real.gitDir, real.commonDir, allowed, options)) ? guess : undefined;
}

/** The real paths of a guessed repository's git directories; undefined when there is none or they do not exist. */
function realGitDirs(guess: GuessedRepository | undefined): { gitDir: string; commonDir: string } | undefined {
  if (!guess) return undefined;
  try {
    const gitDir = realpathSync.native(guess.gitDir);
    return { gitDir, commonDir: guess.commonDir === guess.gitDir ? gitDir : realpathSync.native(guess.commonDir) };
  } catch {
    return undefined;
  }
}

async function includesLeave(input: string, gitDir: string, commonDir: string, allowed: (real: string) => boolean, options: RepoOptions): Promise<boolean> {
  try {
    return await findIncludeEscape(gitDir, commonDir, allowed, options);
  } catch (error) {
    if (!(error instanceof UncheckableConfig)) throw error;
    throw new ToolError(`repo_path "${input}" is a repository whose config includes could not be checked (${error.message}); it was refused.`, {
      code: 'outside_sandbox',
      hint: 'remove the include.path / includeIf.*.path entries from the repository\'s .git/config, or replace the repository with a fresh clone.',
    });
  }
}

/** The outside file is not named: the model learns only that there is one. */
function includeRefusal(input: string): ToolError {
  return new ToolError(
    `repo_path "${input}" is a repository whose config includes a config file outside the allowed directories (an include.path or includeIf.<condition>.path entry, in .git/config or in a file it includes); it was refused: git would read that file.`,
    {
      code: 'outside_sandbox',
      hint: 'the operator can remove that entry from the repository\'s config (`git config --local --get-regexp "^include"` in the repository lists them), move the included file into the repository, or allow the folder it is in as well.',
    },
  );
}

/**
 * Refuses a repository whose git data reaches outside the allowed directories: its git directory, the common
 * directory of a linked worktree, every object alternate (nested ones too), and every symbolic link inside
 * them (git-data.ts). Nothing outside is named in the error: the model learns only that it is not allowed.
 */
function gitDataRefusal(input: string, what: string): ToolError {
  return new ToolError(`repo_path "${input}" is a repository whose git data (${what}) lies outside the allowed directories; it was refused.`, {
    code: 'outside_sandbox',
    hint: 'the operator can allow the place the git data points to as well, or replace the repository with a fresh clone.',
  });
}

function checkGitData(input: string, sandbox: PathSandbox, gitDir: string, commonDir: string): void {
  const allowed = (real: string) => sandbox.rootOf(real) !== undefined;
  const refuse = (what: string) => gitDataRefusal(input, what);
  if (!allowed(gitDir) || !allowed(commonDir)) throw refuse('a .git file or linked worktree');
  try {
    const escape = findGitDataEscape(gitDir, commonDir, allowed);
    if (escape) throw refuse(escape);
  } catch (error) {
    if (!(error instanceof UncheckableGitData)) throw error;
    throw new ToolError(`repo_path "${input}" is a repository whose git data could not be checked (${error.message}); it was refused.`, {
      code: 'outside_sandbox',
      hint: 'run `git gc` in the repository, or replace it with a fresh clone.',
    });
  }
}

/**
 * A file argument: lexically inside the repository (paths.ts), and, following symlinks on disk, still inside
 * it and inside the sandbox. Returns the path relative to the top level that git receives.
 * A path that no longer exists on disk (deleted file, file at an old revision) is checked through its
 * nearest existing folder.
 */
export async function repoFile(opened: OpenedRepo, input: string, field = 'path'): Promise<string> {
  const top = opened.repo.top;
  const lexical = repoPath(top, input, field);
  const resolved = await withGitHint(() => opened.sandbox.resolve(lexical.abs, 'create', { followFinalSymlink: false }));
  if (!isPathInside(top, resolved.path)) {
    throw new ToolError(`${field} "${input}" leads outside the repository through a symbolic link; it was refused.`, {
      code: 'outside_repository',
      hint: 'pass a path inside the repository that does not go through a symbolic link to elsewhere.',
    });
  }
  return lexical.rel;
}

export async function repoFiles(opened: OpenedRepo, inputs: readonly string[] | undefined, field = 'paths'): Promise<string[] | undefined> {
  if (!inputs || inputs.length === 0) return undefined;
  const out: string[] = [];
  for (const input of inputs) out.push(await repoFile(opened, input, field));
  return out;
}

/** The one pathspec magic a read tool's path filter may carry: git's glob (`*`, `**`, `?`, `[...]`). */
export const GLOB_MAGIC = ':(glob)';

/**
 * Path filters for the read tools (log, diff, grep), as git receives them with literal pathspecs off: each
 * entry checked like a file argument (repoFile) and marked `:(literal)`, or, when it starts with `:(glob)`,
 * its pattern checked the same way (a pattern is checked through its nearest existing folder, so `..` and
 * symbolic links out are refused as for a path) and marked `:(glob)`. Any other magic is refused: `:(exclude)`,
 * `:(top)` and the rest are not needed to narrow a read, and `:(icase)` or `:(attr)` would be new ways to widen.
 */
export async function repoPathspecs(opened: OpenedRepo, inputs: readonly string[] | undefined, field = 'paths'): Promise<string[] | undefined> {
  if (!inputs || inputs.length === 0) return undefined;
  const out: string[] = [];
  for (const input of inputs) {
    if (input.startsWith(GLOB_MAGIC)) {
      out.push(`${GLOB_MAGIC}${await repoFile(opened, input.slice(GLOB_MAGIC.length), field)}`);
    } else if (/^:(\(|[!^/])/.test(input)) {
      throw new ToolError(`${field} entry "${input}" uses pathspec magic, and only ${GLOB_MAGIC} is accepted.`, {
        code: 'invalid_path',
        hint: `pass a plain path, or a pattern prefixed with ${GLOB_MAGIC} (e.g. "${GLOB_MAGIC}src/**/*.ts").`,
      });
    } else {
      out.push(`:(literal)${await repoFile(opened, input, field)}`);
    }
  }
  return out;
}

/** The sandbox's hints name the filesystem server's tool; point to this server's instead. */
async function withGitHint<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ToolError && (error.code === 'outside_sandbox' || error.code === 'not_found')) {
      throw new ToolError(error.message, { code: error.code, hint: error.code === 'not_found' ? 'check the spelling of the path.' : `use a path inside the allowed repositories (${LIST_REPOSITORIES_HINT}).` });
    }
    throw error;
  }
}
