/**
 * Checks every server's tool list against the contract: unique snake_case names, a description on the tool
 * and on every input field, annotations with readOnlyHint and openWorldHint, and for writers
 * destructiveHint and idempotentHint. Returns the problems found (empty when all is well).
 */
import type { Tool } from '@modelcontextprotocol/client';

export function toolInvariantProblems(tools: Tool[], options: { requireOutputSchema?: boolean } = {}): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const tool of tools) {
    const where = `tool ${tool.name}`;
    if (seen.has(tool.name)) problems.push(`${where}: duplicate name`);
    seen.add(tool.name);
    if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(tool.name)) problems.push(`${where}: name is not snake_case`);
    if (!tool.description || tool.description.length < 10) problems.push(`${where}: missing or too-short description`);
    const a = tool.annotations;
    if (!a) {
      problems.push(`${where}: no annotations`);
    } else {
      if (typeof a.readOnlyHint !== 'boolean') problems.push(`${where}: readOnlyHint missing`);
      if (typeof a.openWorldHint !== 'boolean') problems.push(`${where}: openWorldHint missing`);
      if (a.readOnlyHint === false) {
        if (typeof a.destructiveHint !== 'boolean') problems.push(`${where}: writer without destructiveHint`);
        if (typeof a.idempotentHint !== 'boolean') problems.push(`${where}: writer without idempotentHint`);
      }
    }
    const props = (tool.inputSchema as { properties?: Record<string, { description?: string }> }).properties ?? {};
    for (const [field, schema] of Object.entries(props)) {
      if (!schema.description) problems.push(`${where}: input field "${field}" has no description`);
    }
    if (options.requireOutputSchema && !tool.outputSchema) problems.push(`${where}: no output schema`);
  }
  return problems;
}

/** A stable, comparable summary of a tool list: names, parameter names, required flags, hints. */
export function toolSchemaSnapshot(tools: Tool[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const tool of [...tools].sort((a, b) => a.name.localeCompare(b.name))) {
    const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown }>; required?: string[] };
    out[tool.name] = {
      params: Object.keys(schema.properties ?? {}).sort(),
      required: [...(schema.required ?? [])].sort(),
      readOnly: tool.annotations?.readOnlyHint ?? null,
      destructive: tool.annotations?.destructiveHint ?? null,
    };
  }
  return out;
}

/** Checks that each drop-in tool exists with at least the listed parameters. Returns the problems. */
export function dropInProblems(tools: Tool[], expected: Record<string, string[]>): string[] {
  const problems: string[] = [];
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const [name, params] of Object.entries(expected)) {
    const tool = byName.get(name);
    if (!tool) {
      problems.push(`missing drop-in tool ${name}`);
      continue;
    }
    const props = Object.keys((tool.inputSchema as { properties?: Record<string, unknown> }).properties ?? {});
    for (const p of params) if (!props.includes(p)) problems.push(`tool ${name}: missing drop-in parameter ${p}`);
  }
  return problems;
}
