/**
 * Test clients that use the real MCP client (@modelcontextprotocol/client): in memory against a
 * ServerDefinition, over stdio against a built bin, and over Streamable HTTP against a running server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import type { ClientRoot, ServerDefinition } from '../define.js';
import { buildMcpServer } from '../build-server.js';
import { selectTools, type ToolSelection } from '../inventory.js';
import { createLogger, type Logger } from '../logger.js';
import { createGovernance, DEFAULT_GOVERNANCE, type Governance, type GovernanceSettings } from '../governance/index.js';

export type Era = 'legacy' | 'modern';

export interface ClientSetup {
  /** Roots this client offers (declares the roots capability). Omit for a client without roots. */
  roots?: ClientRoot[];
  /** legacy = 2025-11-25 (default), modern = 2026-07-28. */
  era?: Era;
  /** Answer elicitation requests (declares the elicitation capability). */
  onElicit?: (params: unknown) => Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>;
}

export interface TestClient {
  client: Client;
  listTools(): Promise<Tool[]>;
  callTool(name: string, args?: Record<string, unknown>, options?: { signal?: AbortSignal; onprogress?: (p: unknown) => void; timeout?: number }): Promise<CallToolResult>;
  /** Replaces the roots and sends notifications/roots/list_changed. */
  setRoots(roots: ClientRoot[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * With PORTICO_CAPTURE_DIR set (CI does), every server's stdout and stderr and every tool result seen by these
 * clients is appended there, so `scripts/secrets/grep-canaries.mjs` can prove no canary secret leaked.
 */
function capture(kind: 'stdout' | 'stderr' | 'tool-results', data: string | Buffer): void {
  const dir = process.env.PORTICO_CAPTURE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `vitest-${process.pid}-${kind}.log`), data);
}

function makeClient(setup: ClientSetup): { client: Client; roots: { current: ClientRoot[] } } {
  const roots = { current: setup.roots ?? [] };
  const client = new Client(
    { name: 'portico-test-client', version: '0.0.0' },
    {
      capabilities: {
        ...(setup.roots ? { roots: { listChanged: true } } : {}),
        ...(setup.onElicit ? { elicitation: { form: {} } } : {}),
      },
      ...(setup.era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
    },
  );
  if (setup.roots) client.setRequestHandler('roots/list', async () => ({ roots: roots.current }));
  if (setup.onElicit) {
    const onElicit = setup.onElicit;
    client.setRequestHandler('elicitation/create', async (request) => onElicit(request.params) as never);
  }
  return { client, roots };
}

function wrap(client: Client, roots: { current: ClientRoot[] }, hooks: { beforeClose?: () => Promise<void>; afterClose?: () => Promise<void> } = {}): TestClient {
  return {
    client,
    listTools: async () => (await client.listTools()).tools,
    callTool: async (name, args = {}, options = {}) => {
      const result = (await client.callTool(
        { name, arguments: args },
        {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onprogress ? { onprogress: options.onprogress as never } : {}),
          ...(options.timeout ? { timeout: options.timeout } : {}),
        },
      )) as CallToolResult;
      capture('tool-results', `${JSON.stringify(result)}\n`);
      return result;
    },
    setRoots: async (next) => {
      roots.current = next;
      await client.sendRootsListChanged();
    },
    close: async () => {
      await hooks.beforeClose?.();
      await client.close().catch(() => {});
      await hooks.afterClose?.();
    },
  };
}

export interface InMemoryOptions<Deps> extends ClientSetup {
  deps: Deps;
  selection?: ToolSelection;
  log?: Logger;
  /** Confirmation, rate-limit, audit and toolset settings (defaults: confirm destructive, nothing else). */
  governance?: Partial<GovernanceSettings> | Governance;
}

/** Connects a real client to a server built from its definition, in the same process. */
export async function connectInMemory<Deps>(definition: ServerDefinition<Deps>, options: InMemoryOptions<Deps>): Promise<TestClient> {
  const log = options.log ?? createLogger({ name: `portico-${definition.name}`, level: 'error' });
  const tools = selectTools(definition.tools, options.selection ?? { readOnly: false });
  const governance =
    options.governance && 'live' in options.governance
      ? options.governance
      : createGovernance(definition, tools, { ...DEFAULT_GOVERNANCE, ...options.governance });
  const server = buildMcpServer({ definition, tools, deps: options.deps, log, session: { transport: 'memory', era: 'legacy' }, governance });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const { client, roots } = makeClient(options);
  await client.connect(clientTransport);
  return wrap(client, roots, { afterClose: () => server.close() });
}

export interface StdioOptions extends ClientSetup {
  /** Path to the built bin (dist/cli.js); run with the current node. */
  bin: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface StdioTestClient extends TestClient {
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
}

/** Spawns a built bin over stdio, exactly as a host config would, and connects a real client. */
export async function connectStdio(options: StdioOptions): Promise<StdioTestClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [options.bin, ...(options.args ?? [])],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    capture('stderr', chunk);
  });
  const { client, roots } = makeClient(options);
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`could not connect over stdio: ${(error as Error).message}\nstderr:\n${stderr}`);
  }
  return { ...wrap(client, roots), stderr: () => stderr };
}

export interface HttpOptions extends ClientSetup {
  url: string;
  token: string;
}

/** Connects a real client over Streamable HTTP with the bearer token. */
export async function connectHttp(options: HttpOptions): Promise<TestClient> {
  const transport = new StreamableHTTPClientTransport(new URL(options.url), {
    requestInit: { headers: { authorization: `Bearer ${options.token}` } },
  });
  const { client, roots } = makeClient(options);
  await client.connect(transport);
  // DELETE the session before closing, as a well-behaved client does, so the server frees it at once.
  return wrap(client, roots, { beforeClose: () => transport.terminateSession().catch(() => {}) });
}

export interface BinProcess {
  url: string;
  token: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a built bin with `--transport http --port 0` and a token, waits for its listening line.
 * Ends only the process it started, by PID.
 */
export async function startHttpBin(options: { bin: string; args?: string[]; env?: Record<string, string>; token?: string; timeoutMs?: number }): Promise<BinProcess> {
  // CI sets PORTICO_TEST_HTTP_TOKEN to the canary bearer token, so every HTTP e2e test runs with a secret
  // that the canary grep then looks for in everything captured.
  const token = options.token ?? process.env.PORTICO_TEST_HTTP_TOKEN ?? `test-token-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const child = spawn(process.execPath, [options.bin, '--transport', 'http', '--port', '0', ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env, PORTICO_HTTP_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    capture('stdout', c);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${options.timeoutMs ?? 20000} ms; stderr:\n${stderr}`)), options.timeoutMs ?? 20_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      capture('stderr', c);
      const match = / listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bin exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
  return {
    url,
    token,
    child,
    stderr: () => stderr + (stdout ? `\n[stdout]\n${stdout}` : ''),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** The text blocks of a tool result, joined. */
export function textOf(result: CallToolResult): string {
  return result.content
    .filter((b): b is { type: 'text'; text: string } => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}
