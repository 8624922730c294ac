/**
 * A repository's own config cannot make git read files outside the allowed directories: config includes
 * that lead outside get the repository refused before git reads them, and path-valued keys that lead outside
 * (core.excludesFile, core.attributesFile, mailmap.file, diff.orderFile) are replaced by the operator's own
 * value or git's default. The operator's global config, includes and all, keeps working.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, markers, type Sandbox } from '../test-support/fixtures.js';
import { connectGit, fails, ok } from '../test-support/server.js';

let sb: Sandbox;
let allowed: string;
let outside: string;
let home: string;
/** sb.env with XDG_CONFIG_HOME in the temp dir, so git's default excludes/attributes files are known. */
let env: NodeJS.ProcessEnv;

type Status = { entries: Array<{ path: string; kind: string }> };
type Blame = { lines: Array<{ author: string }> };
type Diff = { files: Array<{ path: string; binary: boolean }>; patch: string };

beforeAll(async () => {
  sb = await makeSandbox();
  allowed = join(sb.dir.path, 'allowed');
  outside = join(sb.dir.path, 'outside');
  home = sb.env.HOME!;
  mkdirSync(allowed);
  mkdirSync(outside);
  mkdirSync(join(home, '.config', 'git'), { recursive: true });
  env = { ...sb.env, XDG_CONFIG_HOME: join(home, '.config') };
});
afterAll(async () => {
  await sb.cleanup();
});

/** A repository in the allowed folder with a.txt and b.txt committed, then both changed. */
function repo(name: string, config: Array<[string, string]> = []): string {
  const dir = sb.repo(`allowed/${name}`, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  for (const [key, value] of config) sb.git(dir, ['config', '--add', key, value]);
  writeFileSync(join(dir, 'a.txt'), 'a changed\n');
  writeFileSync(join(dir, 'b.txt'), 'b changed\n');
  return dir;
}

describe('config includes', () => {
  it('refuses a repository whose config includes a file outside, in any form, before git reads it; includes inside still work', async () => {
    const secret = join(outside, 'secret.cfg');
    writeFileSync(secret, '[remote "leak"]\n\turl = https://intranet.example/private.git\n');
    // Not a config file: plain git stops with "bad config line 1 in file <its path>" as soon as it reads it.
    const notConfig = join(outside, 'credentials');
    writeFileSync(notConfig, '[credentials\npassword=hunter2\n');
    writeFileSync(join(home, 'personal.cfg'), '[user]\n\tname = From Home\n');
    // A file inside the allowed folder that itself includes the outside file.
    const middle = join(allowed, 'middle.cfg');
    writeFileSync(middle, `[include]\n\tpath = ../outside/secret.cfg\n`);
    // A link inside the allowed folder to the outside file.
    symlinkSync(secret, join(allowed, 'link.cfg'));
    const cases: Record<string, Array<[string, string]>> = {
      absolute: [['include.path', secret]],
      'relative, from .git/config': [['include.path', '../../../outside/secret.cfg']],
      'in the home folder': [['include.path', '~/personal.cfg']],
      'includeIf whose condition holds': [['includeIf.gitdir:**/.path', secret]],
      'includeIf whose condition does not hold now': [['includeIf.onbranch:release.path', secret]],
      'nested, through a file inside': [['include.path', middle]],
      'through a symbolic link inside': [['include.path', join(allowed, 'link.cfg')]],
      'a file that does not exist yet': [['include.path', join(outside, 'later.cfg')]],
      'a file git cannot parse': [['include.path', notConfig]],
    };
    const c = await connectGit([allowed], env);
    for (const [label, config] of Object.entries(cases)) {
      const dir = repo(`include-${label.replace(/\W+/g, '-')}`, config);
      for (const tool of ['git_remote_list', 'git_status', 'git_log'] as const) {
        const text = await fails(c, tool, { repo_path: dir });
        expect(text, label).toMatch(/includes a config file outside the allowed directories/);
        expect(text, label).not.toContain(outside);
        expect(text, label).not.toMatch(/intranet|bad config|hunter2/);
      }
    }
    // Includes that stay inside are followed, nested ones too.
    writeFileSync(join(allowed, 'team.cfg'), '[include]\n\tpath = team-remote.cfg\n');
    writeFileSync(join(allowed, 'team-remote.cfg'), '[remote "team"]\n\turl = https://example.com/team.git\n');
    const fine = repo('include-inside', [['include.path', '../../team.cfg']]);
    const listed = await ok<{ remotes: Array<{ name: string }> }>(c, 'git_remote_list', { repo_path: fine });
    expect(listed.s.remotes.map((r) => r.name)).toEqual(['team']);
    await c.close();
  });

  it('git_list_repositories still lists such a repository, without running git in it', async () => {
    const dir = repo('listed-with-bad-include', [['include.path', join(outside, 'credentials')]]);
    writeFileSync(join(outside, 'credentials'), '[credentials\npassword=hunter2\n');
    const c = await connectGit([dir], env);
    const listed = await ok<{ repositories: Array<{ path: string; is_repository: boolean }> }>(c, 'git_list_repositories', {});
    // Had git run there, it would have failed on the outside file and the folder would look like no repository.
    expect(listed.s.repositories).toEqual([{ path: dir, is_repository: true }]);
    expect(await fails(c, 'git_status', { repo_path: dir })).toMatch(/includes a config file outside/);
    await c.close();
  });
});

describe('path-valued keys', () => {
  it("ignores the repository's core.excludesFile outside; the operator's excludes (global config or git's default file) still apply", async () => {
    writeFileSync(join(outside, 'ignore'), 'hidden-by-outside*\n');
    writeFileSync(join(home, '.config', 'git', 'ignore'), 'hidden-by-default*\n');
    writeFileSync(join(allowed, 'team-ignore'), 'hidden-by-team*\n');
    const add = (dir: string) => {
      for (const name of ['hidden-by-outside.txt', 'hidden-by-default.txt', 'hidden-by-operator.txt', 'hidden-by-team.txt']) writeFileSync(join(dir, name), 'x\n');
    };
    const untracked = async (c: Awaited<ReturnType<typeof connectGit>>, dir: string) =>
      (await ok<Status>(c, 'git_status', { repo_path: dir })).s.entries.filter((e) => e.kind === 'untracked').map((e) => e.path);

    const pointsOut = repo('excludes-outside', [['core.excludesFile', join(outside, 'ignore')]]);
    const pointsIn = repo('excludes-inside', [['core.excludesFile', join(allowed, 'team-ignore')]]);
    add(pointsOut);
    add(pointsIn);
    const c = await connectGit([allowed], env);
    // git's default file (no global setting) replaces the outside one.
    expect(await untracked(c, pointsOut)).toEqual(['hidden-by-operator.txt', 'hidden-by-outside.txt', 'hidden-by-team.txt']);
    await ok(c, 'git_add', { repo_path: pointsOut, files: ['hidden-by-outside.txt'] });
    // A value inside the allowed directories is kept.
    expect(await untracked(c, pointsIn)).toEqual(['hidden-by-default.txt', 'hidden-by-operator.txt', 'hidden-by-outside.txt']);
    await c.close();

    // The operator's global config, through a file it includes from outside the allowed directories, wins.
    const globalConfig = join(home, 'operator.gitconfig');
    writeFileSync(globalConfig, '[include]\n\tpath = operator-extra.gitconfig\n');
    writeFileSync(join(home, 'operator-extra.gitconfig'), '[core]\n\texcludesFile = ~/operator-ignore\n');
    writeFileSync(join(home, 'operator-ignore'), 'hidden-by-operator*\n');
    const operator = await connectGit([allowed], { ...env, GIT_CONFIG_GLOBAL: globalConfig });
    expect(await untracked(operator, pointsOut)).toEqual(['hidden-by-default.txt', 'hidden-by-team.txt']);
    await operator.close();
  });

  it("ignores the repository's core.attributesFile outside; the operator's default attributes file still applies", async () => {
    writeFileSync(join(outside, 'attributes'), '*.txt binary\n');
    writeFileSync(join(home, '.config', 'git', 'attributes'), 'b.txt -diff\n');
    const dir = repo('attributes-outside', [['core.attributesFile', join(outside, 'attributes')]]);
    const c = await connectGit([allowed], env);
    const diff = await ok<Diff>(c, 'git_diff_unstaged', { repo_path: dir });
    expect(diff.s.files.map((f) => [f.path, f.binary])).toEqual([
      ['a.txt', false],
      ['b.txt', true],
    ]);
    expect(diff.s.patch).toContain('+a changed');
    await c.close();
  });

  it("ignores the repository's mailmap.file outside (blame, log author filter); one inside still applies", async () => {
    writeFileSync(join(outside, 'mailmap'), 'Name From Outside <test@portico.invalid>\n');
    const out = repo('mailmap-outside', [['mailmap.file', join(outside, 'mailmap')]]);
    const inside = repo('mailmap-inside', [['mailmap.file', 'people.mailmap']]);
    writeFileSync(join(inside, 'people.mailmap'), 'Name From Inside <test@portico.invalid>\n');
    const c = await connectGit([allowed], env);
    expect((await ok<Blame>(c, 'git_blame', { repo_path: out, path: 'a.txt', revision: 'HEAD' })).s.lines[0]!.author).toBe('Portico Test');
    expect((await ok<{ commits: unknown[] }>(c, 'git_log', { repo_path: out, author: 'From Outside' })).s.commits).toEqual([]);
    expect((await ok<Blame>(c, 'git_blame', { repo_path: inside, path: 'a.txt', revision: 'HEAD' })).s.lines[0]!.author).toBe('Name From Inside');
    await c.close();
  });

  it("ignores the repository's diff.orderFile outside, whether or not it exists; one inside still applies", async () => {
    writeFileSync(join(outside, 'order'), 'b.txt\na.txt\n');
    writeFileSync(join(allowed, 'order'), 'b.txt\na.txt\n');
    const c = await connectGit([allowed], env);
    const order = async (dir: string) => (await ok<Diff>(c, 'git_diff_unstaged', { repo_path: dir })).s.files.map((f) => f.path);
    expect(await order(repo('order-outside', [['diff.orderFile', join(outside, 'order')]]))).toEqual(['a.txt', 'b.txt']);
    // Plain git stops with "failed to read orderfile '<outside path>'" here.
    expect(await order(repo('order-missing', [['diff.orderFile', join(outside, 'no-such-order')]]))).toEqual(['a.txt', 'b.txt']);
    expect(await order(repo('order-inside', [['diff.orderFile', join(allowed, 'order')]]))).toEqual(['b.txt', 'a.txt']);
    await c.close();
  });
});

describe('submodules', () => {
  it('diffs never start git inside a checked-out submodule, whose own config is not checked', async () => {
    const markerDir = join(sb.dir.path, 'submodule-markers');
    mkdirSync(markerDir);
    const script = join(sb.dir.path, 'submodule-marker.sh');
    writeFileSync(script, `#!/bin/sh\ntouch "${markerDir}/$1"\ncat\n`, { mode: 0o755 });
    writeFileSync(join(outside, 'sub-ignore'), 'x\n');
    const source = sb.repo('sub-source', { 's.txt': 's\n' });
    const sup = repo('with-submodule');
    sb.git(sup, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', source, 'sub']);
    sb.git(sup, ['commit', '-q', '-m', 'submodule']);
    const sub = join(sup, 'sub');
    // The submodule's own config: a clean filter for every file, an excludes file outside.
    sb.git(sub, ['config', 'filter.sub.clean', `${script} sub-filter-clean`]);
    sb.git(sub, ['config', 'core.excludesFile', join(outside, 'sub-ignore')]);
    writeFileSync(join(sub, '.gitattributes'), '* filter=sub\n');
    // Same size, new time: git must read the file, through the clean filter, to tell whether it changed.
    writeFileSync(join(sub, 's.txt'), 'S\n');
    const c = await connectGit([allowed], env);
    const diff = await ok<Diff>(c, 'git_diff_unstaged', { repo_path: sup });
    await ok(c, 'git_diff', { repo_path: sup, target: 'HEAD' });
    expect(markers(markerDir)).toEqual([]);
    // Changes inside the submodule are not looked for; a.txt and b.txt are.
    expect(diff.s.files.map((f) => f.path)).toEqual(['a.txt', 'b.txt']);
    // git stash push would start git inside the submodule (its clean filter ran here before): refused, nothing stashed.
    const stash = await fails(c, 'git_stash', { repo_path: sup, action: 'push' });
    expect(stash).toMatch(/cannot stash: this repository has a checked-out submodule \(sub\).*--allow-hooks/s);
    expect(markers(markerDir)).toEqual([]);
    expect(sb.git(sup, ['stash', 'list']).trim()).toBe('');
    await c.close();
  });
});
