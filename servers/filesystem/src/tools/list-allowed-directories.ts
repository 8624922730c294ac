import { defineTool, z } from '@portico/protocol';
import { type Ctx, READER, requestSandbox } from './common.js';

export const listAllowedDirectoriesTool = defineTool({
  name: 'list_allowed_directories',
  title: 'List allowed directories',
  description:
    'Returns the directories this server may access in this session (the ones it was started with, narrowed ' +
    'by the client\'s roots), and which of them are read-only. Subdirectories are accessible too. Call this ' +
    'first to know which paths will work.',
  toolset: 'read',
  input: z.object({}),
  output: z.object({
    directories: z.array(z.object({ path: z.string().describe('Absolute real path.'), readOnly: z.boolean().describe('True when files here can be read but not changed.') })).describe('The allowed directories.'),
  }),
  annotations: READER,
  async handler(_args, ctx: Ctx) {
    const sandbox = await requestSandbox(ctx);
    const directories = sandbox.roots.map((r) => ({ path: r.path, readOnly: r.readOnly }));
    const text =
      directories.length === 0
        ? 'Allowed directories:\n(none: the client\'s roots do not overlap the directories this server was started with)'
        : `Allowed directories:\n${directories.map((d) => `${d.path}${d.readOnly ? ' (read-only)' : ''}`).join('\n')}`;
    return { structured: { directories }, text };
  },
});
