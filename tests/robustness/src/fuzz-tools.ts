/**
 * The argument fuzzer: lists a server's tools through a real MCP client over stdio, derives arbitraries from
 * each input schema, calls every tool a bounded number of times, and classifies every answer.
 *
 * Hard failures (thrown at once): a call that times out (hang), a connection that closes (crash), a ping
 * that goes unanswered. Findings (collected, asserted empty by the caller so all of them show at once): an
 * internal-fault result ("Internal error in <tool> (reference ...)") or a JSON-RPC internal error caused
 * by argument shape.
 */
import fc from 'fast-check';
import { connectStdio, textOf, type StdioTestClient } from '@portico/protocol/testing';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { fcParams } from './budget.js';
import { argumentsArbitrary, type JsonSchema } from './schema-arbitrary.js';
import type { FuzzTarget } from './targets.js';

/** Longest a single fuzzed call may take before it counts as a hang (pg's statement timeout is 1.5 s). */
export const CALL_TIMEOUT_MS = 20_000;
const INTERNAL_FAULT = /Internal error in \S+ \(reference [^)]+\)/;
const JSONRPC_INTERNAL_ERROR = -32603;

export interface Finding {
  server: string;
  tool: string;
  kind: 'internal-fault-result' | 'jsonrpc-internal-error';
  text: string;
  /** The arguments, with long strings shortened so the report stays readable. */
  args: unknown;
  /** The first line of the error the server logged on stderr under the same reference id. */
  detail?: string;
}

/**
 * Internal faults the fuzzer found that are not fixed yet, each with why. Matched on tool and the logged
 * error, never on arguments alone, so any other internal fault still fails the run. Remove an entry once its
 * fix has landed. Empty: the first finding (sqlite named parameters like $1 given without values were an
 * internal fault) is fixed in servers/sqlite/src/lib/operations.ts.
 */
export const KNOWN_FINDINGS: Array<{ server: string; tools: RegExp; detail: RegExp; why: string }> = [];

export function isKnownFinding(f: Finding): boolean {
  return KNOWN_FINDINGS.some((k) => k.server === f.server && k.tools.test(f.tool) && k.detail.test(f.detail ?? ''));
}

/** The logged error line that follows "(ref <id>)" on stderr. */
function detailOf(stderr: string, text: string): string | undefined {
  const ref = /\(reference ([^)]+)\)/.exec(text)?.[1];
  if (!ref) return undefined;
  const at = stderr.indexOf(`(ref ${ref})`);
  if (at < 0) return undefined;
  return stderr.slice(at, stderr.indexOf('\n', at) >= 0 ? stderr.indexOf('\n', at) : undefined).slice(0, 300);
}

export interface FuzzReport {
  tools: number;
  calls: number;
  results: number;
  isErrorResults: number;
  jsonRpcErrors: number;
  findings: Finding[];
  stderr: string;
}

export function abbreviate(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value;
  if (Array.isArray(value)) return value.map(abbreviate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, abbreviate(v)]));
  return value;
}

type Outcome = { kind: 'result'; result: CallToolResult } | { kind: 'jsonrpc-error'; code: number; message: string };

async function callOnce(c: StdioTestClient, tool: string, args: Record<string, unknown>): Promise<Outcome> {
  try {
    return { kind: 'result', result: await c.callTool(tool, args, { timeout: CALL_TIMEOUT_MS }) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message;
    // -32001 is the client's own request timeout; a closed connection has no JSON-RPC code at all.
    if (typeof code !== 'number' || code === -32001 || /closed|timed out/i.test(message)) {
      throw new Error(`${tool} did not answer (${message}) for ${JSON.stringify(abbreviate(args))}`);
    }
    return { kind: 'jsonrpc-error', code, message };
  }
}

export async function fuzzTarget(target: FuzzTarget, runsPerTool: number): Promise<FuzzReport> {
  const c = await connectStdio({ bin: target.bin, args: target.args, env: target.env });
  const report: FuzzReport = { tools: 0, calls: 0, results: 0, isErrorResults: 0, jsonRpcErrors: 0, findings: [], stderr: '' };
  try {
    const tools = await c.listTools();
    report.tools = tools.length;
    for (const tool of tools) {
      const args = argumentsArbitrary(tool.inputSchema as JsonSchema, {
        hostile: target.hostile,
        ...(target.override ? { override: (path: string[]) => target.override!(tool.name, path) } : {}),
      });
      await fc.assert(
        fc.asyncProperty(args, async (value) => {
          report.calls += 1;
          const outcome = await callOnce(c, tool.name, value);
          if (outcome.kind === 'result') {
            report.results += 1;
            if (outcome.result.isError) report.isErrorResults += 1;
            const text = textOf(outcome.result);
            if (INTERNAL_FAULT.test(text)) report.findings.push({ server: target.name, tool: tool.name, kind: 'internal-fault-result', text, args: abbreviate(value) });
          } else {
            report.jsonRpcErrors += 1;
            if (outcome.code === JSONRPC_INTERNAL_ERROR) report.findings.push({ server: target.name, tool: tool.name, kind: 'jsonrpc-internal-error', text: outcome.message, args: abbreviate(value) });
          }
        }),
        fcParams(runsPerTool),
      );
      // Still alive and answering after this tool's batch.
      await c.client.ping({ timeout: 10_000 });
    }
  } finally {
    await c.close();
    report.stderr = c.stderr();
    for (const f of report.findings) {
      const detail = detailOf(report.stderr, f.text);
      if (detail) f.detail = detail;
    }
  }
  return report;
}
