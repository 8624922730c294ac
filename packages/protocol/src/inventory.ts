/**
 * Which tools a running server exposes: `--read-only` removes every writer, `--toolsets`, `--tools` and
 * `--exclude-tools` choose among the rest. Unknown names are configuration errors, not silent no-ops.
 */
import type { ToolDefinition } from './define.js';
import { ConfigError } from './errors.js';

export interface ToolSelection {
  readOnly: boolean;
  toolsets?: string[] | undefined;
  tools?: string[] | undefined;
  excludeTools?: string[] | undefined;
}

export const DEFAULT_TOOLSET = 'default';

export function toolsetOf(tool: Pick<ToolDefinition, 'toolset'>): string {
  return tool.toolset ?? DEFAULT_TOOLSET;
}

export function isWriter(tool: Pick<ToolDefinition, 'annotations'>): boolean {
  return tool.annotations.readOnlyHint !== true;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function selectTools<T extends ToolDefinition<any, any, any>>(all: readonly T[], selection: ToolSelection): T[] {
  const names = new Set(all.map((t) => t.name));
  const sets = new Set(all.map(toolsetOf));
  for (const name of [...(selection.tools ?? []), ...(selection.excludeTools ?? [])]) {
    if (!names.has(name)) {
      throw new ConfigError(`unknown tool "${name}" in --tools/--exclude-tools; known tools: ${[...names].join(', ')}.`, '--tools');
    }
  }
  for (const set of selection.toolsets ?? []) {
    if (!sets.has(set)) throw new ConfigError(`unknown toolset "${set}" in --toolsets; known toolsets: ${[...sets].join(', ')}.`, '--toolsets');
  }
  return all.filter((tool) => {
    if (selection.readOnly && isWriter(tool)) return false;
    if (selection.toolsets && !selection.toolsets.includes(toolsetOf(tool))) return false;
    if (selection.tools && !selection.tools.includes(tool.name)) return false;
    if (selection.excludeTools?.includes(tool.name)) return false;
    return true;
  });
}
