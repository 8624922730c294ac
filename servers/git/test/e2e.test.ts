/** The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';
import { makeHostileRepo, makeSandbox, markers, type Sandbox } from '../src/test-support/fixtures.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The official mcp-server-git tools and their parameters. */
const OFFICIAL = {
  git_status: ['repo_path'],
  git_diff_unstaged: ['repo_path', 'context_lines'],
  git_diff_staged: ['repo_path', 'context_lines'],
  git_diff: ['repo_path', 'target', 'context_lines'],
  git_commit: ['repo_path', 'message'],
  git_add: ['repo_path', 'files'],
  git_reset: ['repo_path'],
  git_log: ['repo_path', 'max_count', 'start_timestamp', 'end_timestamp'],
  git_create_branch: ['repo_path', 'branch_name', 'base_branch'],
  git_checkout: ['repo_path', 'branch_name'],
  git_show: ['repo_path', 'revision'],
  git_branch: ['repo_path', 'branch_type', 'contains', 'not_contains'],
};

const WRITERS = ['git_commit', 'git_add', 'git_reset', 'git_create_branch', 'git_checkout', 'git_restore', 'git_stash', 'git_tag'];

let sb: Sandbox;
let repoA: string;
let repoB: string;
let env: Record<string, string>;

beforeAll(async () => {
  sb = await makeSandbox();
  repoA = sb.repo('a', { 'a.txt': 'a\n' });
  repoB = sb.repo('b', { 'b.txt': 'b\n' });
  env = Object.fromEntries(
    Object.entries(sb.env).filter(([k, v]) => v !== undefined && (k === 'HOME' || k.startsWith('GIT_'))),
  ) as Record<string, string>;
});
afterAll(async () => {
  await sb.cleanup();
});

describe('stdio', () => {
  it('lists contract-abiding tools with the official names and parameters, and works', async () => {
    const c = await connectStdio({ bin, args: [repoA], env });
    const tools = await c.listTools();
    expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
    expect(dropInProblems(tools, OFFICIAL)).toEqual([]);
    expect(tools.slice(0, 12).map((t) => t.name)).toEqual(Object.keys(OFFICIAL));
    const status = await c.callTool('git_status', { repo_path: repoA });
    expect(status.isError).toBeFalsy();
    expect(status.structuredContent).toMatchObject({ clean: true, branch: { name: 'main' } });
    writeFileSync(join(repoA, 'new.txt'), 'n\n');
    expect((await c.callTool('git_add', { repo_path: repoA, files: ['new.txt'] })).isError).toBeFalsy();
    const committed = await c.callTool('git_commit', { repo_path: repoA, message: 'over stdio' });
    expect(textOf(committed)).toMatch(/^Changes committed successfully with hash [0-9a-f]{40}/);
    const outside = await c.callTool('git_status', { repo_path: repoB });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside the allowed directories/);
    await c.close();
  });

  it('client roots narrow the repositories (2025-11-25 client with roots)', async () => {
    const c = await connectStdio({ bin, args: [repoA, repoB], env, roots: [{ uri: pathToFileURL(repoB).href, name: 'b' }] });
    expect((await c.callTool('git_status', { repo_path: repoB })).isError).toBeFalsy();
    const hidden = await c.callTool('git_log', { repo_path: repoA });
    expect(hidden.isError).toBe(true);
    expect(textOf(hidden)).toMatch(/outside the allowed/);
    await c.setRoots([{ uri: pathToFileURL(repoA).href }]);
    // After roots/list_changed the server re-lists roots: now only A is reachable.
    let reachedA = false;
    for (let i = 0; i < 20 && !reachedA; i++) {
      reachedA = !(await c.callTool('git_log', { repo_path: repoA })).isError;
      if (!reachedA) await new Promise((r) => setTimeout(r, 50));
    }
    expect(reachedA).toBe(true);
    expect((await c.callTool('git_status', { repo_path: repoB })).isError).toBe(true);
    await c.close();
  });

  it('speaks 2026-07-28 too', async () => {
    const c = await connectStdio({ bin, args: [repoA], env, era: 'modern' });
    const log = await c.callTool('git_log', { repo_path: repoA, max_count: 1 });
    expect(textOf(log)).toMatch(/^Commit history:\nCommit: /);
    await c.close();
  });

  it('--read-only registers no writer', async () => {
    const c = await connectStdio({ bin, args: ['--read-only', repoA], env });
    const names = (await c.listTools()).map((t) => t.name);
    for (const w of WRITERS) expect(names).not.toContain(w);
    expect(names).toContain('git_stash_list');
    expect(names).toContain('git_tag_list');
    await c.close();
  });

  it('without repositories it starts, and every tool says how to configure them', async () => {
    const c = await connectStdio({ bin, env });
    const r = await c.callTool('git_status', { repo_path: repoA });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/No repositories are configured[\s\S]*npx -y @portico\/server-git/);
    await c.close();
  });

  it('reads a hostile repository without running its commands (real process environment)', async () => {
    const markerDir = join(sb.dir.path, 'e2e-markers');
    const hostile = makeHostileRepo(sb, 'e2e-hostile', markerDir);
    const c = await connectStdio({ bin, args: [hostile], env: { ...env, GIT_EXTERNAL_DIFF: `${markerDir}/never`, GIT_PAGER: 'false', GIT_DIR: repoA } });
    for (const tool of ['git_status', 'git_diff_unstaged', 'git_log', 'git_show']) {
      const r = await c.callTool(tool, { repo_path: hostile, revision: 'HEAD' });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    expect(markers(markerDir)).toEqual([]);
    await c.close();
  });

  it("reads no file outside through the repository's config: an include is refused, a mailmap ignored", async () => {
    const allowed = join(sb.dir.path, 'e2e-config-allowed');
    const secret = join(sb.dir.path, 'e2e-config-secret.cfg');
    writeFileSync(secret, '[remote "leak"]\n\turl = https://intranet.example/private.git\n');
    writeFileSync(join(sb.dir.path, 'e2e-config-mailmap'), 'Name From Outside <test@portico.invalid>\n');
    const including = sb.repo('e2e-config-allowed/including', { 'a.txt': 'a\n' });
    sb.git(including, ['config', 'include.path', '../../../e2e-config-secret.cfg']);
    const mailmapped = sb.repo('e2e-config-allowed/mailmapped', { 'a.txt': 'a\n' });
    sb.git(mailmapped, ['config', 'mailmap.file', join(sb.dir.path, 'e2e-config-mailmap')]);
    const c = await connectStdio({ bin, args: [allowed], env });
    const refused = await c.callTool('git_remote_list', { repo_path: including });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/includes a config file outside the allowed directories/);
    expect(textOf(refused)).not.toMatch(/intranet|e2e-config-secret/);
    const blamed = await c.callTool('git_blame', { repo_path: mailmapped, path: 'a.txt' });
    expect(textOf(blamed)).toContain('Portico Test');
    expect(textOf(blamed)).not.toContain('From Outside');
    await c.close();
  });

  it('a missing repository directory is a configuration error: one line, exit 2', () => {
    const r = spawnSync(process.execPath, [bin, join(sb.dir.path, 'missing')], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', input: '' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.stdout).toBe('');
  });
});

describe('http', () => {
  let server: BinProcess;
  beforeAll(async () => {
    server = await startHttpBin({ bin, args: [repoA], env });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain(server.token);
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`calls tools (${era})`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      const branches = await c.callTool('git_branch', { repo_path: repoA, branch_type: 'local' });
      expect(branches.structuredContent).toMatchObject({ current: 'main' });
      const denied = await c.callTool('git_log', { repo_path: repoB });
      expect(denied.isError).toBe(true);
      await c.close();
    });
  }
});
