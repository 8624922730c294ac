#!/usr/bin/env node
import { runServer } from '@portico/protocol';
import { config } from './config.js';
import { createDeps } from './deps.js';
import { server } from './server.js';

await runServer(server, { config, createDeps });
