/**
 * The tools `--dynamic-toolsets` adds: the client sees which toolsets exist and switches them on and off;
 * each switch sends notifications/tools/list_changed. Only toolsets the operator allowed can be switched on.
 */
import * as z from 'zod';
import { defineTool, type ToolDefinition } from '../define.js';
import { ToolError } from '../errors.js';
import type { LiveToolSet } from './live-tools.js';

const toolsetState = z.object({
  name: z.string().describe('Toolset name.'),
  description: z.string().optional().describe('What the toolset is for.'),
  tools: z.array(z.string()).describe('Tools in the toolset.'),
  enabled: z.boolean().describe('Whether its tools are listed now.'),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toolsetTools(getLive: () => LiveToolSet): ToolDefinition<unknown, any, any>[] {
  const switchTool = (enable: boolean) =>
    defineTool({
      name: enable ? 'enable_toolset' : 'disable_toolset',
      title: enable ? 'Enable toolset' : 'Disable toolset',
      description: enable
        ? 'Switches a toolset on: its tools appear in tools/list (clients are told with notifications/tools/list_changed). Call list_toolsets first.'
        : 'Switches a toolset off: its tools leave tools/list (clients are told with notifications/tools/list_changed).',
      toolset: 'toolsets',
      input: z.object({ toolset: z.string().min(1).max(100).describe('Toolset name, as list_toolsets shows it.') }),
      output: z.object({ toolset: z.string().describe('The toolset.'), enabled: z.boolean().describe('Its state now.'), tools: z.array(z.string()).describe('Tools listed now, across all toolsets.') }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      async handler({ toolset }) {
        const live = getLive();
        if (toolset === 'toolsets' || !live.setToolsetEnabled(toolset, enable)) {
          const known = live.toolsets().map((t) => t.name).filter((name) => name !== 'toolsets');
          throw new ToolError(`there is no toolset "${toolset}" that can be switched.`, { hint: `use one of: ${known.join(', ')}.`, code: 'unknown_toolset' });
        }
        const tools = live.activeNames();
        return { structured: { toolset, enabled: enable, tools }, text: `Toolset ${toolset} is ${enable ? 'on' : 'off'}. Tools now: ${tools.join(', ')}.` };
      },
    });
  return [
    defineTool({
      name: 'list_toolsets',
      title: 'List toolsets',
      description: 'Lists the toolsets of this server, their tools, and which are switched on. Use enable_toolset to add one.',
      toolset: 'toolsets',
      input: z.object({}),
      output: z.object({ toolsets: z.array(toolsetState).describe('Every toolset the operator allows.') }),
      annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
      async handler() {
        const toolsets = getLive().toolsets().filter((t) => t.name !== 'toolsets');
        return {
          structured: { toolsets },
          text: toolsets.map((t) => `${t.enabled ? '[on] ' : '[off]'} ${t.name}${t.description ? `: ${t.description}` : ''} (${t.tools.join(', ')})`).join('\n'),
        };
      },
    }),
    switchTool(true),
    switchTool(false),
  ];
}
