/**
 * The contract's flags and environment variables, shared by every server, plus each server's own options.
 * Bad input here never half-starts a server: parseCommandLine throws ConfigError, runServer prints one
 * line naming the setting and exits 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { type ConfirmPolicy, parseConfirmPolicy } from './governance/confirm.js';
import { parseRateSpec, type RateSpec } from './governance/rate-limit.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** One line for --help. */
  description: string;
  /** Environment variable read when the flag is absent. Booleans accept 1/true/yes. */
  env?: string;
  /** Shown in --help as the value placeholder, e.g. `PATH`. */
  placeholder?: string;
  default?: string | boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ConfigInput {
  values: OptionValues;
  positionals: string[];
  env: NodeJS.ProcessEnv;
}

/** A server's own settings: extra flags and a parse step that validates them. */
export interface ConfigSpec<C> {
  /** e.g. `[options] <directory>...`, shown in --help. */
  usage?: string;
  /** Extra text for --help (required settings, examples). */
  helpText?: string;
  options?: Record<string, OptionSpec>;
  /** Whether positional arguments are accepted (e.g. directories, a database URL). */
  positionals?: { name: string; description: string };
  /** Validates and returns the server's settings; throws ConfigError naming the setting on bad input. */
  parse(input: ConfigInput): C | Promise<C>;
}

export interface CommonConfig {
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  /** The bearer token HTTP clients must send, or undefined when one is to be generated. */
  httpToken: string | undefined;
  /** Extra origins (and their hostnames) allowed on HTTP, beyond loopback. */
  allowedOrigins: string[];
  readOnly: boolean;
  toolsets: string[] | undefined;
  tools: string[] | undefined;
  excludeTools: string[] | undefined;
  logLevel: LogLevel;
  /** Idle 2025-11-25 HTTP sessions are closed after this many ms. */
  sessionIdleMs: number;
  /** Largest HTTP request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Which tools ask the user through elicitation before they run. */
  confirm: ConfirmPolicy;
  /** How long a confirmation may wait for the user. */
  confirmTimeoutMs: number;
  /** Tool calls per session; undefined = unlimited. */
  rateLimit: RateSpec | undefined;
  /** Tool calls across all sessions; undefined = unlimited. */
  rateLimitGlobal: RateSpec | undefined;
  /** Operator overrides of the server's named buckets (`off` = undefined). */
  rateLimitBuckets: Record<string, RateSpec | undefined>;
  /** JSON-lines audit log path, or undefined for none. */
  auditLog: string | undefined;
  auditLogMaxBytes: number;
  /** Start with the default toolsets and let the client switch the others on (list_toolsets/enable_toolset). */
  dynamicToolsets: boolean;
}

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  transport: { type: 'string', env: 'PORTICO_TRANSPORT', placeholder: 'stdio|http', description: 'entry point (default stdio)' },
  host: { type: 'string', env: 'PORTICO_HOST', placeholder: 'HOST', description: 'HTTP bind address (default 127.0.0.1)' },
  port: { type: 'string', env: 'PORTICO_PORT', placeholder: 'N', description: 'HTTP port; 0 picks a free one' },
  'token-file': { type: 'string', placeholder: 'FILE', description: 'file holding the bearer token HTTP clients must send (or PORTICO_HTTP_TOKEN); default: a random token printed once to stderr' },
  'allowed-origin': { type: 'string', multiple: true, placeholder: 'ORIGIN', description: 'extra browser origin allowed on HTTP (repeatable); default loopback only' },
  'read-only': { type: 'boolean', env: 'PORTICO_READ_ONLY', description: 'register no tool that changes anything' },
  toolsets: { type: 'string', placeholder: 'a,b', description: 'expose only these toolsets' },
  tools: { type: 'string', placeholder: 'x,y', description: 'expose only these tools' },
  'exclude-tools': { type: 'string', placeholder: 'x,y', description: 'hide these tools' },
  'log-level': { type: 'string', placeholder: 'debug|info|warn|error', description: 'stderr verbosity (default info)' },
  'session-idle-timeout': { type: 'string', placeholder: 'SECONDS', description: 'close idle HTTP sessions after this long (default 1800)' },
  confirm: { type: 'string', env: 'PORTICO_CONFIRM', placeholder: 'destructive|writes|none', description: 'which tools ask the user to confirm through elicitation before running (default destructive)' },
  'confirm-timeout': { type: 'string', placeholder: 'SECONDS', description: 'how long a confirmation waits for an answer before nothing is done (default 120)' },
  'rate-limit': { type: 'string', env: 'PORTICO_RATE_LIMIT', placeholder: 'N/min', description: 'tool calls allowed per session, e.g. 60/min or 5/s (default unlimited)' },
  'rate-limit-global': { type: 'string', env: 'PORTICO_RATE_LIMIT_GLOBAL', placeholder: 'N/min', description: 'tool calls allowed across all sessions (default unlimited)' },
  'rate-limit-bucket': { type: 'string', multiple: true, placeholder: 'NAME=N/min', description: "override a server's own bucket for upstream-heavy tools, or NAME=off (repeatable)" },
  'audit-log': { type: 'string', env: 'PORTICO_AUDIT_LOG', placeholder: 'FILE', description: 'append one JSON line per tool call (no results, no file contents, secrets redacted)' },
  'audit-log-max-size': { type: 'string', placeholder: 'MiB', description: 'rotate the audit log at this size, keeping 3 old files (default 10)' },
  'dynamic-toolsets': { type: 'boolean', env: 'PORTICO_DYNAMIC_TOOLSETS', description: 'start with the default toolsets (or --toolsets) and let the client switch others on and off' },
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  version: { type: 'boolean', short: 'v', description: 'print the version and exit' },
};

export interface ParsedCommandLine<C> {
  common: CommonConfig;
  server: C;
  help: boolean;
  version: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parses argv and env into the common settings and the server's own; throws ConfigError. */
export async function parseCommandLine<C>(
  argv: string[],
  env: NodeJS.ProcessEnv,
  spec: ConfigSpec<C>,
  defaults: { port: number },
): Promise<ParsedCommandLine<C>> {
  const own = spec.options ?? {};
  for (const name of Object.keys(own)) {
    if (name in COMMON_OPTIONS) throw new Error(`server option --${name} clashes with a common option`);
  }
  const all = { ...COMMON_OPTIONS, ...own };
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(all).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    }) as { values: OptionValues; positionals: string[] };
  } catch (error) {
    const first = (error as Error).message.split('\n')[0] ?? 'bad arguments';
    // Node's messages run on with advice about '--'; the first sentence names the flag.
    const sentence = first.includes('. ') ? first.slice(0, first.indexOf('. ') + 1) : first;
    throw new ConfigError(`${sentence} Run with --help to see the accepted flags.`);
  }
  const values = applyEnv(parsed.values, all, env);
  const help = values.help === true;
  const version = values.version === true;
  if (help || version) {
    // --help and --version work even when required settings are missing.
    return { common: undefined as unknown as CommonConfig, server: undefined as unknown as C, help, version };
  }
  if (!spec.positionals && parsed.positionals.length > 0) {
    throw new ConfigError(`unexpected argument "${parsed.positionals[0]}": this server takes no positional arguments. Run with --help.`);
  }
  const common = parseCommon(values, env, defaults.port);
  const serverValues: OptionValues = {};
  for (const name of Object.keys(own)) serverValues[name] = values[name];
  const server = await spec.parse({ values: serverValues, positionals: parsed.positionals, env });
  return { common, server, help: false, version: false };
}

function applyEnv(values: OptionValues, specs: Record<string, OptionSpec>, env: NodeJS.ProcessEnv): OptionValues {
  const out: OptionValues = { ...values };
  for (const [name, spec] of Object.entries(specs)) {
    if (out[name] !== undefined) continue;
    const raw = spec.env ? env[spec.env] : undefined;
    if (raw !== undefined && raw !== '') {
      if (spec.type === 'boolean') out[name] = parseBooleanEnv(raw, spec.env!);
      else out[name] = spec.multiple ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    } else if (spec.default !== undefined) {
      out[name] = spec.default;
    }
  }
  return out;
}

export function parseBooleanEnv(raw: string, name: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new ConfigError(`${name}="${raw}" is not a yes/no value: use 1 or 0.`, name);
}

function parseCommon(values: OptionValues, env: NodeJS.ProcessEnv, defaultPort: number): CommonConfig {
  const transport = (values.transport as string | undefined) ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new ConfigError(`--transport must be stdio or http (got "${transport}").`, '--transport');
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const port = parseInteger(values.port as string | undefined, '--port', 0, 65535) ?? defaultPort;
  const logLevel = ((values['log-level'] as string | undefined) ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`, '--log-level');
  }
  const httpToken = readHttpToken(values['token-file'] as string | undefined, env);
  if (transport === 'http' && !isLoopbackHost(host) && !httpToken) {
    throw new ConfigError(
      `--host ${host} is not a loopback address, so the bearer token must be set explicitly: pass --token-file FILE or set PORTICO_HTTP_TOKEN.`,
      '--host',
    );
  }
  const idleSeconds = parseInteger(values['session-idle-timeout'] as string | undefined, '--session-idle-timeout', 1, 7 * 24 * 3600) ?? 1800;
  const origins = ((values['allowed-origin'] as string[] | undefined) ?? []).map((o) => normaliseOrigin(o));
  return {
    transport,
    host,
    port,
    httpToken,
    allowedOrigins: origins,
    readOnly: values['read-only'] === true,
    toolsets: splitList(values.toolsets as string | undefined),
    tools: splitList(values.tools as string | undefined),
    excludeTools: splitList(values['exclude-tools'] as string | undefined),
    logLevel,
    sessionIdleMs: idleSeconds * 1000,
    maxBodyBytes: 4 * 1024 * 1024,
    confirm: parseConfirmPolicy(values.confirm as string | undefined),
    confirmTimeoutMs: (parseInteger(values['confirm-timeout'] as string | undefined, '--confirm-timeout', 1, 3600) ?? 120) * 1000,
    rateLimit: rateFlag(values['rate-limit'], '--rate-limit'),
    rateLimitGlobal: rateFlag(values['rate-limit-global'], '--rate-limit-global'),
    rateLimitBuckets: parseBucketOverrides((values['rate-limit-bucket'] as string[] | undefined) ?? []),
    auditLog: (values['audit-log'] as string | undefined) || undefined,
    auditLogMaxBytes: (parseInteger(values['audit-log-max-size'] as string | undefined, '--audit-log-max-size', 1, 10_000) ?? 10) * 1024 * 1024,
    dynamicToolsets: values['dynamic-toolsets'] === true,
  };
}

function rateFlag(raw: unknown, setting: string): RateSpec | undefined {
  return typeof raw === 'string' ? parseRateSpec(raw, setting) : undefined;
}

function parseBucketOverrides(items: string[]): Record<string, RateSpec | undefined> {
  const out: Record<string, RateSpec | undefined> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq > 0 ? item.slice(0, eq).trim() : '';
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) {
      throw new ConfigError(`--rate-limit-bucket "${item}" must look like NAME=60/min or NAME=off.`, '--rate-limit-bucket');
    }
    out[name] = parseRateSpec(item.slice(eq + 1), `--rate-limit-bucket ${name}`);
  }
  return out;
}

function normaliseOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.origin;
  } catch {
    throw new ConfigError(`--allowed-origin "${origin}" is not an origin like https://app.example.com.`, '--allowed-origin');
  }
}

function readHttpToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (tokenFile) {
    let token: string;
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`--token-file ${tokenFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a readable file that holds the token.`, '--token-file');
    }
    return validateToken(token, '--token-file');
  }
  const fromEnv = env.PORTICO_HTTP_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return validateToken(fromEnv.trim(), 'PORTICO_HTTP_TOKEN');
  return undefined;
}

function validateToken(token: string, setting: string): string {
  if (token.length < 16) throw new ConfigError(`${setting}: the HTTP token must be at least 16 characters long.`, setting);
  if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError(`${setting}: the HTTP token must be printable ASCII without spaces.`, setting);
  return token;
}

export function splitList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items;
}

/** Parses a whole number flag within bounds; throws ConfigError naming the flag. */
export function parseInteger(raw: string | undefined, setting: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${setting} must be a whole number (got "${raw}").`, setting);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${setting} must be between ${min} and ${max} (got ${n}).`, setting);
  return n;
}

/** --help text: usage, the server's own options, then the common ones. */
export function renderHelp(bin: string, description: string, spec: ConfigSpec<unknown>): string {
  const lines = [`${bin}: ${description}`, '', `Usage: ${bin} ${spec.usage ?? '[options]'}`, ''];
  if (spec.positionals) lines.push(`  ${spec.positionals.name.padEnd(30)} ${spec.positionals.description}`, '');
  const section = (title: string, options: Record<string, OptionSpec>) => {
    if (Object.keys(options).length === 0) return;
    lines.push(`${title}:`);
    for (const [name, o] of Object.entries(options)) {
      const flag = `--${name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}`;
      const env = o.env ? ` [${o.env}]` : '';
      lines.push(`  ${flag.padEnd(30)} ${o.description}${env}`);
    }
    lines.push('');
  };
  section('Options', spec.options ?? {});
  section('Common options', COMMON_OPTIONS);
  if (spec.helpText) lines.push(spec.helpText.trimEnd(), '');
  return lines.join('\n');
}
