/**
 * Output hygiene for every Slack tool (issue 13): messages, names, topics and profiles are written by other
 * people, so invisible and bidirectional control characters (which can hide instructions a reader never
 * sees) are stripped from everything a tool returns, structured and text alike. Message text is also
 * delimited as untrusted data in the tools that show it (history, threads, search), via `messageBlock`.
 */
import { delimitUntrusted, sanitizeDeep, stripInvisibleText, type ToolDefinition, type ToolOutput, type z } from '@portico/protocol';

type AnyZodObject = z.ZodObject<z.ZodRawShape>;

function cleanOutput<S>(output: ToolOutput<S>): ToolOutput<S> {
  return {
    ...(output.structured !== undefined ? { structured: sanitizeDeep(output.structured) } : {}),
    ...(output.text !== undefined ? { text: stripInvisibleText(output.text) } : {}),
    ...(output.content ? { content: output.content.map((block) => (block.type === 'text' ? { ...block, text: stripInvisibleText(block.text) } : block)) } : {}),
  };
}

/** The same tool, with everything its handler returns cleaned. */
export function withOutputHygiene<D, I extends AnyZodObject, O extends AnyZodObject>(tool: ToolDefinition<D, I, O>): ToolDefinition<D, I, O> {
  return { ...tool, handler: async (args, ctx) => cleanOutput(await tool.handler(args, ctx)) };
}

/** Rendered message lines as one untrusted block (none: empty, so the header's count speaks alone). */
export function messageBlock(lines: string, source: string): string {
  return lines ? delimitUntrusted(lines, source) : '';
}

/** "slack #general (C0GENERAL)" when the channel's name is known, else "slack C0GENERAL". */
export function channelSource(channel: string, name: string | undefined): string {
  if (!name) return `slack ${channel}`;
  return `slack ${name.startsWith('@') ? name : `#${name}`} (${channel})`;
}
