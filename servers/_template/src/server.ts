import { defineServer, readPackageInfo } from '@portico/protocol';
import type { TemplateDeps } from './deps.js';
import { tools } from './tools/index.js';

export const server = defineServer<TemplateDeps>({
  name: 'template',
  package: readPackageInfo(import.meta.url),
  title: 'Portico template',
  instructions: 'A template server: greet says hello; add_note stores a note in memory.',
  defaultPort: 3300,
  tools,
  toolsets: { basics: 'greeting tools', notes: 'in-memory notes (writes)' },
});
