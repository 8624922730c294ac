import { defineTool, ToolError, z } from '@portico/protocol';
import type { TemplateDeps } from '../deps.js';

const MAX_NOTES = 100;

export const addNote = defineTool({
  name: 'add_note',
  title: 'Add a note',
  description: 'Stores a short note in memory and returns how many notes there are. Shows the shape of a writer tool (removed by --read-only).',
  toolset: 'notes',
  input: z.object({
    text: z.string().min(1).max(1000).describe('The note, at most 1000 characters.'),
  }),
  output: z.object({ count: z.number().int().describe('Number of notes stored after this one.') }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler({ text }, { deps }: { deps: TemplateDeps }) {
    if (deps.notes.length >= MAX_NOTES) {
      throw new ToolError(`the note store is full (${MAX_NOTES} notes).`, { hint: 'restart the server to clear it.', code: 'full' });
    }
    deps.notes.push(text);
    return { structured: { count: deps.notes.length }, text: `Stored. ${deps.notes.length} note(s) now.` };
  },
});
