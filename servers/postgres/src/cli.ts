#!/usr/bin/env node
import { runServer } from '@portico/protocol';
import { config, writeRequested } from './config.js';
import { createDeps } from './deps.js';
import { server } from './server.js';

// Read-only unless --allow-write: without it the common --read-only filter removes the execute tool entirely.
const argv = process.argv.slice(2);
await runServer(server, { config, createDeps, argv: writeRequested(argv, process.env) ? argv : ['--read-only', ...argv] });
