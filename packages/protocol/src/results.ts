/**
 * Turns what handlers return (or throw) into MCP tool results: text plus matching structuredContent,
 * ToolErrors as actionable `isError` results, internal faults as a reference id with details on stderr,
 * and every registered secret redacted on the way out.
 */
import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/server';
import type { ToolOutput } from './define.js';
import { newReferenceId, ToolError } from './errors.js';
import type { Logger } from './logger.js';
import { secrets } from './secrets.js';

export function toCallToolResult(output: ToolOutput<unknown>): CallToolResult {
  const structured = output.structured === undefined ? undefined : secrets.redactDeep(output.structured);
  const text = output.text ?? (structured === undefined ? '' : JSON.stringify(structured, null, 2));
  const content: ContentBlock[] = [];
  if (text !== '' || !output.content?.length) content.push({ type: 'text', text: secrets.redact(text) });
  for (const block of output.content ?? []) content.push(secrets.redactDeep(block));
  const result: CallToolResult = { content };
  if (structured !== undefined) result.structuredContent = structured as Record<string, unknown>;
  return result;
}

export function toolErrorResult(error: ToolError): CallToolResult {
  return { content: [{ type: 'text', text: secrets.redact(error.toModelText()) }], isError: true };
}

/**
 * Maps anything a handler threw to a result. Only ToolError text reaches the model; everything else is
 * logged with a reference id that the model can quote to the operator.
 */
export function errorToResult(error: unknown, log: Logger, toolName: string, signal?: AbortSignal): CallToolResult {
  if (error instanceof ToolError) return toolErrorResult(error);
  if (signal?.aborted) {
    return { content: [{ type: 'text', text: `${toolName} was cancelled before it finished; nothing after the cancellation was done.` }], isError: true };
  }
  const ref = newReferenceId();
  log.error(`internal fault in tool ${toolName} (ref ${ref})`, error);
  return {
    content: [{ type: 'text', text: `Internal error in ${toolName} (reference ${ref}). The details are in the server's log; retrying may not help. Report the reference to the operator.` }],
    isError: true,
  };
}
