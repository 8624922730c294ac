/**
 * runServer: the whole life of a server process. A server's cli.ts is this one call.
 * flags/env -> --help/--version -> deps -> stdio or HTTP entry -> SIGINT/SIGTERM or end of stdin -> close.
 * Configuration problems print one stderr line naming the setting and exit 2; nothing is half-started.
 */
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { ServerDefinition, SessionInfo } from './define.js';
import { type CommonConfig, type ConfigSpec, parseCommandLine, renderHelp } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { selectTools } from './inventory.js';
import { buildMcpServer } from './build-server.js';
import { createGovernance, type LiveToolSet } from './governance/index.js';
import { secrets } from './secrets.js';
import { ResilientStdioTransport } from './stdio.js';
import { generateToken } from './http/guards.js';
import type { HttpEntry } from './http/server.js';
import { startHttpEntry } from './http/lazy.js';

/** Deps may hold connections; close() is called once on shutdown. */
export type Closeable = { close?: () => Promise<void> | void };

export interface DepsContext {
  log: Logger;
  common: CommonConfig;
  /**
   * The live tool list: deps may hide tools they find cannot work (a token without the scope). Always set
   * by startServer; absent when a unit test builds deps by hand.
   */
  liveTools?: LiveToolSet;
}

export interface RunOptions<C, Deps extends Closeable> {
  config: ConfigSpec<C>;
  createDeps(config: C, context: DepsContext): Promise<Deps> | Deps;
  argv?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A started server, for tests and the playground: the same code path as the bin. */
export interface RunningServer {
  /** Set when the transport is HTTP. */
  url?: string;
  token?: string;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 4_500;

export async function runServer<C, Deps extends Closeable>(definition: ServerDefinition<Deps>, options: RunOptions<C, Deps>): Promise<void> {
  const bin = `portico-${definition.name}`;
  try {
    const started = await startServer(definition, options);
    if (!started) return;
    installShutdown(started, createLogger({ name: bin }));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${bin}: ${secrets.redact(error.message)}\n`);
      process.exit(2);
    }
    process.stderr.write(`${bin}: failed to start: ${secrets.redact((error as Error)?.stack ?? String(error))}\n`);
    process.exit(1);
  }
}

/**
 * Parses the command line and starts the chosen entry. Returns undefined after --help/--version.
 * Throws ConfigError for bad settings.
 */
export async function startServer<C, Deps extends Closeable>(
  definition: ServerDefinition<Deps>,
  options: RunOptions<C, Deps>,
): Promise<RunningServer | undefined> {
  const bin = `portico-${definition.name}`;
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const parsed = await parseCommandLine(argv, env, options.config, { port: definition.defaultPort });
  if (parsed.help) {
    process.stdout.write(`${renderHelp(bin, definition.package.description ?? definition.title ?? bin, options.config as ConfigSpec<unknown>)}\n`);
    return undefined;
  }
  if (parsed.version) {
    process.stdout.write(`${bin} ${definition.package.version}\n`);
    return undefined;
  }
  const { common } = parsed;
  secrets.register(common.httpToken);
  const log = createLogger({ name: bin, level: common.logLevel });
  const tools = selectTools(definition.tools, common);
  const governance = createGovernance(definition, tools, common);
  let deps: Deps;
  try {
    deps = await options.createDeps(parsed.server, { log, common, liveTools: governance.live });
  } catch (error) {
    governance.close();
    throw error;
  }
  const closeDeps = async () => {
    try {
      await deps.close?.();
    } catch (error) {
      log.warn('closing dependencies failed', error);
    }
    governance.close();
  };

  const factory = (session: SessionInfo) => buildMcpServer({ definition, tools, deps, log, session, governance });

  if (common.transport === 'stdio') {
    const transport = new ResilientStdioTransport({ onInvalidInput: (reason) => log.debug(`stdin: ${reason}`) });
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const originalClose = transport.close.bind(transport);
    transport.close = async () => {
      await originalClose();
      resolveClosed();
    };
    const handle = serveStdio((ctx) => factory({ transport: 'stdio', era: ctx.era }), {
      transport,
      legacy: 'serve',
      onerror: (error) => log.debug(`stdio: ${error.message}`),
    });
    log.info(`ready on stdio (${governance.live.activeNames().length} tools${common.readOnly ? ', read-only' : ''})`);
    const running: RunningServer = {
      close: async () => {
        await handle.close().catch(() => {});
        await closeDeps();
      },
    };
    // End of stdin means the host is gone: close and let the process exit.
    void closed.then(async () => {
      await running.close();
      process.exitCode = process.exitCode ?? 0;
      setTimeout(() => process.exit(), 50).unref();
    });
    return running;
  }

  let token = common.httpToken;
  if (!token) {
    token = generateToken();
    log.always(`${bin}: no HTTP token configured; generated one for this run (set PORTICO_HTTP_TOKEN or --token-file to choose your own): ${token}`);
    // Printed exactly once above; redacted everywhere after this.
    secrets.register(token);
  }
  let entry: HttpEntry;
  try {
    entry = await startHttpEntry({
      bin,
      version: definition.package.version,
      host: common.host,
      port: common.port,
      token,
      allowedOrigins: common.allowedOrigins,
      sessionIdleMs: common.sessionIdleMs,
      maxBodyBytes: common.maxBodyBytes,
      log,
      createServer: (era) => factory({ transport: 'http', era }),
    });
  } catch (error) {
    await closeDeps();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`port ${common.port} on ${common.host} is in use: pick another with --port (0 picks a free one).`, '--port');
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') throw new ConfigError(`cannot listen on ${common.host}:${common.port} (${code}): check --host and --port.`, '--host');
    throw error;
  }
  log.always(`${bin} listening on ${entry.url}`);
  return {
    url: entry.url,
    token,
    close: async () => {
      await entry.close();
      await closeDeps();
    },
  };
}

function installShutdown(running: RunningServer, log: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received; closing`);
    const force = setTimeout(() => {
      log.warn('shutdown took too long; exiting anyway');
      process.exit(0);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    running
      .close()
      .catch((error: unknown) => log.warn('error during shutdown', error))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
