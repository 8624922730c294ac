import { defineTool, z } from '@portico/protocol';
import type { TemplateDeps } from '../deps.js';

export const greet = defineTool({
  name: 'greet',
  title: 'Greet someone',
  description: 'Returns a greeting for a name. Harmless; shows the shape of a read-only tool.',
  toolset: 'basics',
  input: z.object({
    name: z.string().min(1).max(100).describe('Who to greet, e.g. "Ada".'),
  }),
  output: z.object({ message: z.string().describe('The greeting.') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler({ name }, { deps }: { deps: TemplateDeps }) {
    const message = `${deps.greeting}, ${name}!`;
    return { structured: { message }, text: message };
  },
});
