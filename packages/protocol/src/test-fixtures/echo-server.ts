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
  /** What delete_thing and put_thing change, so tests can see whether a call changed anything. */
  things: Map<string, string>;
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

const deleteThing = defineTool({
  name: 'delete_thing',
  title: 'Delete a thing',
  description: 'A destructive writer with a preview, for confirmation tests.',
  toolset: 'writes',
  input: z.object({ name: z.string().describe('Which thing to delete.') }),
  output: z.object({ deleted: z.string().describe('The thing deleted.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async preview({ name }, ctx: ToolContext<EchoDeps>) {
    const value = ctx.deps.things.get(name);
    if (value === undefined) throw new ToolError(`there is no thing called ${name}.`, { code: 'not_found' });
    return `Delete the thing "${name}" (${value.length} characters).`;
  },
  async handler({ name }, ctx: ToolContext<EchoDeps>) {
    if (!ctx.deps.things.delete(name)) throw new ToolError(`there is no thing called ${name}.`, { code: 'not_found' });
    return { structured: { deleted: name } };
  },
});

const putThing = defineTool({
  name: 'put_thing',
  title: 'Put a thing',
  description: 'Stores content under a name (overwrites: destructive); its content never goes into the audit log.',
  toolset: 'writes',
  input: z.object({ name: z.string().describe('Name.'), content: z.string().describe('Content to store.') }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  auditOmit: ['content'],
  // Only an overwrite destroys anything.
  async preview({ name }, ctx: ToolContext<EchoDeps>) {
    return ctx.deps.things.has(name) ? `Overwrite the thing "${name}".` : undefined;
  },
  async handler({ name, content }, ctx: ToolContext<EchoDeps>) {
    ctx.deps.things.set(name, content);
    return { text: `stored ${name}` };
  },
});

const searchThings = defineTool({
  name: 'search_things',
  title: 'Search things',
  description: 'Lists thing names; shares the `search` rate-limit bucket.',
  toolset: 'search',
  input: z.object({}),
  output: z.object({ names: z.array(z.string()).describe('Names of the things.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  rateLimitBucket: 'search',
  async handler(_args, ctx: ToolContext<EchoDeps>) {
    return { structured: { names: [...ctx.deps.things.keys()] } };
  },
});

export const echoServer = defineServer<EchoDeps>({
  name: 'echo',
  package: readPackageInfo(import.meta.url),
  defaultPort: 3399,
  tools: [echo, roots, fail, slow, write, deleteThing, putThing, searchThings],
  toolsets: { default: 'echo, roots, failures', writes: 'things that change', search: 'finding things' },
  rateLimitBuckets: { search: { rate: '3/min', description: 'search calls (an upstream-heavy stand-in)' } },
});

export const echoConfig: ConfigSpec<{ secret: string }> = {
  options: { secret: { type: 'string', env: 'ECHO_SECRET', description: 'a secret to leak on purpose' } },
  parse: ({ values }) => ({ secret: (values.secret as string | undefined) ?? 'canary-secret-0123456789' }),
};

export function echoDeps(secret = 'canary-secret-0123456789'): EchoDeps {
  const deps: EchoDeps = {
    secret,
    closed: false,
    things: new Map([
      ['alpha', 'first thing'],
      ['beta', 'second thing'],
    ]),
    async close() {
      deps.closed = true;
    },
  };
  return deps;
}
