#!/usr/bin/env node
/**
 * pnpm new-server <name> [--port N] [--dir servers]
 * Copies servers/_template to servers/<name> and rewrites its names: package @portico/server-<name>,
 * bin portico-<name>, server name, default port, README. The result builds and passes its tests unchanged.
 */
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function scaffoldServer({ name, port, serversDir = join(repo, 'servers') }) {
  if (!/^[a-z][a-z0-9-]{1,38}$/.test(name)) {
    throw new Error(`server name "${name}" must be lowercase letters, digits and dashes, starting with a letter (e.g. "weather").`);
  }
  if (name === 'template' || name.startsWith('_')) throw new Error(`"${name}" is reserved.`);
  const target = join(serversDir, name);
  if (existsSync(target)) throw new Error(`${target} already exists; pick another name or remove it first.`);
  const source = join(repo, 'servers', '_template');
  cpSync(source, target, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist|\.turbo)([\\/]|$)/.test(src.slice(source.length)),
  });
  const title = name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  const rewrite = (text) =>
    text
      .replaceAll('@portico/server-template', `@portico/server-${name}`)
      .replaceAll('portico-template', `portico-${name}`)
      .replaceAll('io.github.portico/server-template', `io.github.portico/server-${name}`)
      .replaceAll("name: 'template'", `name: '${name}'`)
      .replaceAll('Portico template', `Portico ${title}`)
      .replaceAll('defaultPort: 3300', `defaultPort: ${port}`)
      .replaceAll('servers/_template', `servers/${name}`)
      .replaceAll('127.0.0.1:3300', `127.0.0.1:${port}`);
  for (const file of walk(target)) {
    if (!/\.(ts|json|md|mjs)$/.test(file)) continue;
    const before = readFileSync(file, 'utf8');
    const after = rewrite(before);
    if (after !== before) writeFileSync(file, after);
  }
  const pkgPath = join(target, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  delete pkg.private; // a new server is meant to be published
  pkg.description = `Portico ${title} MCP server`;
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return target;
}

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The next free default port after the contract's 3301-3307 and any scaffolded server's. */
export function nextFreePort(serversDir = join(repo, 'servers')) {
  let max = 3307;
  for (const entry of readdirSync(serversDir)) {
    try {
      const server = readFileSync(join(serversDir, entry, 'src', 'server.ts'), 'utf8');
      const match = /defaultPort:\s*(\d+)/.exec(server);
      if (match) max = Math.max(max, Number(match[1]));
    } catch {
      // not a server folder
    }
  }
  return max + 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: true });
  const name = positionals[0];
  if (!name) {
    process.stderr.write('usage: pnpm new-server <name> [--port N]\n');
    process.exit(2);
  }
  try {
    const port = values.port ? Number(values.port) : nextFreePort();
    const target = scaffoldServer({ name, port });
    process.stdout.write(
      `Created ${target} (@portico/server-${name}, bin portico-${name}, port ${port}).\nNext: pnpm install && pnpm --filter @portico/server-${name} test\n`,
    );
  } catch (error) {
    process.stderr.write(`new-server: ${error.message}\n`);
    process.exit(2);
  }
}
export { rmSync };
