/**
 * What every GitHub tool shares: the owner/repo/paging fields, the mapping of lib errors to ToolError, and
 * the last step before a result leaves: invisible and bidirectional control characters stripped from all
 * text (prompt-injection hygiene, the protocol's shared helpers). `githubTool` wraps defineTool so no tool
 * can forget either. Text written by others (bodies, comments, files, commit messages) is also delimited as
 * untrusted in each tool's text rendering, where the tool knows what it is and where it came from.
 */
import { abortedByTimeout, defineTool, duration, sanitizeDeep, stripInvisibleText, ToolError, withinDeadline, z, type ToolDefinition, type ToolOutput } from '@portico/protocol';
import type { GitHubDeps } from '../deps.js';
import { RepositoryNotAllowedError } from '../lib/allowlist.js';
import { GitHubApiError } from '../lib/errors.js';

export const ownerField = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'an owner is a GitHub user or organization name, like "octocat"')
  .describe('Repository owner (user or organization), e.g. "octocat".');
export const repoField = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name has only letters, digits, ".", "_" and "-"')
  .refine((s) => s !== '.' && s !== '..', 'a repository name cannot be "." or ".."')
  .describe('Repository name, e.g. "hello-world".');
export const numberField = (what: string) => z.number().int().positive().describe(`${what} number, e.g. 42.`);
export const pageField = z.number().int().min(1).max(1000).optional().describe('Page of results, from 1 (default 1).');
export const perPageField = z.number().int().min(1).max(100).optional().describe('Results per page, 1-100 (default 30). Same as per_page.');
export const perPageSnakeField = z.number().int().min(1).max(100).optional().describe('Results per page, 1-100 (default 30). Same as perPage.');
/** Both spellings, as the archived server used each on different tools. */
export const pagingFields = { page: pageField, perPage: perPageField, per_page: perPageSnakeField };

export type GitHubTool = ToolDefinition<GitHubDeps, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function toToolError(error: unknown): unknown {
  if (error instanceof GitHubApiError) return new ToolError(error.message, { ...(error.hint ? { hint: error.hint } : {}), code: error.code, cause: error });
  if (error instanceof RepositoryNotAllowedError) {
    return new ToolError(`${error.message} No request was sent.`, {
      hint: `use a repository matching ${error.patterns.join(', ')}, or ask the operator to add this one to GITHUB_REPOSITORIES.`,
      code: 'repository_not_allowed',
    });
  }
  return error;
}

function sanitizeBlock(block: NonNullable<ToolOutput['content']>[number]): NonNullable<ToolOutput['content']>[number] {
  if (block.type === 'text') return { ...block, text: stripInvisibleText(block.text) };
  return block;
}

export function sanitizeOutput<S>(output: ToolOutput<S>): ToolOutput<S> {
  return {
    ...(output.structured !== undefined ? { structured: sanitizeDeep(output.structured) } : {}),
    ...(output.text !== undefined ? { text: stripInvisibleText(output.text) } : {}),
    ...(output.content ? { content: output.content.map(sanitizeBlock) } : {}),
  };
}

type AnyZodObject = z.ZodObject<z.ZodRawShape>;

/**
 * Runs a handler or preview with the same context, but a signal that also ends at the call's time budget
 * (GitHubClient.callTimeoutMs, see deadline.ts in @portico/protocol), so every request the tool makes stops in
 * time; a failure caused by the budget says so.
 */
function withinCallBudget<C extends { deps: GitHubDeps; signal: AbortSignal }, T>(ctx: C, work: (bounded: C) => Promise<T>): Promise<T> {
  const ms = ctx.deps.github.callTimeoutMs;
  return withinDeadline(ctx.signal, ms, async (signal) => {
    try {
      return await work({ ...ctx, signal });
    } catch (error) {
      throw toToolError(deadlineError(error, signal, ms));
    }
  });
}

/** The tool call's budget ran out outside a request (e.g. while downloading logs): say so plainly. */
function deadlineError(error: unknown, signal: AbortSignal, ms: number): unknown {
  if (error instanceof GitHubApiError || error instanceof ToolError || !abortedByTimeout(signal)) return error;
  return new ToolError(`the call took longer than its ${duration(ms)} budget and was stopped.`, {
    hint: 'GitHub or the network is slow right now: try again in a minute, or ask for less (smaller per_page, fewer lines).',
    code: 'timeout',
  });
}

/** defineTool plus the shared error mapping (handler and confirmation preview), time budget and output sanitizing. */
export function githubTool<I extends AnyZodObject, O extends AnyZodObject>(definition: ToolDefinition<GitHubDeps, I, O>): ToolDefinition<GitHubDeps, I, O> {
  const { preview } = definition;
  return defineTool<GitHubDeps, I, O>({
    ...definition,
    // A preview that fails (allow-list, 404) refuses the call before the user is asked, in the same words.
    ...(preview
      ? {
          preview: (args, ctx) => withinCallBudget(ctx, (bounded) => preview(args, bounded)),
        }
      : {}),
    handler: (args, ctx) => withinCallBudget(ctx, async (bounded) => sanitizeOutput(await definition.handler(args, bounded))),
  });
}

/** The rate-limit bucket every search_* tool shares (declared in server.ts). */
export const SEARCH_BUCKET = 'search';

/** Annotations: every tool reaches GitHub (open world). */
export const READ_ONLY = { readOnlyHint: true, openWorldHint: true } as const;
export function writer(destructive: boolean, idempotent: boolean) {
  return { readOnlyHint: false, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: true } as const;
}

/** Short "owner/repo" for messages. */
export const slug = (a: { owner: string; repo: string }) => `${a.owner}/${a.repo}`;
