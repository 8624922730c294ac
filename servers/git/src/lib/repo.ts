/**
 * One repository, opened for one tool call: its top level, its git directory, and the hardened way to run
 * git in it. Everything else in lib/ takes a Repo.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseScopedEntries, PATH_KEYS, pathOverrides } from './config-guard.js';
import { RepoError } from './errors.js';
import { DRIVER_KEY_PATTERN, driverOverrides, type GitMode, type GitPolicy } from './hardening.js';
import { GitCommandError, type GitResult, runGit } from './git-runner.js';
import { checkRevision } from './validate.js';

export interface RunOptions {
  maxOutputBytes?: number;
  literalPathspecs?: boolean;
  okExitCodes?: readonly number[];
}

export interface RepoLocation {
  /** Real path of the work tree's top level. */
  top: string;
  /** Real path of the git directory (`.git`, or the worktree's own directory). */
  gitDir: string;
  /** Real path of the common git directory (differs from gitDir in linked worktrees). */
  commonDir: string;
}

export interface RepoOptions {
  policy: GitPolicy;
  signal?: AbortSignal | undefined;
  baseEnv?: NodeJS.ProcessEnv | undefined;
  /**
   * Whether a real path is inside the allowed directories. Path-valued keys of the repository's config that
   * lead elsewhere are overridden (config-guard.ts); without it (lib tests) none is.
   */
  isAllowed?: ((realPath: string) => boolean) | undefined;
}

/** The config keys read once per Repo: the repository's drivers, and the path-valued keys config-guard.ts checks. */
const SCANNED_KEYS = `^(${DRIVER_KEY_PATTERN.slice(1, -1)}|${PATH_KEYS.map((k) => k.replace(/\./g, '\\.')).join('|')})$`;

export type InProgress = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect' | null;

export class Repo {
  private scanned: Promise<{ drivers: string[]; paths: Array<[string, string]> }> | undefined;

  constructor(
    readonly location: RepoLocation,
    private readonly options: RepoOptions,
  ) {}

  get top(): string {
    return this.location.top;
  }

  get policy(): GitPolicy {
    return this.options.policy;
  }

  /** Runs a git command that changes nothing. */
  read(args: readonly string[], options: RunOptions = {}): Promise<GitResult> {
    return this.run('read', args, options);
  }

  /** Runs a git command that changes the repository (hooks and drivers only with --allow-hooks). */
  write(args: readonly string[], options: RunOptions = {}): Promise<GitResult> {
    return this.run('write', args, options);
  }

  async readText(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await this.read(args, options)).stdout.toString('utf8');
  }

  private async run(mode: GitMode, args: readonly string[], options: RunOptions): Promise<GitResult> {
    const envConfig = await this.configOverrides(mode);
    return runGit({
      cwd: this.location.top,
      args,
      mode,
      policy: this.options.policy,
      signal: this.options.signal,
      envConfig,
      ...(this.options.baseEnv ? { baseEnv: this.options.baseEnv } : {}),
      ...options,
    });
  }

  /**
   * Command-line config for this repository, through GIT_CONFIG_COUNT: harmless values for its filter and
   * merge drivers (hardening.ts), and the operator's value for each path-valued key it points outside the
   * allowed directories (config-guard.ts). One `git config` per Repo reads every config file git reads,
   * includes expanded (access.ts has already checked where they lead); `git config` never runs a driver.
   */
  private async configOverrides(mode: GitMode): Promise<Array<[string, string]>> {
    const { drivers, paths } = await (this.scanned ??= this.scanConfig());
    return [...driverOverrides(drivers, mode, this.options.policy), ...paths];
  }

  private async scanConfig(): Promise<{ drivers: string[]; paths: Array<[string, string]> }> {
    const r = await runGit({
      cwd: this.location.top,
      args: ['config', '--null', '--show-scope', '--get-regexp', SCANNED_KEYS],
      mode: 'read',
      policy: this.options.policy,
      signal: this.options.signal,
      okExitCodes: [0, 1],
      ...(this.options.baseEnv ? { baseEnv: this.options.baseEnv } : {}),
    });
    const entries = parseScopedEntries(r.stdout);
    const drivers = entries.filter((e) => e.key.startsWith('filter.') || e.key.startsWith('merge.')).map((e) => e.key);
    const isAllowed = this.options.isAllowed;
    const paths = isAllowed ? pathOverrides(entries, this.location.top, isAllowed, this.options.baseEnv ?? process.env) : [];
    return { drivers, paths };
  }

  /** True when HEAD points at a branch with no commits yet (a fresh `git init`). */
  async isUnborn(): Promise<boolean> {
    const r = await this.read(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { okExitCodes: [0, 1] });
    return r.exitCode !== 0;
  }

  /** The branch HEAD points at (even when unborn), or null when detached. */
  async currentBranch(): Promise<string | null> {
    const r = await this.read(['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1] });
    return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  /**
   * Resolves a revision from the model to a full commit hash. The hash, never the model's string, is what
   * later commands receive.
   */
  async resolveCommit(rev: string, field = 'revision'): Promise<string> {
    checkRevision(rev, field);
    const r = await this.read(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okExitCodes: [0, 1, 128] });
    const oid = r.stdout.toString('utf8').trim();
    if (r.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(oid)) return oid;
    if (await this.isUnborn()) {
      throw new RepoError('empty_repository', `${field} "${rev}" does not exist: the repository has no commits yet.`, 'stage files with git_add and create the first commit with git_commit.');
    }
    throw new RepoError('unknown_revision', `${field} "${rev}" is not a known branch, tag or commit in this repository.`, 'list branches with git_branch, tags with git_tag_list, or recent commits with git_log.');
  }

  /** HEAD as a commit hash; a clear error in an empty repository. */
  async headCommit(): Promise<string> {
    if (await this.isUnborn()) {
      throw new RepoError('empty_repository', 'the repository has no commits yet.', 'stage files with git_add and create the first commit with git_commit.');
    }
    return this.resolveCommit('HEAD');
  }

  /** Which multi-step operation (merge, rebase...) is waiting to be finished, if any. */
  inProgress(): InProgress {
    const g = this.location.gitDir;
    if (existsSync(join(g, 'rebase-merge')) || existsSync(join(g, 'rebase-apply'))) return 'rebase';
    if (existsSync(join(g, 'MERGE_HEAD'))) return 'merge';
    if (existsSync(join(g, 'CHERRY_PICK_HEAD'))) return 'cherry-pick';
    if (existsSync(join(g, 'REVERT_HEAD'))) return 'revert';
    if (existsSync(join(g, 'BISECT_LOG'))) return 'bisect';
    return null;
  }
}

/**
 * Asks git where the repository containing `dir` is, without looking above `ceiling`. Returns the raw
 * answers; the caller decides whether they are allowed (access.ts).
 */
export async function locateRepository(dir: string, ceiling: string | undefined, options: RepoOptions): Promise<RepoLocation> {
  let out: string;
  try {
    const r = await runGit({
      cwd: dir,
      args: ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'],
      mode: 'read',
      policy: options.policy,
      signal: options.signal,
      ...(ceiling ? { ceiling } : {}),
      ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}),
    });
    out = r.stdout.toString('utf8');
  } catch (error) {
    throw explainDiscoveryFailure(error, dir);
  }
  const [top, gitDir, commonDir] = out.split('\n');
  if (!top || !gitDir || !commonDir) throw new RepoError('not_a_repository', `${dir} is not inside a git work tree.`, 'pass the folder of a git repository (one that has a .git).');
  return { top, gitDir, commonDir: isAbsolute(commonDir) ? commonDir : resolve(dir, commonDir) };
}

function explainDiscoveryFailure(error: unknown, dir: string): unknown {
  if (!(error instanceof GitCommandError)) return error;
  const text = error.stderr;
  if (/dubious ownership/i.test(text)) {
    return new RepoError(
      'unsafe_repository',
      `git refuses to work in ${dir}: the repository is owned by another user (git's safe.directory protection).`,
      'if the operator trusts this repository, they can run `git config --global --add safe.directory <path>`; this server never overrides that protection.',
    );
  }
  if (/must be run in a work tree/i.test(text)) {
    // Also what git says for the .git folder of a normal repository.
    if (basename(dir) === '.git') return new RepoError('not_a_repository', `${dir} is the git data folder of a repository, not the repository itself.`, `pass the folder that holds it: ${dirname(dir)}.`);
    return new RepoError('bare_repository', `${dir} is a bare repository (it has no working tree); this server works on repositories with a working tree.`);
  }
  if (/not a git repository/i.test(text)) {
    return new RepoError(
      'not_a_repository',
      `${dir} is not a git repository.`,
      'pass the folder of a git repository (one that has a .git), e.g. the top level of a clone. A folder inside a larger repository counts only when that repository\'s top level is allowed (by the server\'s arguments and, when the client sets roots, by its roots too): git is not allowed to look above the allowed directories.',
    );
  }
  return error;
}
