#!/usr/bin/env node
/**
 * Each server README's tool table, generated from the tool definitions the server actually registers.
 *
 *   node scripts/docs/tool-tables.mjs                  # rewrite the tables in servers/<name>/README.md
 *   node scripts/docs/tool-tables.mjs --check          # exit 1, naming each README whose table is stale
 *   node scripts/docs/tool-tables.mjs --check --server git --readme-dir /tmp/copies
 *
 * It imports each server's BUILT definition (servers/<name>/dist/server.js exports `server`), so run
 * `pnpm build` first: a table can only be as fresh as the dist it was generated from. The table lives between
 * `<!-- tools:start -->` and `<!-- tools:end -->`; everything else in the README is left alone.
 *
 * The output depends on nothing but the definitions (their order, names, annotations, descriptions and input
 * schemas): no dates, no paths, no environment. Rerunning it after a description changes rewrites exactly that
 * row, and `--check` in CI catches a description changed without rerunning it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const serversDir = join(repo, 'servers');

export const START_MARKER = '<!-- tools:start -->';
export const END_MARKER = '<!-- tools:end -->';

/** Folders under servers/ that are servers (a package.json and a src/server.ts), sorted. */
export function serverNames(dir = serversDir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')) && existsSync(join(dir, entry.name, 'src', 'server.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The server's definition from its dist, and the zod that built it. zod is resolved from the server's own
 * dependencies (through @portico/protocol, which re-exports it) so the JSON Schema conversion reads the same
 * schema objects the server registers.
 */
export async function loadDefinition(name, dir = serversDir) {
  const serverDir = join(dir, name);
  const built = join(serverDir, 'dist', 'server.js');
  if (!existsSync(built)) throw new Error(`servers/${name}/dist/server.js does not exist: run pnpm build first.`);
  const requireFromServer = createRequire(join(serverDir, 'package.json'));
  const { z } = await import(pathToFileURL(requireFromServer.resolve('@portico/protocol')).href);
  const module = await import(pathToFileURL(built).href);
  if (!module.server?.tools) throw new Error(`servers/${name}/dist/server.js does not export "server" (a ServerDefinition).`);
  return { definition: module.server, z };
}

/**
 * The first sentence of a description: up to the first . ! or ? that is followed by whitespace and a capital
 * (or ends the text), outside parentheses and `code`, and not the dot of an abbreviation such as "e.g.".
 */
export function firstSentence(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  let depth = 0;
  let inCode = false;
  for (let i = 0; i < flat.length; i++) {
    const ch = flat[i];
    if (ch === '`') inCode = !inCode;
    else if (inCode) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if ('.!?'.includes(ch) && depth === 0) {
      const rest = flat.slice(i + 1);
      const endsHere = rest === '' || /^ [A-Z`"'(]/.test(rest);
      const abbreviation = ch === '.' && /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf)$/i.test(flat.slice(0, i));
      if (endsHere && !abbreviation) return flat.slice(0, i + 1);
    }
  }
  return flat;
}

/** Markdown table cells cannot hold a raw pipe or a line break. */
function cell(text) {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function kindOf(annotations) {
  if (annotations.readOnlyHint === true) return 'read-only';
  return annotations.destructiveHint ? 'writes, destructive' : 'writes';
}

/** Parameter names in schema order; required ones marked. The input view: fields with defaults are optional. */
export function parametersOf(tool, z) {
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' });
  const required = new Set(schema.required ?? []);
  const names = Object.keys(schema.properties ?? {});
  if (names.length === 0) return 'none';
  return names.map((name) => (required.has(name) ? `\`${name}\`\\*` : `\`${name}\``)).join(', ');
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The generated block (markers excluded): the table and its legend. */
export function renderToolTable(definition, z) {
  // A toolset column only for servers that split their tools into toolsets.
  const withToolsets = Object.keys(definition.toolsets ?? {}).length > 0;
  const header = withToolsets ? ['tool', 'kind', 'toolset', 'what it does', 'parameters'] : ['tool', 'kind', 'what it does', 'parameters'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const tool of definition.tools) {
    // An alias's own description repeats its target's; the table only needs to say which tool it stands for.
    const description = tool.deprecatedAliasOf ? `Deprecated alias of \`${tool.deprecatedAliasOf}\` (same parameters).` : firstSentence(tool.description);
    const row = [`\`${tool.name}\``, kindOf(tool.annotations)];
    if (withToolsets) row.push(tool.toolset ?? 'default');
    row.push(cell(description), parametersOf(tool, z));
    lines.push(`| ${row.join(' | ')} |`);
  }
  const writers = definition.tools.filter((tool) => tool.annotations.readOnlyHint !== true).length;
  lines.push('');
  lines.push(
    `${count(definition.tools.length, 'tool')} (${writers} that ${writers === 1 ? 'writes' : 'write'}). \\* = required parameter. ` +
      '`--read-only` removes every tool that writes' +
      (withToolsets ? '; `--toolsets` chooses among the toolsets.' : '.'),
  );
  lines.push('Generated from the tool definitions by `node scripts/docs/tool-tables.mjs`; edit the definitions, not this table.');
  return lines.join('\n');
}

/** The README with its marked block replaced; throws when the markers are missing or out of order. */
export function withToolTable(readme, table, label = 'README') {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < 0 || end < start) {
    throw new Error(`${label} has no ${START_MARKER} ... ${END_MARKER} block: put the markers where the tool table goes.`);
  }
  return `${readme.slice(0, start)}${START_MARKER}\n${table}\n${readme.slice(end)}`;
}

/**
 * Compares (or rewrites) each named server's README. `readmeDir` reads READMEs from <readmeDir>/<name>/README.md
 * instead of servers/<name>/README.md (tests alter copies there, never the real files).
 * Returns the problems found: one line per stale or unusable README.
 */
export async function processReadmes({ names = serverNames(), write = false, readmeDir = serversDir } = {}) {
  const problems = [];
  for (const name of names) {
    const readmePath = join(readmeDir, name, 'README.md');
    const label = `servers/${name}/README.md`;
    try {
      const { definition, z } = await loadDefinition(name);
      const current = readFileSync(readmePath, 'utf8');
      const expected = withToolTable(current, renderToolTable(definition, z), label);
      if (expected === current) continue;
      if (write) {
        writeFileSync(readmePath, expected);
        process.stderr.write(`tool-tables: rewrote ${label}\n`);
      } else {
        problems.push(`${label}: the tool table is stale; run node scripts/docs/tool-tables.mjs`);
      }
    } catch (error) {
      problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, server: { type: 'string', multiple: true }, 'readme-dir': { type: 'string' } },
  });
  const problems = await processReadmes({
    names: values.server ?? serverNames(),
    write: !values.check,
    readmeDir: values['readme-dir'] ? resolve(values['readme-dir']) : serversDir,
  });
  for (const problem of problems) process.stderr.write(`tool-tables: ${problem}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
