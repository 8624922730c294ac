/**
 * Runs one git process with the hardened environment and config, a time limit, cancellation and an output
 * cap. Arguments go straight to execve (no shell). Callers build argv themselves and put every value that
 * came from the model after `--`, inside `--opt=value`, or after validation (see validate.ts).
 */
import { spawn } from 'node:child_process';
import { type GitMode, type GitPolicy, gitEnvironment, staticConfig, withEnvConfig } from './hardening.js';

export interface GitRunOptions {
  cwd: string;
  args: readonly string[];
  mode: GitMode;
  policy: GitPolicy;
  signal?: AbortSignal | undefined;
  /** Stop reading (and end the process) once stdout holds more than this many bytes. */
  maxOutputBytes?: number;
  /** Exit codes that are not failures (e.g. 1 for "no match" from grep, "differs" from diff --quiet). */
  okExitCodes?: readonly number[];
  /** Extra config that must go through GIT_CONFIG_COUNT (driver overrides). */
  envConfig?: ReadonlyArray<[string, string]>;
  /** GIT_CEILING_DIRECTORIES for repository discovery. */
  ceiling?: string;
  /**
   * Read every pathspec literally (default true). `git stash push --include-untracked` needs pathspec magic
   * internally, so it turns this off and marks each path `:(literal)` itself.
   */
  literalPathspecs?: boolean;
  /** Base environment (defaults to process.env); tests pass an isolated one. */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
  /** True when stdout was cut at maxOutputBytes (the process was ended early). */
  truncated: boolean;
}

/** git exited with a code the caller did not expect. `stderr` is git's own explanation. */
export class GitCommandError extends Error {
  constructor(
    readonly subcommand: string,
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`git ${subcommand} exited with ${exitCode}: ${firstLines(stderr || stdout, 3)}`);
    this.name = 'GitCommandError';
  }
}

export class GitTimeoutError extends Error {
  constructor(readonly subcommand: string, readonly timeoutMs: number) {
    super(`git ${subcommand} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'GitTimeoutError';
  }
}

const MAX_STDERR_BYTES = 64 * 1024;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Global options placed before the subcommand: never a pager, literal pathspecs. */
function globalArgs(mode: GitMode, policy: GitPolicy, literalPathspecs: boolean): string[] {
  const args = ['--no-pager'];
  if (literalPathspecs) args.push('--literal-pathspecs');
  if (mode === 'read') args.push('--no-optional-locks');
  for (const [key, value] of staticConfig(mode, policy)) args.push('-c', `${key}=${value}`);
  return args;
}

export function runGit(options: GitRunOptions): Promise<GitResult> {
  const { cwd, mode, policy } = options;
  const subcommand = options.args[0] ?? '';
  const literal = options.literalPathspecs ?? true;
  const argv = [...globalArgs(mode, policy, literal), ...options.args];
  const env = withEnvConfig(gitEnvironment(options.baseEnv ?? process.env, mode, options.ceiling, literal), options.envConfig ?? []);
  const maxOut = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const ok = options.okExitCodes ?? [0];

  return new Promise<GitResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason ?? new Error('aborted'));
      return;
    }
    const child = spawn('git', argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let outBytes = 0;
    let truncated = false;
    let stderr = '';
    let settled = false;
    let timedOut = false;

    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, policy.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      if (outBytes + chunk.length > maxOut) {
        chunks.push(chunk.subarray(0, maxOut - outBytes));
        outBytes = maxOut;
        truncated = true;
        // Enough read: end git now instead of letting it produce (and us buffer) the rest.
        stop();
        return;
      }
      chunks.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
    });

    const finish = (error: Error | undefined, code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) return reject(error);
      if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
      if (timedOut) return reject(new GitTimeoutError(subcommand, policy.timeoutMs));
      const stdout = Buffer.concat(chunks);
      if (truncated) return resolve({ stdout, stderr, exitCode: code ?? 0, truncated: true });
      const exitCode = code ?? 128;
      if (!ok.includes(exitCode)) return reject(new GitCommandError(subcommand, exitCode, stderr, stdout.toString('utf8')));
      resolve({ stdout, stderr, exitCode, truncated: false });
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish(new Error('git is not installed or not on PATH (the git server needs the git command-line tool).'), null);
      else finish(error, null);
    });
    child.once('close', (code) => finish(undefined, code));
  });
}

export function firstLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
    .join(' ');
}
