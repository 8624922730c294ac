import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPathInside } from '@portico/protocol';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { findGitDataEscape, parseAlternates } from './git-data.js';

describe('parseAlternates', () => {
  it('reads entries as git does: comments skipped, nothing trimmed, C-quoted lines unquoted', () => {
    const raw = Buffer.from(['# a comment', '/plain/path', '', '/with trailing space ', '"/quoted/p\\141th"', '"/tab\\there\\"q\\\\"', 'relative/objects', ''].join('\n'));
    expect(parseAlternates(raw)).toEqual(['/plain/path', '/with trailing space ', '/quoted/path', '/tab\there"q\\', 'relative/objects']);
  });

  it('takes a malformed quoted line as a plain path, as git does', () => {
    expect(parseAlternates(Buffer.from('"/no/closing/quote\n"/bad\\9escape"\n'))).toEqual(['"/no/closing/quote', '"/bad\\9escape"']);
  });

  it('refuses an entry that is not UTF-8 rather than check a different path', () => {
    expect(() => parseAlternates(Buffer.from([0x2f, 0xff, 0x2f, 0x0a]))).toThrow(/not valid UTF-8/);
    expect(() => parseAlternates(Buffer.from('"/\\377/x"\n'))).toThrow(/not valid UTF-8/);
  });
});

describe('findGitDataEscape', () => {
  let tmp: TempDir;
  let allowed: string;
  let outside: string;
  const isAllowed = (real: string) => isPathInside(allowed, real);
  /** A bare-bones git directory (what the scan looks at): objects/info, refs/heads, logs. */
  const gitDir = (name: string) => {
    const dir = join(allowed, name, '.git');
    for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'logs', 'hooks']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/main\n');
    return dir;
  };

  beforeAll(async () => {
    tmp = await makeTempDir('git-data-');
    allowed = join(tmp.path, 'allowed');
    outside = join(tmp.path, 'outside');
    mkdirSync(join(outside, 'objects/info'), { recursive: true });
    mkdirSync(join(outside, 'refs'), { recursive: true });
    writeFileSync(join(outside, 'victim.rc'), '# victim\n');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('accepts a plain git directory, and links and alternates that stay inside', () => {
    const dir = gitDir('plain');
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
    const shared = join(allowed, 'shared-objects');
    mkdirSync(join(shared, 'info'), { recursive: true });
    writeFileSync(join(dir, 'objects/info/alternates'), `${shared}\n`);
    symlinkSync(join(allowed, 'plain-extra'), join(dir, 'refs', 'linked-inside'));
    mkdirSync(join(allowed, 'plain-extra'));
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
  });

  it('finds an alternate outside, quoted, relative or behind another alternate', () => {
    const quoted = gitDir('quoted');
    writeFileSync(join(quoted, 'objects/info/alternates'), `"${join(outside, 'objects')}"\n`);
    expect(findGitDataEscape(quoted, quoted, isAllowed)).toBe('an object alternate');

    const relative = gitDir('relative');
    writeFileSync(join(relative, 'objects/info/alternates'), '../../../../outside/objects\n');
    expect(findGitDataEscape(relative, relative, isAllowed)).toBe('an object alternate');

    const nested = gitDir('nested');
    const middle = join(allowed, 'middle/objects');
    mkdirSync(join(middle, 'info'), { recursive: true });
    writeFileSync(join(middle, 'info/alternates'), `${join(outside, 'objects')}\n`);
    writeFileSync(join(nested, 'objects/info/alternates'), `${middle}\n`);
    expect(findGitDataEscape(nested, nested, isAllowed)).toBe('an object alternate');
  });

  it('skips an alternate that does not exist, as git does', () => {
    const dir = gitDir('missing-alternate');
    writeFileSync(join(dir, 'objects/info/alternates'), `${join(outside, 'no-such-objects')}\n`);
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
  });

  it('finds links inside the git directory that lead out, or nowhere', () => {
    const objects = gitDir('linked-objects');
    rmSync(join(objects, 'objects'), { recursive: true });
    symlinkSync(join(outside, 'objects'), join(objects, 'objects'));
    expect(findGitDataEscape(objects, objects, isAllowed)).toBe('a symbolic link inside its git directory');

    const reflog = gitDir('linked-reflog');
    symlinkSync(join(outside, 'victim.rc'), join(reflog, 'logs', 'HEAD'));
    expect(findGitDataEscape(reflog, reflog, isAllowed)).toBe('a symbolic link inside its git directory');

    const dangling = gitDir('dangling');
    symlinkSync(join(outside, 'created-later'), join(dangling, 'logs', 'HEAD'));
    expect(findGitDataEscape(dangling, dangling, isAllowed)).toBe('a symbolic link inside its git directory');

    // A link to an allowed folder is followed, and what it holds is checked too.
    const chained = gitDir('chained');
    const hop = join(allowed, 'hop');
    mkdirSync(hop);
    symlinkSync(join(outside, 'refs'), join(hop, 'heads'));
    symlinkSync(hop, join(chained, 'refs', 'hop'));
    expect(findGitDataEscape(chained, chained, isAllowed)).toBe('a symbolic link inside its git directory');
  });

  it('checks the alternates file itself before reading it, and a further store before its own alternates', () => {
    const dir = gitDir('linked-alternates-file');
    writeFileSync(join(outside, 'alternates'), `${join(allowed, 'plain/.git/objects')}\n`);
    symlinkSync(join(outside, 'alternates'), join(dir, 'objects/info/alternates'));
    expect(findGitDataEscape(dir, dir, isAllowed)).toBe('a symbolic link inside its git directory');

    const store = join(allowed, 'store-with-link/objects');
    mkdirSync(store, { recursive: true });
    symlinkSync(join(outside, 'objects/info'), join(store, 'info'));
    const via = gitDir('via-store');
    writeFileSync(join(via, 'objects/info/alternates'), `${store}\n`);
    expect(findGitDataEscape(via, via, isAllowed)).toBe('a symbolic link inside its git directory');
  });

  it('sees a link added after a clean scan, in a folder it remembered as link-free', () => {
    const dir = gitDir('changes-later');
    mkdirSync(join(dir, 'objects', 'ab'));
    writeFileSync(join(dir, 'objects', 'ab', 'cdef'), 'x');
    // An old modification time, so the change below is seen even within one tick of the kernel's clock
    // (a swap by a process racing the scan is out of scope; see git-data.ts).
    utimesSync(join(dir, 'objects', 'ab'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
    rmSync(join(dir, 'objects', 'ab', 'cdef'));
    symlinkSync(join(outside, 'victim.rc'), join(dir, 'objects', 'ab', 'cdef'));
    expect(findGitDataEscape(dir, dir, isAllowed)).toBe('a symbolic link inside its git directory');
  });

  it('leaves hooks/ alone (hooks only run when the operator allows them)', () => {
    const dir = gitDir('hook-link');
    symlinkSync(join(outside, 'victim.rc'), join(dir, 'hooks', 'pre-commit'));
    expect(findGitDataEscape(dir, dir, isAllowed)).toBeUndefined();
  });
});
