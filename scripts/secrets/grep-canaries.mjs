#!/usr/bin/env node
/**
 * `node scripts/secrets/grep-canaries.mjs DIR...`: searches every file under the given directories (the
 * captured stdout, stderr and tool results of the conformance, load and soak runs) for the canary secrets of
 * @portico/test-utils (CANARIES) and fails on any hit. Prints the number of hits, and for each hit the file,
 * the canary's name and the byte offset (never the surrounding text, which is a leak itself).
 *
 * The canaries use only URL-, JSON- and shell-safe characters, so a byte search finds them in any of those
 * encodings; base64 or other re-encodings of a secret are not searched for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANARIES } from '@portico/test-utils';

/** Every hit of every canary in every file under `dirs`: { file, canary, offset }[], plus the files read. */
export function findCanaries(dirs, canaries = CANARIES) {
  const hits = [];
  let files = 0;
  const needles = Object.entries(canaries).map(([name, value]) => [name, Buffer.from(value)]);
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
      return;
    }
    if (!stat.isFile()) return;
    files += 1;
    const bytes = readFileSync(path);
    for (const [name, needle] of needles) {
      for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) hits.push({ file: path, canary: name, offset: at });
    }
  };
  for (const dir of dirs) visit(dir);
  return { hits, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirs = process.argv.slice(2);
  if (!dirs.length) {
    console.error('usage: grep-canaries.mjs DIR...');
    process.exit(2);
  }
  const { hits, files } = findCanaries(dirs);
  if (files === 0) {
    // Nothing captured means the runs wrote somewhere else: a clean result here would prove nothing.
    console.error(`canary secrets: no files under ${dirs.join(', ')}; nothing was captured`);
    process.exit(1);
  }
  for (const h of hits) console.log(`canary ${h.canary} found in ${h.file} at byte ${h.offset}`);
  console.log(`canary secrets: ${hits.length} hit(s) in ${files} file(s) under ${dirs.join(', ')}`);
  process.exit(hits.length ? 1 : 0);
}
