import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileRepo, makeSandbox, markers, openRepo, type Sandbox, testPolicy } from '../test-support/fixtures.js';
import { driverOverrides, gitEnvironment } from './hardening.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

describe('the hostile repository fixture', () => {
  it('really runs its programs under plain git (positive control)', () => {
    const markerDir = join(sb.dir.path, 'control-markers');
    const repo = makeHostileRepo(sb, 'control', markerDir);
    sb.git(repo, ['diff']);
    sb.git(repo, ['status']);
    const found = markers(markerDir);
    expect(found).toContain('filter-clean');
    expect(found.some((m) => m === 'diff-external' || m === 'diff-command')).toBe(true);
    expect(found).toContain('hook-post-index-change');
    expect(found).toContain('fsmonitor');
  });
});

describe('hardened git', () => {
  it('runs no program from the repository config on reads', async () => {
    const markerDir = join(sb.dir.path, 'read-markers');
    const dir = makeHostileRepo(sb, 'hostile-read', markerDir);
    const repo = await openRepo(dir, sb.env);
    await repo.read(['status', '--porcelain=v2', '-z']);
    await repo.read(['diff', '--no-ext-diff', '--no-textconv']);
    await repo.read(['log', '-p', '--no-ext-diff', '--no-textconv', '-n', '2']);
    await repo.read(['show', '--no-ext-diff', '--no-textconv', 'HEAD']);
    await repo.read(['blame', '--porcelain', '--no-textconv', '--', 'a.txt']);
    await repo.read(['grep', '-n', '-e', 'one'], { okExitCodes: [0, 1] });
    expect(markers(markerDir)).toEqual([]);
  });

  it('drops GIT_ variables that would redirect git, keeps identity', () => {
    const env = gitEnvironment({ PATH: '/bin', GIT_DIR: '/elsewhere', GIT_EXTERNAL_DIFF: 'x', GIT_AUTHOR_NAME: 'A', PAGER: 'less', GIT_CONFIG_PARAMETERS: "'core.pager=x'" }, 'read');
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_EXTERNAL_DIFF).toBeUndefined();
    expect(env.GIT_CONFIG_PARAMETERS).toBeUndefined();
    expect(env.PAGER).toBeUndefined();
    expect(env.GIT_AUTHOR_NAME).toBe('A');
    expect(env.GIT_CONFIG_NOSYSTEM).toBe('1');
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(env.GIT_ASKPASS).toBeUndefined();
  });

  it('neutralises drivers whose names contain "=" (passed through GIT_CONFIG_COUNT)', () => {
    const pairs = driverOverrides(['filter.a=b.clean', 'merge.x.driver'], 'read', testPolicy);
    expect(pairs).toEqual([
      ['filter.a=b.clean', ''],
      ['filter.a=b.required', 'false'],
      ['merge.x.driver', 'false'],
    ]);
    expect(driverOverrides(['filter.lfs.clean'], 'write', { ...testPolicy, allowHooks: true })).toEqual([]);
  });
});
