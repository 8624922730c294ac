/** In-memory MCP client against the git server, with a sandbox over the given directories (tests only). */
import { createLogger, PathSandbox } from '@portico/protocol';
import { type ClientSetup, connectInMemory, type TestClient, textOf } from '@portico/protocol/testing';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import type { GitDeps } from '../deps.js';
import { server } from '../server.js';
import { testPolicy } from './fixtures.js';

export async function connectGit(dirs: string[], env: NodeJS.ProcessEnv, options: ClientSetup & { allowHooks?: boolean; readOnly?: boolean } = {}): Promise<TestClient> {
  const sandbox = await PathSandbox.create(dirs);
  const deps: GitDeps = {
    access: { sandbox, policy: { ...testPolicy, allowHooks: options.allowHooks === true }, baseEnv: env },
    close: async () => {},
  };
  return connectInMemory(server, { ...options, deps, selection: { readOnly: options.readOnly === true }, log: createLogger({ name: 'git-test', level: 'error' }) });
}

/** Calls a tool and expects success; returns the structured content and the text. */
export async function ok<T = Record<string, unknown>>(c: TestClient, name: string, args: Record<string, unknown>): Promise<{ s: T; text: string; r: CallToolResult }> {
  const r = await c.callTool(name, args);
  if (r.isError) throw new Error(`${name} failed: ${textOf(r)}`);
  return { s: r.structuredContent as T, text: textOf(r), r };
}

/** Calls a tool and expects an isError result; returns its text. */
export async function fails(c: TestClient, name: string, args: Record<string, unknown>): Promise<string> {
  const r = await c.callTool(name, args);
  expect(r.isError, `${name} should fail but answered: ${textOf(r)}`).toBe(true);
  return textOf(r);
}
