#!/usr/bin/env node
import { runServer } from '@portico/protocol';
import { fixtureServer } from './fixtures.js';

await runServer(fixtureServer, { config: { parse: () => ({}) }, createDeps: () => ({}) });
