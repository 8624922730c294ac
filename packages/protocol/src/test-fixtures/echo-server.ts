/** A small server definition used by the protocol's own tests (not shipped: excluded from the build). */
import { z } from '../index.js';
import { defineServer, defineTool, type ToolContext } from '../define.js';
import { readPackageInfo } from '../package-version.js';
import { ToolError } from '../errors.js';
import type { ConfigSpec } from '../config.js';

export interface EchoDeps {
  secret: string;
  /** Steps the last `slow` call completed before it returned or stopped; tests read it to see cancellation. */
  slowStepsDone?: number;
  closed: boolean;
  close(): Promise<void>;
}

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Returns its input text; used by protocol tests.',
  input: z.object({ text: z.string().describe('Text to return.') }),
  output: z.object({ text: z.string().describe('The same text.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ text }) {
    return { structured: { text } };
  },
});

const roots = defineTool({
  name: 'show_roots',
  title: 'Show client roots',
  description: 'Returns the roots the client offered, or null when it offers none.',
  input: z.object({}),
  output: z.object({ roots: z.array(z.object({ uri: z.string(), name: z.string().optional() })).nullable().describe('Client roots or null.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(_args, ctx: ToolContext<EchoDeps>) {
    return { structured: { roots: (await ctx.clientRoots()) ?? null } };
  },
});

const fail = defineTool({
  name: 'fail',
  title: 'Fail',
  description: 'Fails on purpose: an actionable ToolError or an internal fault that mentions the secret.',
  input: z.object({ kind: z.enum(['tool', 'internal']).describe('Which kind of failure.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ kind }, ctx: ToolContext<EchoDeps>) {
    if (kind === 'tool') throw new ToolError('the thing was not found.', { hint: 'ask for another thing.', code: 'not_found' });
    throw new Error(`connection to postgres://user:${ctx.deps.secret}@db failed`);
  },
});

const slow = defineTool({
  name: 'slow',
  title: 'Slow',
  description: 'Counts to n with progress, stopping when cancelled.',
  input: z.object({ steps: z.number().int().min(1).max(1000).describe('How many 10 ms steps.') }),
  output: z.object({ done: z.number().describe('Steps completed.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ steps }, ctx: ToolContext<EchoDeps>) {
    let done = 0;
    try {
      for (; done < steps; done++) {
        if (ctx.signal.aborted) throw new Error('aborted');
        await ctx.progress(done, steps, `step ${done}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return { structured: { done } };
    } finally {
      ctx.deps.slowStepsDone = done;
    }
  },
});

const write = defineTool({
  name: 'write_thing',
  title: 'Write a thing',
  description: 'A writer, so --read-only has something to remove.',
  toolset: 'writes',
  input: z.object({ value: z.string().describe('What to write.') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler({ value }) {
    return { text: `wrote ${value}` };
  },
});

export const echoServer = defineServer<EchoDeps>({
  name: 'echo',
  package: readPackageInfo(import.meta.url),
  defaultPort: 3399,
  tools: [echo, roots, fail, slow, write],
});

export const echoConfig: ConfigSpec<{ secret: string }> = {
  options: { secret: { type: 'string', env: 'ECHO_SECRET', description: 'a secret to leak on purpose' } },
  parse: ({ values }) => ({ secret: (values.secret as string | undefined) ?? 'canary-secret-0123456789' }),
};

export function echoDeps(secret = 'canary-secret-0123456789'): EchoDeps {
  const deps: EchoDeps = {
    secret,
    closed: false,
    async close() {
      deps.closed = true;
    },
  };
  return deps;
}
