/**
 * Fixtures on local disk under /tmp, made once and reused (a `.complete` marker says a fixture is whole, so an
 * interrupted generation is redone rather than trusted). Sizes are fixed per name so figures stay comparable.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const FIXTURES = process.env.PORTICO_BENCH_FIXTURES ?? '/tmp/portico-bench-fixtures';

function once(name, make) {
  const dir = join(FIXTURES, name);
  if (existsSync(join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`bench: generating fixture ${dir} (once; cached afterwards)\n`);
  make(dir);
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

const touch = (path) => closeSync(openSync(path, 'w'));

/**
 * A source tree of `files` files, 80% of them under node_modules/ (as in a real JS project), 100 files per
 * directory, every 10th file a .md. The .complete marker is not a .md, so it never counts as a match.
 */
export function searchTree(files) {
  return once(`search-${files}`, (dir) => {
    const inModules = Math.round(files * 0.8);
    let n = 0;
    for (let d = 0; n < files; d++) {
      const sub = n < inModules ? join(dir, 'node_modules', `pkg${d}`, 'lib') : join(dir, 'src', `mod${d}`);
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 100 && n < files; f++, n++) touch(join(sub, `file${f}.${n % 10 === 0 ? 'md' : 'js'}`));
    }
  });
}

/** 20 directories of 999 files: 20,000 entries below the top (plus the marker file). */
export function treeFixture() {
  return once('tree-20000', (dir) => {
    for (let d = 0; d < 20; d++) {
      const sub = join(dir, `d${d}`);
      mkdirSync(sub);
      for (let f = 0; f < 999; f++) touch(join(sub, `f${f}.txt`));
    }
  });
}

/** One flat directory of 10,000 small files (the marker makes 10,001). */
export function flatFixture() {
  return once('flat-10000', (dir) => {
    for (let f = 0; f < 10_000; f++) writeFileSync(join(dir, `entry-${String(f).padStart(5, '0')}.txt`), `file ${f}\n`);
  });
}

/**
 * A 1 GiB sparse log: 1 MiB of text lines at each end and a hole in between (made with truncate), so it costs
 * 2 MiB of disk. The text at the start is longer than any binary sniff (Portico looks at the first 8 KiB).
 */
export function bigFile() {
  const dir = once('big-1g-v2', (dir) => {
    const path = join(dir, 'big.log');
    const lines = (prefix) => Array.from({ length: 40_000 }, (_, i) => `${prefix} line ${String(i + 1).padStart(8, '0')} ok`).join('\n') + '\n';
    const tail = '\n' + lines('tail');
    writeFileSync(path, lines('head'));
    execFileSync('truncate', ['-s', String(1024 ** 3 - Buffer.byteLength(tail)), path]);
    appendFileSync(path, tail);
  });
  return join(dir, 'big.log');
}
