import { defineServer, readPackageInfo } from '@portico/protocol';
import type { FetchDeps } from './deps.js';
import { fetchPrompt } from './prompts/fetch.js';
import { FETCH_BUCKET } from './tools/fetch.js';
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
  rateLimitBuckets: {
    [FETCH_BUCKET]: {
      rate: '60/min',
      description:
        'the fetch tool, for every session together: a page a second is plenty for reading and paging (pages are cached), ' +
        'while a model driven by injected instructions cannot turn the server into a crawler or a flood against one site. ' +
        'Paging through the cache counts too.',
    },
  },
  prompts: [fetchPrompt],
});
