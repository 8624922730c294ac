/**
 * Tools, resources, prompts and servers as data. A server is a list of definitions plus the dependencies its
 * handlers need; everything about transports, flags, auth and error shaping lives in runServer.
 */
import type * as z from 'zod';
import type { ContentBlock, GetPromptResult, McpServer, ReadResourceResult, Resource } from '@modelcontextprotocol/server';
import type { Logger } from './logger.js';
import type { PackageInfo } from './package-version.js';

/** Annotations of a tool that changes nothing. */
export interface ReadOnlyAnnotations {
  readOnlyHint: true;
  /** Does the tool reach something outside the server's own domain (the web, a SaaS API)? */
  openWorldHint: boolean;
  destructiveHint?: false;
  idempotentHint?: boolean;
}

/** Annotations of a tool that changes something: the contract makes both hints mandatory for writers. */
export interface WriterAnnotations {
  readOnlyHint: false;
  /** May it destroy or overwrite data (delete, overwrite, reset)? */
  destructiveHint: boolean;
  /** Does calling it twice with the same arguments have no further effect? */
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type ToolAnnotations = ReadOnlyAnnotations | WriterAnnotations;

/** A root the MCP client shared (2025-11-25 clients that declare the `roots` capability). */
export interface ClientRoot {
  uri: string;
  name?: string;
}

export interface SessionInfo {
  transport: 'stdio' | 'http' | 'memory';
  /** Protocol era of this connection: `legacy` = 2025-11-25 (sessionful), `modern` = 2026-07-28. */
  era: 'legacy' | 'modern';
  /** Mcp-Session-Id on sessionful HTTP; undefined elsewhere. */
  id?: string;
}

/** What a tool handler gets besides its arguments. Handlers never touch transports. */
export interface ToolContext<Deps = unknown> {
  deps: Deps;
  /** Aborted when the client cancels the request or the connection closes: pass it down to lib/. */
  signal: AbortSignal;
  /** stderr logger (redacted). */
  log: Logger;
  toolName: string;
  session: SessionInfo;
  /**
   * Reports progress when the client sent a progress token (otherwise a no-op). Calls closer than 100 ms
   * apart are coalesced, so it is cheap to call in a loop.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends an MCP logging notification to the client (subject to its logging/setLevel). */
  notify(level: 'debug' | 'info' | 'notice' | 'warning' | 'error', data: unknown): Promise<void>;
  /**
   * The client's roots, or undefined when the client does not offer roots (no `roots` capability, or a
   * 2026-07-28 stateless connection). Cached per connection; refreshed after `notifications/roots/list_changed`.
   */
  clientRoots(): Promise<ClientRoot[] | undefined>;
  /**
   * Asks the user through MCP elicitation (2025-11-25 clients that declare the capability). Returns
   * undefined when the client cannot be asked, so the caller decides what "no answer" means.
   */
  elicit(message: string, requestedSchema: ElicitSchema): Promise<ElicitAnswer | undefined>;
  /** Asks the client's model through MCP sampling; undefined when the client cannot be asked. */
  sample(prompt: string, maxTokens?: number): Promise<string | undefined>;
}

/** A flat JSON Schema object of primitive fields, as MCP elicitation allows. */
export interface ElicitSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

export interface ElicitAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** What a handler returns. `structured` must match the tool's output schema when it has one. */
export interface ToolOutput<S = Record<string, unknown>> {
  structured?: S;
  /** Text rendering for the model. Defaults to pretty-printed JSON of `structured`. */
  text?: string;
  /** Extra content blocks (images, audio, embedded resources) placed after the text. */
  content?: ContentBlock[];
}

type AnyZodObject = z.ZodObject<z.ZodRawShape>;

export interface ToolDefinition<Deps = unknown, I extends AnyZodObject = AnyZodObject, O extends AnyZodObject = AnyZodObject> {
  /** snake_case, unique within the server. */
  name: string;
  title: string;
  description: string;
  /** Group used by `--toolsets`; defaults to `default`. */
  toolset?: string;
  /** Input schema: every field needs `.describe(...)` (checked by the invariants test helper). */
  input: I;
  /** Output schema for `structuredContent`; omit only for tools that return no data. */
  output?: O;
  annotations: ToolAnnotations;
  /** Marks a drop-in alias (e.g. `read_file` for `read_text_file`) so docs can say so. */
  deprecatedAliasOf?: string;
  /**
   * For writers: says exactly what this call will change (paths, refs, row counts from a dry run), shown to
   * the user when `--confirm` asks for a confirmation. Return undefined when this particular call destroys
   * nothing (e.g. a move to a free destination), so no confirmation is needed under `--confirm destructive`.
   * Throwing a ToolError here refuses the call before anyone is asked.
   */
  preview?(args: z.infer<I>, ctx: ToolContext<Deps>): Promise<string | undefined>;
  /** Top-level argument names whose values never go into the audit log (file contents, message bodies). */
  auditOmit?: string[];
  /** Name of a rate-limit bucket this tool shares with others (declared in the server's rateLimitBuckets). */
  rateLimitBucket?: string;
  handler(args: z.infer<I>, ctx: ToolContext<Deps>): Promise<ToolOutput<z.infer<O>>>;
}

export function defineTool<Deps, I extends AnyZodObject, O extends AnyZodObject = AnyZodObject>(
  definition: ToolDefinition<Deps, I, O>,
): ToolDefinition<Deps, I, O> {
  return definition;
}

/** A handful of tools that share a deps type: `const tool = toolFactory<MyDeps>(); tool({...})`. */
export function toolFactory<Deps>() {
  return <I extends AnyZodObject, O extends AnyZodObject = AnyZodObject>(definition: ToolDefinition<Deps, I, O>) => definition;
}

export interface ResourceContext<Deps = unknown> {
  deps: Deps;
  signal: AbortSignal;
  log: Logger;
  clientRoots(): Promise<ClientRoot[] | undefined>;
}

/** A fixed resource (one URI). */
export interface ResourceDefinition<Deps = unknown> {
  name: string;
  uri: string;
  title?: string;
  description?: string;
  mimeType?: string;
  read(uri: URL, ctx: ResourceContext<Deps>): Promise<ReadResourceResult>;
  /**
   * Watches this resource for `resources/subscribe`: call `changed` whenever its content changes and return
   * the function that stops watching. Declaring it makes the server advertise `resources.subscribe`.
   */
  subscribe?(uri: URL, changed: () => void, ctx: ResourceContext<Deps>): Promise<() => void>;
}

/** A family of resources under a URI template (RFC 6570), optionally listable. */
export interface ResourceTemplateDefinition<Deps = unknown> {
  name: string;
  uriTemplate: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Lists the concrete resources, shown in resources/list. */
  list?(ctx: ResourceContext<Deps>): Promise<Resource[]>;
  read(uri: URL, variables: Record<string, string | string[]>, ctx: ResourceContext<Deps>): Promise<ReadResourceResult>;
  /**
   * Watches one resource for `resources/subscribe` (2025-11-25 sessions): validate the URI as `read` does
   * (throw a ToolError to refuse), call `changed` whenever it changes, and return the function that stops
   * watching. Declaring it makes the server advertise `resources.subscribe`.
   */
  subscribe?(uri: URL, changed: () => void, ctx: ResourceContext<Deps>): Promise<() => void>;
}

export interface PromptDefinition<Deps = unknown, A extends AnyZodObject = AnyZodObject> {
  name: string;
  title?: string;
  description: string;
  args?: A;
  get(args: z.infer<A>, ctx: ResourceContext<Deps>): Promise<GetPromptResult>;
}

export function definePrompt<Deps, A extends AnyZodObject>(definition: PromptDefinition<Deps, A>): PromptDefinition<Deps, A> {
  return definition;
}

export interface ServerDefinition<Deps = unknown> {
  /** Short name: `sqlite` gives the bin `portico-sqlite`. */
  name: string;
  /** From `readPackageInfo(import.meta.url)`: the version is never a literal. */
  package: PackageInfo;
  title?: string;
  /** Server instructions sent at initialize: how the tools fit together. */
  instructions?: string;
  /** HTTP port when `--port` is not given (see the contract's port table). */
  defaultPort: number;
  // Definitions are stored with their own input/output types; `any` here only erases them for the list.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tools: ToolDefinition<Deps, any, any>[];
  /** Toolset name -> one-line description, for --help and docs. */
  toolsets?: Record<string, string>;
  resources?: ResourceDefinition<Deps>[];
  resourceTemplates?: ResourceTemplateDefinition<Deps>[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  prompts?: PromptDefinition<Deps, any>[];
  /**
   * Rate-limit buckets for upstream-heavy tools (bucket name -> default rate like `30/min`, and why), shared
   * by every session; operators override them with `--rate-limit-bucket NAME=RATE` or `NAME=off`.
   */
  rateLimitBuckets?: Record<string, { rate: string; description: string }>;
  /**
   * Escape hatch for protocol features that have no data shape here yet (e.g. resources/subscribe):
   * called once per SDK server instance after everything above is registered.
   */
  extend?(server: McpServer, context: { deps: Deps; log: Logger; session: SessionInfo }): void;
}

export function defineServer<Deps>(definition: ServerDefinition<Deps>): ServerDefinition<Deps> {
  return definition;
}
