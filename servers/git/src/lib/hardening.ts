/**
 * How every git process is started so that neither the model's input nor a repository's own configuration
 * can make git run a command of its choosing.
 *
 * Two sources of danger, two defences:
 * - The environment: variables such as GIT_DIR, GIT_EXTERNAL_DIFF, GIT_PAGER or GIT_CONFIG_PARAMETERS would
 *   redirect git or run programs. They are dropped; only identity and the global-config location survive.
 * - The repository's config (.git/config, and includes it pulls in): core.fsmonitor, core.pager,
 *   diff.external, textconv and filter drivers, hooks, core.sshCommand... all run programs. Command-line
 *   config (`-c`, and GIT_CONFIG_COUNT for keys that cannot be written after `-c`) has the highest
 *   precedence, so every dangerous key is overridden with a harmless value on every invocation.
 */

export type GitMode = 'read' | 'write';

export interface GitPolicy {
  /** Trust the repositories' own commands during writes: hooks, and clean/smudge/merge drivers (e.g. Git LFS). */
  allowHooks: boolean;
  /** Kill a git process that runs longer than this. */
  timeoutMs: number;
}

/** Environment variables kept from the server's own environment besides everything not starting with GIT_. */
const KEPT_GIT_VARIABLES = new Set([
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  // Where the operator's own (trusted) global config lives; the repository cannot set this.
  'GIT_CONFIG_GLOBAL',
]);

/** Non-GIT_ variables that git (or the programs it would start) reads to pick a program to run. */
const DROPPED_VARIABLES = new Set(['PAGER', 'EDITOR', 'VISUAL', 'SSH_ASKPASS', 'LESS', 'LESSOPEN', 'LESSCLOSE', 'LV']);

export function gitEnvironment(base: NodeJS.ProcessEnv, mode: GitMode, ceiling?: string, literalPathspecs = true): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (upper.startsWith('GIT_') && !KEPT_GIT_VARIABLES.has(upper)) continue;
    if (DROPPED_VARIABLES.has(upper)) continue;
    env[key] = value;
  }
  // Messages in English so the few we recognise (nothing to commit, dubious ownership...) are stable.
  if (env.LC_ALL) {
    env.LC_CTYPE ??= env.LC_ALL;
    delete env.LC_ALL;
  }
  env.LC_MESSAGES = 'C';
  env.LANGUAGE = 'C';
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_ATTR_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  // Paths from the model are file names, never pathspec magic (`:(top)`, `:!x`, globs).
  if (literalPathspecs) env.GIT_LITERAL_PATHSPECS = '1';
  env.GIT_PROTOCOL_FROM_USER = '0';
  env.GIT_NO_REPLACE_OBJECTS = '1';
  if (mode === 'read') env.GIT_OPTIONAL_LOCKS = '0';
  if (ceiling) env.GIT_CEILING_DIRECTORIES = ceiling;
  return env;
}

/**
 * `-c key=value` pairs for every invocation. Keys with a fixed name; drivers named by the repository are
 * handled by driverOverrides below.
 */
export function staticConfig(mode: GitMode, policy: GitPolicy): Array<[string, string]> {
  const trusted = mode === 'write' && policy.allowHooks;
  const pairs: Array<[string, string]> = [
    ['core.fsmonitor', 'false'],
    ['core.pager', 'cat'],
    ['core.editor', 'false'],
    ['sequence.editor', 'false'],
    ['core.sshCommand', 'false'],
    ['core.gitProxy', ''],
    ['core.askPass', ''],
    ['credential.helper', ''],
    // No network at all: every transport (ssh, http, file, ext...) is refused.
    ['protocol.allow', 'never'],
    // log/show would run gpg.program (which the repository may set) to check signatures.
    ['log.showSignature', 'false'],
    ['commit.gpgSign', 'false'],
    ['tag.gpgSign', 'false'],
    // A commit may start `git gc --auto` or maintenance in the background; keep git's work in the call.
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['submodule.recurse', 'false'],
    ['color.ui', 'false'],
    ['core.quotePath', 'false'],
    ['advice.detachedHead', 'false'],
  ];
  if (!trusted) pairs.push(['core.hooksPath', '/dev/null']);
  return pairs;
}

/** Config keys (as listed by `git config --get-regexp`) that name a program of a repository-defined driver. */
export const DRIVER_KEY_PATTERN = '^(filter|merge)\\..+\\.(clean|smudge|process|driver)$';

/**
 * Harmless values for the repository's own filter and merge drivers. Passed through GIT_CONFIG_COUNT
 * because a driver's name may contain `=`, which `-c` cannot express.
 *  - filter.X.clean/smudge/process = "" and filter.X.required = false: git then stores and checks out
 *    content as is instead of running the program.
 *  - merge.X.driver = "false": the merge is reported as a conflict instead of running the program.
 */
export function driverOverrides(keys: readonly string[], mode: GitMode, policy: GitPolicy): Array<[string, string]> {
  if (mode === 'write' && policy.allowHooks) return [];
  const out: Array<[string, string]> = [];
  const seenFilters = new Set<string>();
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (lower.startsWith('filter.')) {
      const name = key.slice('filter.'.length, key.lastIndexOf('.'));
      out.push([key, '']);
      if (!seenFilters.has(name)) {
        seenFilters.add(name);
        out.push([`filter.${name}.required`, 'false']);
      }
    } else if (lower.startsWith('merge.')) {
      out.push([key, 'false']);
    }
  }
  return out;
}

/** Adds GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n entries to an environment. */
export function withEnvConfig(env: NodeJS.ProcessEnv, pairs: ReadonlyArray<[string, string]>): NodeJS.ProcessEnv {
  if (pairs.length === 0) return env;
  const out: NodeJS.ProcessEnv = { ...env, GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${i}`] = key;
    out[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return out;
}
