import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPathInside } from '@portico/protocol';
import { makeSandbox, type Sandbox, testPolicy } from '../test-support/fixtures.js';
import { type ConfigEntry, findIncludeEscape, guessGitDirs, pathOverrides, UncheckableConfig } from './config-guard.js';

let sb: Sandbox;
let allowed: string;
let outside: string;
const isAllowed = (real: string) => isPathInside(allowed, real);

beforeAll(async () => {
  sb = await makeSandbox('config-guard-');
  allowed = join(realpathSync(sb.dir.path), 'allowed');
  outside = join(realpathSync(sb.dir.path), 'outside');
  mkdirSync(allowed);
  mkdirSync(outside);
});
afterAll(async () => {
  await sb.cleanup();
});

describe('guessGitDirs', () => {
  it('finds what git finds: a .git folder from a subfolder, a linked worktree, a bare repository; never above the stop folder', () => {
    const main = sb.repo('allowed/guess-main', { 'src/a.txt': 'a\n' });
    expect(guessGitDirs(join(main, 'src'), allowed)).toEqual({ top: main, gitDir: join(main, '.git'), commonDir: join(main, '.git') });
    const wt = join(allowed, 'guess-wt');
    sb.git(main, ['worktree', 'add', '-q', wt]);
    const found = guessGitDirs(wt, allowed)!;
    expect(found.top).toBe(wt);
    expect(realpathSync(found.gitDir)).toBe(join(main, '.git', 'worktrees', 'guess-wt'));
    expect(realpathSync(found.commonDir)).toBe(join(main, '.git'));
    const bare = join(allowed, 'guess-bare.git');
    sb.git(allowed, ['init', '-q', '--bare', bare]);
    expect(guessGitDirs(bare, allowed)).toEqual({ top: undefined, gitDir: bare, commonDir: bare });
    const plain = join(main, 'src', 'plain');
    mkdirSync(plain);
    expect(guessGitDirs(plain, plain)).toBeUndefined();
  });
});

describe('findIncludeEscape', () => {
  const check = (repo: string, env = sb.env) => findIncludeEscape(join(repo, '.git'), join(repo, '.git'), isAllowed, { policy: testPolicy, baseEnv: env });

  it('resolves a nested relative include from the folder of the file that names it', async () => {
    mkdirSync(join(allowed, 'nest', 'sub'), { recursive: true });
    writeFileSync(join(allowed, 'nest', 'one.cfg'), '[include]\n\tpath = sub/two.cfg\n');
    writeFileSync(join(allowed, 'nest', 'sub', 'two.cfg'), '[include]\n\tpath = ../../three.cfg\n');
    writeFileSync(join(allowed, 'three.cfg'), '[user]\n\tname = x\n');
    const inside = sb.repo('allowed/nested-inside');
    sb.git(inside, ['config', 'include.path', join(allowed, 'nest', 'one.cfg')]);
    expect(await check(inside)).toBe(false);
    // One more level up from two.cfg's folder is outside (from .git/config it would still be inside).
    writeFileSync(join(allowed, 'nest', 'sub', 'two.cfg'), '[include]\n\tpath = ../../../outside/three.cfg\n');
    expect(await check(inside)).toBe(true);
  });

  it('takes `..` after a symbolic link as the system does, and counts ~user, %(prefix) and config.worktree', async () => {
    mkdirSync(join(outside, 'dir'));
    symlinkSync(join(outside, 'dir'), join(allowed, 'link-to-outside-dir'));
    const viaLink = sb.repo('allowed/via-link');
    // Written inside the allowed folder, but `..` of the link's target is the outside folder.
    sb.git(viaLink, ['config', 'include.path', `${allowed}/link-to-outside-dir/../x.cfg`]);
    expect(await check(viaLink)).toBe(true);
    for (const value of ['~root/x.cfg', '%(prefix)/etc/x.cfg']) {
      const repo = sb.repo(`allowed/unresolvable-${value.charCodeAt(0)}`);
      sb.git(repo, ['config', 'include.path', value]);
      expect(await check(repo)).toBe(true);
    }
    const home = sb.repo('allowed/home-include');
    sb.git(home, ['config', 'include.path', '~/x.cfg']);
    expect(await check(home, { ...sb.env, HOME: allowed })).toBe(false);
    expect(await check(home, { ...sb.env, HOME: outside })).toBe(true);
    const worktreeConfig = sb.repo('allowed/worktree-config');
    writeFileSync(join(worktreeConfig, '.git', 'config.worktree'), `[include]\n\tpath = ${join(outside, 'x.cfg')}\n`);
    expect(await check(worktreeConfig)).toBe(true);
  });

  it('ends on include cycles, and refuses an include path that is not UTF-8', async () => {
    writeFileSync(join(allowed, 'cycle-a.cfg'), '[include]\n\tpath = cycle-b.cfg\n');
    writeFileSync(join(allowed, 'cycle-b.cfg'), '[include]\n\tpath = cycle-a.cfg\n');
    const cycle = sb.repo('allowed/cycle');
    sb.git(cycle, ['config', 'include.path', join(allowed, 'cycle-a.cfg')]);
    expect(await check(cycle)).toBe(false);
    const binary = sb.repo('allowed/binary-include');
    writeFileSync(join(binary, '.git', 'config'), Buffer.concat([Buffer.from('[include]\n\tpath = /tmp/'), Buffer.from([0xff]), Buffer.from('.cfg\n')]));
    await expect(check(binary)).rejects.toBeInstanceOf(UncheckableConfig);
  });

  it('runs git only for a config file that mentions includes, and only once for the same content', async () => {
    const noGit = { ...sb.env, PATH: join(sb.dir.path, 'no-git-here') };
    const plain = sb.repo('allowed/plain-config');
    expect(await check(plain, noGit)).toBe(false);
    writeFileSync(join(allowed, 'cached.cfg'), '[user]\n\tname = x\n');
    const withInclude = sb.repo('allowed/cached-include');
    sb.git(withInclude, ['config', 'include.path', join(allowed, 'cached.cfg')]);
    await expect(check(withInclude, noGit)).rejects.toThrow(/git is not installed/);
    expect(await check(withInclude)).toBe(false);
    expect(await check(withInclude, noGit)).toBe(false);
    sb.git(withInclude, ['config', 'include.path', join(outside, 'x.cfg')]);
    await expect(check(withInclude, noGit)).rejects.toThrow(/git is not installed/);
    expect(await check(withInclude)).toBe(true);
  });
});

describe('pathOverrides', () => {
  const env = { HOME: '/home/op', XDG_CONFIG_HOME: '/home/op/xdg' };
  const entry = (scope: string, key: string, value: string | undefined, utf8 = true): ConfigEntry => ({ scope, key, value, utf8 });

  it('overrides only keys the repository points outside, with the global value or git default', () => {
    const top = join(allowed, 'top');
    const entries = [
      entry('global', 'core.excludesfile', '~/operator-ignore'),
      entry('local', 'core.excludesfile', join(outside, 'ignore')),
      entry('local', 'core.attributesfile', '../../outside/attributes'),
      entry('local', 'mailmap.file', 'people.mailmap'),
      entry('worktree', 'diff.orderfile', '~other/order'),
    ];
    expect(pathOverrides(entries, top, isAllowed, env)).toEqual([
      ['core.excludesfile', '~/operator-ignore'],
      ['core.attributesfile', '/home/op/xdg/git/attributes'],
      ['diff.orderfile', '/dev/null'],
    ]);
    expect(pathOverrides([entry('local', 'mailmap.file', '/etc/mailmap')], top, isAllowed, {})).toEqual([['mailmap.file', '']]);
    expect(pathOverrides([entry('local', 'core.excludesfile', '/etc/x')], top, isAllowed, { HOME: '/h' })).toEqual([['core.excludesfile', '/h/.config/git/ignore']]);
    expect(pathOverrides([entry('local', 'core.excludesfile', 'x', false)], top, isAllowed, env)).toEqual([['core.excludesfile', '/home/op/xdg/git/ignore']]);
    // Values from the operator's config alone, inside values, empty and missing values: nothing to override.
    expect(pathOverrides([entry('global', 'core.excludesfile', '/etc/x'), entry('local', 'mailmap.file', ''), entry('local', 'diff.orderfile', undefined)], top, isAllowed, env)).toEqual([]);
  });
});
