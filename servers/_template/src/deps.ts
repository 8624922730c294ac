/** What the template's handlers need. A real server opens its connections here and closes them in close(). */
import type { DepsContext } from '@portico/protocol';
import type { TemplateConfig } from './config.js';

export interface TemplateDeps {
  greeting: string;
  /** Notes kept in memory by add_note; a real server would hold a database or a client here. */
  notes: string[];
  close(): Promise<void>;
}

export function createDeps(config: TemplateConfig, _context: DepsContext): TemplateDeps {
  return {
    greeting: config.greeting,
    notes: [],
    async close() {
      // Nothing to release; kept so the shape matches servers that hold connections.
    },
  };
}
