import { defineServer, readPackageInfo } from '@portico/protocol';
import type { FetchDeps } from './deps.js';
import { fetchPrompt } from './prompts/fetch.js';
import { tools } from './tools/index.js';

export const server = defineServer<FetchDeps>({
  name: 'fetch',
  package: readPackageInfo(import.meta.url),
  title: 'Portico fetch',
  instructions:
    'fetch reads a web page (or JSON, text, PDF) and returns it as Markdown, in parts of max_length characters: ' +
    'follow the start_index it gives to read on (pages are cached briefly, so paging is cheap). Private, loopback ' +
    "and cloud-metadata addresses are refused, on every redirect too, and the site's robots.txt is obeyed for " +
    'fetches you make on your own. The fetch prompt is for fetches the user asks for.',
  defaultPort: 3307,
  tools,
  prompts: [fetchPrompt],
});
