#!/usr/bin/env node
/**
 * Copies each server's package.json version into its server.json (the top-level version and the npm
 * package's version), which the MCP Registry requires to match the published package. Run it right after
 * `changeset version`, which bumps package.json files but knows nothing about server.json:
 *
 *   pnpm changeset version && node scripts/docs/server-json-versions.mjs
 *
 * `--check` changes nothing and exits 1 naming each server.json that is behind (scripts/server-json.test.ts
 * asserts the same in CI).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const serversDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'servers');
const check = process.argv.includes('--check');

const stale = [];
for (const name of readdirSync(serversDir).sort()) {
  const jsonPath = join(serversDir, name, 'server.json');
  if (!existsSync(jsonPath)) continue;
  const pkg = JSON.parse(readFileSync(join(serversDir, name, 'package.json'), 'utf8'));
  const text = readFileSync(jsonPath, 'utf8');
  const server = JSON.parse(text);
  server.version = pkg.version;
  for (const entry of server.packages ?? []) {
    if (entry.registryType === 'npm' && entry.identifier === pkg.name) entry.version = pkg.version;
  }
  const updated = `${JSON.stringify(server, null, 2)}\n`;
  if (updated === text) continue;
  stale.push(`servers/${name}/server.json`);
  if (!check) writeFileSync(jsonPath, updated);
}
for (const path of stale) process.stderr.write(`server-json-versions: ${check ? 'behind package.json' : 'updated'}: ${path}\n`);
process.exit(check && stale.length > 0 ? 1 : 0);
