import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { compileGlob, compileGlobList, dirMayContain, PatternError, staticBase } from './glob.js';
import { Walker, type WalkEntry } from './walk.js';

let dir: TempDir;
let outside: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('fs-walk-');
  outside = await makeTempDir('fs-walk-out-');
  const p = dir.path;
  await mkdir(join(p, 'src/lib'), { recursive: true });
  await mkdir(join(p, 'node_modules/pkg'), { recursive: true });
  await mkdir(join(p, '.git'), { recursive: true });
  await mkdir(join(p, 'build'), { recursive: true });
  await writeFile(join(p, '.gitignore'), 'node_modules/\nbuild\n*.log\n!keep.log\n');
  await writeFile(join(p, 'src/a.ts'), 'a');
  await writeFile(join(p, 'src/lib/b.ts'), 'b');
  await writeFile(join(p, 'src/lib/.gitignore'), 'secret.ts\n');
  await writeFile(join(p, 'src/lib/secret.ts'), 's');
  await writeFile(join(p, 'debug.log'), 'x');
  await writeFile(join(p, 'keep.log'), 'x');
  await writeFile(join(p, 'node_modules/pkg/index.js'), 'x');
  await writeFile(join(p, 'build/out.js'), 'x');
  await writeFile(join(p, '.git/HEAD'), 'x');
  await writeFile(join(outside.path, 'canary.txt'), 'x');
  await mkdir(join(outside.path, 'deep'));
  await writeFile(join(outside.path, 'deep/canary2.txt'), 'x');
  await symlink(outside.path, join(p, 'src/escape'));
});
afterAll(async () => {
  await dir.cleanup();
  await outside.cleanup();
});

async function collect(walker: Walker): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walker.entries()) out.push(e);
  return out;
}

describe('Walker', () => {
  it('lists everything in name order, reports symlinks and never follows them', async () => {
    const entries = await collect(new Walker(dir.path));
    const rels = entries.map((e) => e.rel);
    expect(rels).toContain('node_modules/pkg/index.js');
    expect(rels).toContain('src/escape');
    expect(entries.find((e) => e.rel === 'src/escape')!.type).toBe('symlink');
    expect(rels.some((r) => r.includes('canary'))).toBe(false);
    expect(rels.indexOf('src/a.ts')).toBeLessThan(rels.indexOf('src/lib/b.ts'));
  });

  it('orders names by UTF-16 code units even where the byte order the listing arrives in differs', async () => {
    // U+FF21 (UTF-8 EF BC A1) comes before U+1F600 (F0 9F 98 80) by bytes, after it (a surrogate pair,
    // D83D DE00) by UTF-16: the listing arrives in byte order and must be re-sorted, not taken as sorted.
    const names = ['b', '\u{1F600}', '\uFF21', 'a'];
    const sub = await makeTempDir('fs-walk-order-');
    try {
      for (const name of names) await writeFile(join(sub.path, name), 'x');
      const rels = (await collect(new Walker(sub.path))).map((e) => e.rel);
      expect(rels).toEqual(['a', 'b', '\u{1F600}', '\uFF21']);
    } finally {
      await sub.cleanup();
    }
  });

  it('honours .gitignore files at every level, negations, and skips .git', async () => {
    const rels = (await collect(new Walker(dir.path, { respectGitignore: true }))).map((e) => e.rel).sort();
    expect(rels).toEqual(['.gitignore', 'keep.log', 'src', 'src/a.ts', 'src/escape', 'src/lib', 'src/lib/.gitignore', 'src/lib/b.ts']);
  });

  it('applies ancestor .gitignore files when walking a subdirectory', async () => {
    const rels = (await collect(new Walker(join(dir.path, 'src'), { respectGitignore: true, gitignoreAncestors: [dir.path] }))).map((e) => e.rel);
    expect(rels).not.toContain('lib/secret.ts');
    expect(rels).toContain('lib/b.ts');
  });

  it('stops at maxDepth and prunes excluded directories', async () => {
    const shallow = await collect(new Walker(dir.path, { maxDepth: 1 }));
    expect(shallow.every((e) => e.depth === 1)).toBe(true);
    const exclude = compileGlobList(['node_modules', '*.log', '.git'])!;
    const rels = (await collect(new Walker(dir.path, { exclude }))).map((e) => e.rel);
    expect(rels.some((r) => r.startsWith('node_modules') || r.endsWith('.log') || r.startsWith('.git/'))).toBe(false);
  });

  it('directories() gives each directory once, parent first, with names and types in step and the same entries as entries()', async () => {
    const exclude = compileGlobList(['node_modules'])!;
    const listings = [];
    for await (const listing of new Walker(dir.path, { exclude }).directories()) listings.push(listing);
    expect(listings.map((l) => l.rel)).toEqual(['', '.git', 'build', 'src', 'src/lib']);
    const src = listings.find((l) => l.rel === 'src')!;
    expect(src).toEqual({ rel: 'src', absPrefix: join(dir.path, 'src') + sep, depth: 2, names: ['a.ts', 'escape', 'lib'], types: ['file', 'symlink', 'directory'] });
    expect(listings[0]!.names).not.toContain('node_modules');
    const fromListings = listings.flatMap((l) => l.names.map((name, i) => `${l.absPrefix}${name}:${l.types[i]}:${l.depth}`));
    const fromEntries = (await collect(new Walker(dir.path, { exclude }))).map((e) => `${e.abs}:${e.type}:${e.depth}`);
    expect(fromListings).toEqual(fromEntries);
  });

  it('directories() leaves out a directory whose entries are all excluded', async () => {
    const exclude = compileGlobList(['*.js', 'HEAD'])!;
    const rels = [];
    for await (const listing of new Walker(dir.path, { exclude }).directories()) rels.push(listing.rel);
    // node_modules/pkg, build and .git hold only excluded files; their parents still list them.
    expect(rels).toEqual(['', 'node_modules', 'src', 'src/lib']);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(new Walker(dir.path, { signal: controller.signal }))).rejects.toThrow();
  });
});

describe('globs', () => {
  it('matches relative paths with dotfiles, like the official server', () => {
    expect(compileGlob('**/*.ts')('src/lib/b.ts', 'b.ts')).toBe(true);
    expect(compileGlob('*.ts')('src/lib/b.ts', 'b.ts')).toBe(false);
    expect(compileGlob('**/.env')('a/.env', '.env')).toBe(true);
    // Bare parentheses are literal, as in minimatch and shells; extglobs keep their meaning.
    expect(compileGlob('report (1).txt')('report (1).txt', 'report (1).txt')).toBe(true);
    expect(compileGlob('report (1).txt')('report 1.txt', 'report 1.txt')).toBe(false);
    expect(compileGlob('**/Copy (2).png')('a/Copy (2).png', 'Copy (2).png')).toBe(true);
    expect(compileGlob('*.@(ts|js)')('x.js', 'x.js')).toBe(true);
    expect(compileGlob('!(*.md)')('x.ts', 'x.ts')).toBe(true);
    expect(compileGlob('!(*.md)')('x.md', 'x.md')).toBe(false);
    expect(compileGlob('[(]x')('(x', '(x')).toBe(true);
    expect(compileGlobList(['backup (old)'])!('backup (old)', 'backup (old)')).toBe(true);
    expect(compileGlob('./src/*.ts')('src/a.ts', 'a.ts')).toBe(true);
  });

  it('rejects empty and oversized patterns', () => {
    expect(() => compileGlob('')).toThrow(PatternError);
    expect(() => compileGlob('a'.repeat(2000))).toThrow(PatternError);
  });

  it('computes a static base to prune walks', () => {
    expect(staticBase('src/lib/**/*.ts')).toBe('src/lib');
    expect(staticBase('**/*.ts')).toBe('');
    expect(staticBase('docs/readme.md')).toBe('docs');
    expect(dirMayContain('src/lib', 'src')).toBe(true);
    expect(dirMayContain('src/lib', 'src/lib/x')).toBe(true);
    expect(dirMayContain('src/lib', 'test')).toBe(false);
  });
});

describe('walking with synchronous reads', () => {
  it('gives the event loop back during a long walk, so cancellations and pings are still read', async () => {
    const many = await makeTempDir('fs-walk-many-');
    try {
      // 150 directories: more than the walker reads between two turns of the event loop.
      await Promise.all(Array.from({ length: 150 }, (_, i) => mkdir(join(many.path, `d${i}`, 'sub'), { recursive: true })));
      let turns = 0;
      const tick = () => {
        turns += 1;
        if (turns < 1000) setImmediate(tick);
      };
      setImmediate(tick);
      let seen = 0;
      for await (const batch of new Walker(many.path).batches()) seen += batch.length;
      const turnsDuringWalk = turns;
      turns = 1000; // stop ticking
      expect(seen).toBe(300);
      // 300 directories at most 64 per turn: the walk let the event loop run several times.
      expect(turnsDuringWalk).toBeGreaterThanOrEqual(3);
    } finally {
      await many.cleanup();
    }
  });
});
