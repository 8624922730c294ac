/**
 * Builds one SDK McpServer from a ServerDefinition: the filtered tool inventory, resources and prompts, each
 * handler wrapped so it gets a ToolContext (deps, signal, progress, roots) and its result or error is
 * shaped by results.ts. One instance serves one stdio connection, one 2025-11-25 HTTP session, or one
 * 2026-07-28 HTTP request.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { inputRequired, inputResponse, McpServer, ResourceTemplate, type CallToolResult, type RegisteredTool, type ServerContext } from '@modelcontextprotocol/server';
import type { ClientRoot, ElicitAnswer, ResourceContext, ServerDefinition, SessionInfo, ToolContext, ToolDefinition } from './define.js';
import { errorToResult, toCallToolResult } from './results.js';
import {
  type AuditOutcome,
  auditArguments,
  CONFIRM_SCHEMA,
  confirmationMessage,
  createGovernance,
  DEFAULT_GOVERNANCE,
  defaultPreview,
  describeDenial,
  type Governance,
  notConfirmedText,
  requiresConfirmation,
  verdictOf,
} from './governance/index.js';
import type { Logger } from './logger.js';
import { newReferenceId, ToolError } from './errors.js';
import { secrets } from './secrets.js';
import { fastOutputSchema } from './output-check.js';

export interface BuildOptions<Deps> {
  definition: ServerDefinition<Deps>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tools: ToolDefinition<Deps, any, any>[];
  deps: Deps;
  log: Logger;
  session: SessionInfo;
  /**
   * Process-wide confirmations, rate limits, audit log and live tool list. Omitted (tests): destructive
   * tools are confirmed, nothing is limited or logged, and the tool list is `tools`.
   */
  governance?: Governance;
}

/** Largest combined number of array elements and object members in one tools/call (a cheap DoS bound). */
const MAX_TOOL_INPUT_ELEMENTS = 200_000;
/** How long a roots/list request to the client may take before we carry on with the operator's roots. */
const ROOTS_TIMEOUT_MS = 10_000;
// Coalesces progress from tight loops (one call per file in a 100,000-file walk) without hiding real steps.
const PROGRESS_MIN_INTERVAL_MS = 25;

const CONFIRM_KEY = 'portico_confirm';
// Signs confirmation state for 2026-07-28 round trips: the client echoes it back, so it must not be forgeable.
const CONFIRMATION_KEY = randomBytes(32);

/** Ties a 2026-07-28 confirmation answer to the tool, its arguments and the exact preview the user saw. */
function confirmationBinding(toolName: string, args: unknown, preview: string): string {
  return createHmac('sha256', CONFIRMATION_KEY).update(JSON.stringify([toolName, args, preview])).digest('base64url');
}

export function buildMcpServer<Deps>(options: BuildOptions<Deps>): McpServer {
  const { definition, deps, log, session } = options;
  const server = new McpServer(
    { name: `portico-${definition.name}`, version: definition.package.version, ...(definition.title ? { title: definition.title } : {}) },
    {
      capabilities: {
        tools: { listChanged: true },
        logging: {},
        ...(definition.resources?.length || definition.resourceTemplates?.length
          ? { resources: { listChanged: true, ...(canWatchResources(definition) ? { subscribe: true } : {}) } }
          : {}),
        ...(definition.prompts?.length ? { prompts: { listChanged: true } } : {}),
      },
      ...(definition.instructions ? { instructions: definition.instructions } : {}),
      maxToolInputElements: MAX_TOOL_INPUT_ELEMENTS,
      // A toolset switch enables several tools at once: one notification for the lot.
      debouncedNotificationMethods: ['notifications/tools/list_changed'],
    },
  );

  const roots = new ClientRootsCache(server, log, session.era);
  const governance = options.governance ?? createGovernance(definition, options.tools, DEFAULT_GOVERNANCE);
  // One bucket per McpServer = per stdio connection or 2025-11-25 session; stateless requests share one.
  const sessionBucket = session.era === 'modern' && session.transport === 'http' ? governance.rate.statelessBucket() : governance.rate.sessionBucket();
  // 2026-07-28 clients declare their capabilities per request; the SDK backfills them here. They can be asked
  // only through input_required results (confirmations below), not by a request pushed from a handler.
  const clientElicits = () => Boolean(server.server.getClientCapabilities()?.elicitation);

  const registered = new Map<string, RegisteredTool>();
  for (const tool of governance.tools) {
    const handle = server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        // The SDK checks every result against this; fastOutputSchema makes that check read-only (output-check.ts).
        ...(tool.output ? { outputSchema: fastOutputSchema(tool.output) } : {}),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: unknown, sctx: ServerContext) => {
        const signal = sctx.mcpReq.signal;
        const started = performance.now();
        const sessionId = sctx.sessionId;
        const ctx: ToolContext<Deps> = {
          deps,
          signal,
          log,
          toolName: tool.name,
          session: { ...session, ...(sessionId ? { id: sessionId } : {}) },
          progress: progressReporter(sctx),
          notify: async (level, data) => {
            try {
              await sctx.mcpReq.log(level, secrets.redactDeep(data), `portico-${definition.name}`);
            } catch {
              // Logging notifications are best effort (2026-07-28 clients may not take them).
            }
          },
          clientRoots: () => roots.get(sctx),
          elicit: async (message, requestedSchema) => {
            if (session.era === 'modern' || !clientElicits()) return undefined;
            const answer = await sctx.mcpReq.elicitInput({ mode: 'form', message, requestedSchema } as never);
            return { action: answer.action, ...(answer.content ? { content: answer.content as Record<string, unknown> } : {}) };
          },
          sample: async (prompt, maxTokens = 500) => {
            if (session.era === 'modern' || !server.server.getClientCapabilities()?.sampling) return undefined;
            const answer = await sctx.mcpReq.requestSampling({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens });
            const content = Array.isArray(answer.content) ? answer.content[0] : answer.content;
            return content && content.type === 'text' ? content.text : undefined;
          },
        };
        const finish = (result: CallToolResult, outcome: AuditOutcome, errorCode?: string): CallToolResult => {
          governance.audit?.write({
            time: new Date().toISOString(),
            server: `portico-${definition.name}`,
            transport: session.transport,
            era: session.era,
            session: sessionId ?? (session.transport === 'http' ? 'stateless' : session.transport),
            tool: tool.name,
            arguments: auditArguments(args, tool.auditOmit),
            outcome,
            ...(errorCode ? { error_code: errorCode } : {}),
            duration_ms: Math.round((performance.now() - started) * 10) / 10,
          });
          return result;
        };
        const fail = (error: unknown): CallToolResult => {
          const result = errorToResult(error, log, tool.name, signal);
          if (error instanceof ToolError) return finish(result, 'error', error.code);
          return finish(result, signal.aborted ? 'cancelled' : 'error', signal.aborted ? undefined : 'internal');
        };

        const denial = governance.rate.admit(sessionBucket, tool.rateLimitBucket);
        if (denial) {
          log.debug(`rate limited ${tool.name} (${denial.scope}${denial.bucket ? ` ${denial.bucket}` : ''})`);
          return finish({ content: [{ type: 'text', text: describeDenial(denial, tool.name) }], isError: true }, 'rate_limited', 'rate_limited');
        }
        try {
          if (requiresConfirmation(governance.confirm, tool.annotations) && clientElicits()) {
            let what = tool.preview ? await tool.preview(args as never, ctx) : defaultPreview(tool.name, args, tool.auditOmit);
            // Under --confirm writes every change is confirmed, even one the tool calls non-destructive.
            if (what === undefined && governance.confirm === 'writes') what = defaultPreview(tool.name, args, tool.auditOmit);
            if (what !== undefined) {
              const message = confirmationMessage(tool.title, tool.name, secrets.redact(what));
              let answer: ElicitAnswer | undefined;
              if (session.era === 'modern') {
                // 2026-07-28: no server-to-client request; the call returns input_required and the client
                // retries with the user's answer. The state binds the answer to this exact preview: if what
                // the call would do changed between the rounds, the user is asked again.
                const binding = confirmationBinding(tool.name, args, what);
                const response = inputResponse(sctx.mcpReq.inputResponses, CONFIRM_KEY);
                if (response.kind !== 'elicit' || sctx.mcpReq.requestState<string>() !== binding) {
                  return inputRequired({ inputRequests: { [CONFIRM_KEY]: inputRequired.elicit({ mode: 'form', message, requestedSchema: CONFIRM_SCHEMA } as never) }, requestState: binding }) as never;
                }
                answer = { action: response.action, ...(response.content ? { content: response.content } : {}) };
              } else {
                answer = await sctx.mcpReq
                  .elicitInput({ mode: 'form', message, requestedSchema: CONFIRM_SCHEMA } as never, { timeout: governance.confirmTimeoutMs, signal })
                  .then((a) => ({ action: a.action, ...(a.content ? { content: a.content as Record<string, unknown> } : {}) }))
                  .catch((error: unknown) => {
                    // A timeout, a client that cannot answer, or a cancelled call: no answer means no change.
                    log.debug(`confirmation for ${tool.name} got no answer: ${(error as Error).message}`);
                    return undefined;
                  });
              }
              const verdict = verdictOf(answer);
              if (verdict !== 'accepted') {
                const text = notConfirmedText(tool.name, verdict, governance.confirmTimeoutMs / 1000);
                return finish({ content: [{ type: 'text', text }], isError: true }, 'declined', verdict);
              }
            }
          }
          const output = await tool.handler(args as never, ctx);
          if (tool.output && output.structured === undefined) {
            throw new Error(`tool ${tool.name} declares an output schema but returned no structured content`);
          }
          return finish(toCallToolResult(output), 'ok');
        } catch (error) {
          return fail(error);
        }
      },
    );
    if (!governance.live.isActive(tool.name)) handle.disable();
    registered.set(tool.name, handle);
  }
  // Follow the live tool list: the SDK sends notifications/tools/list_changed for each enable/disable.
  const unsubscribe = governance.live.subscribe(() => {
    for (const [name, handle] of registered) {
      const active = governance.live.isActive(name);
      if (active !== handle.enabled) {
        if (active) handle.enable();
        else handle.disable();
      }
    }
  });
  const previousOnClose = server.server.onclose;
  server.server.onclose = () => {
    unsubscribe();
    previousOnClose?.();
  };

  const resourceContext = (signal: AbortSignal, sctx: ServerContext | undefined): ResourceContext<Deps> => ({
    deps,
    signal,
    log,
    clientRoots: () => (sctx ? roots.get(sctx) : Promise.resolve(undefined)),
  });

  for (const resource of definition.resources ?? []) {
    server.registerResource(
      resource.name,
      resource.uri,
      { ...(resource.title ? { title: resource.title } : {}), ...(resource.description ? { description: resource.description } : {}), ...(resource.mimeType ? { mimeType: resource.mimeType } : {}) },
      async (uri: URL, sctx: ServerContext) => guardResource(log, () => resource.read(uri, resourceContext(sctx.mcpReq.signal, sctx))),
    );
  }
  for (const template of definition.resourceTemplates ?? []) {
    server.registerResource(
      template.name,
      new ResourceTemplate(template.uriTemplate, {
        list: template.list
          ? async (sctx: ServerContext) => ({ resources: await guardResource(log, () => template.list!(resourceContext(sctx.mcpReq.signal, sctx))) })
          : undefined,
      }),
      { ...(template.title ? { title: template.title } : {}), ...(template.description ? { description: template.description } : {}), ...(template.mimeType ? { mimeType: template.mimeType } : {}) },
      async (uri: URL, variables: Record<string, string | string[]>, sctx: ServerContext) =>
        guardResource(log, () => template.read(uri, variables, resourceContext(sctx.mcpReq.signal, sctx))),
    );
  }
  for (const prompt of definition.prompts ?? []) {
    const config = { ...(prompt.title ? { title: prompt.title } : {}), description: prompt.description, ...(prompt.args ? { argsSchema: prompt.args } : {}) };
    // The SDK's overloads differ only in whether argsSchema is present; one call site keeps this simple.
    (server.registerPrompt as (name: string, config: unknown, cb: unknown) => void)(prompt.name, config, async (...cbArgs: unknown[]) => {
      const sctx = (prompt.args ? cbArgs[1] : cbArgs[0]) as ServerContext;
      const args = (prompt.args ? cbArgs[0] : {}) as never;
      return guardResource(log, () => prompt.get(args, resourceContext(sctx.mcpReq.signal, sctx)));
    });
  }

  const stopWatching = registerSubscriptions(server, definition, resourceContext, log);
  const onCloseBeforeSubscriptions = server.server.onclose;
  server.server.onclose = () => {
    stopWatching();
    onCloseBeforeSubscriptions?.();
  };

  definition.extend?.(server, { deps, log, session });

  // Re-list roots when the client says they changed.
  server.server.setNotificationHandler('notifications/roots/list_changed', async () => {
    roots.invalidate();
  });
  return server;
}

/** True when a fixed resource or a template can watch its resources (the server then advertises subscribe). */
function canWatchResources<Deps>(definition: ServerDefinition<Deps>): boolean {
  return !!(definition.resources?.some((r) => r.subscribe) || definition.resourceTemplates?.some((t) => t.subscribe));
}

/**
 * resources/subscribe and resources/unsubscribe for fixed resources and templates that can watch their
 * resources. One watch per URI per session; all of a session's watches stop when it closes. Returns the
 * stop-all function.
 */
function registerSubscriptions<Deps>(
  server: McpServer,
  definition: ServerDefinition<Deps>,
  resourceContext: (signal: AbortSignal, sctx: ServerContext | undefined) => ResourceContext<Deps>,
  log: Logger,
): () => void {
  const watchableFixed = (definition.resources ?? []).filter((r) => r.subscribe);
  const watchable = (definition.resourceTemplates ?? []).filter((t) => t.subscribe);
  const watches = new Map<string, () => void>();
  const stopAll = () => {
    for (const stop of watches.values()) stop();
    watches.clear();
  };
  if (!canWatchResources(definition)) return stopAll;
  server.server.setRequestHandler('resources/subscribe', async (request, sctx) => {
    const uri = request.params.uri;
    if (watches.has(uri)) return {};
    const fixed = watchableFixed.find((r) => r.uri === uri);
    const template = fixed ? undefined : watchable.find((t) => new ResourceTemplate(t.uriTemplate, { list: undefined }).uriTemplate.match(uri));
    if (!fixed && !template) throw new Error(`"${uri}" is not a resource this server can watch.`);
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new Error(`"${uri}" is not a valid URI.`);
    }
    const changed = () => {
      void server.server.sendResourceUpdated({ uri }).catch(() => {
        // The session may be closing; its watches stop with it.
      });
    };
    const ctx = resourceContext(sctx.mcpReq.signal, sctx as ServerContext);
    const stop = await guardResource(log, () => (fixed ? fixed.subscribe!(parsed, changed, ctx) : template!.subscribe!(parsed, changed, ctx)));
    // A second subscribe for the same URI may have raced this one; keep one watch.
    if (watches.has(uri)) stop();
    else watches.set(uri, stop);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    watches.get(request.params.uri)?.();
    watches.delete(request.params.uri);
    return {};
  });
  return stopAll;
}

/** Resource and prompt failures become JSON-RPC errors; only ToolError text reaches the client. */
async function guardResource<T>(log: Logger, fn: () => Promise<T>): Promise<T> {
  try {
    return secrets.redactDeep(await fn());
  } catch (error) {
    if (error instanceof ToolError) throw new Error(secrets.redact(error.toModelText()));
    const ref = newReferenceId();
    log.error(`internal fault while reading a resource or prompt (ref ${ref})`, error);
    throw new Error(`Internal error (reference ${ref}); details are in the server's log.`);
  }
}

function progressReporter(sctx: ServerContext): ToolContext['progress'] {
  const token = sctx.mcpReq._meta?.progressToken;
  if (token === undefined) return async () => {};
  let last = 0;
  return async (progress, total, message) => {
    const now = Date.now();
    const final = total !== undefined && progress >= total;
    if (!final && now - last < PROGRESS_MIN_INTERVAL_MS) return;
    last = now;
    try {
      await sctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
      });
    } catch {
      // The client may have gone; the handler's signal tells it to stop.
    }
  };
}

/**
 * Client roots for one connection. Only 2025-11-25 clients that declare the `roots` capability can be
 * asked; for everyone else the answer is "no roots", and the operator's configuration stands alone.
 */
class ClientRootsCache {
  private cached: Promise<ClientRoot[] | undefined> | undefined;
  constructor(
    private readonly server: McpServer,
    private readonly log: Logger,
    private readonly era: SessionInfo['era'],
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  get(sctx: ServerContext): Promise<ClientRoot[] | undefined> {
    const caps = this.server.server.getClientCapabilities();
    // 2026-07-28 has no server-to-client roots/list request; those clients pass paths explicitly.
    if (this.era === 'modern' || !caps?.roots) return Promise.resolve(undefined);
    if (!this.cached) {
      const pending = sctx.mcpReq
        .send({ method: 'roots/list' }, { timeout: ROOTS_TIMEOUT_MS })
        .then((result) => (result as { roots: ClientRoot[] }).roots.map((r) => ({ uri: r.uri, ...(r.name ? { name: r.name } : {}) })))
        .catch((error: unknown) => {
          // A client that declares roots but cannot list them gets no widening and no narrowing; say so.
          this.log.warn(`the client declared roots but roots/list failed: ${(error as Error).message}`);
          this.cached = undefined;
          return undefined;
        });
      this.cached = pending;
    }
    return this.cached;
  }
}
