/** The built bin, through a real MCP client, over stdio and HTTP, in both protocol eras, against the fake GitHub. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, connectStdio, dropInProblems, startHttpBin, textOf, toolInvariantProblems, type BinProcess } from '@portico/protocol/testing';
import { startFakeGitHub, type FakeGitHub } from '../src/testing/fake-github.js';
import { canaryToken } from '../src/testing/harness.js';
import { DROP_IN_PARAMS } from '../src/testing/drop-in.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const token = canaryToken();
let fake: FakeGitHub;
const env = () => ({ GITHUB_PERSONAL_ACCESS_TOKEN: token, GITHUB_API_URL: fake.url });

beforeAll(async () => {
  fake = await startFakeGitHub({ token });
});
afterAll(async () => {
  // Every request that reached the fake carried the PAT and nothing else as credentials.
  for (const q of fake.server.requests) expect(q.headers.authorization).toBe(`token ${token}`);
  await fake.close();
});

describe('start-up', () => {
  it('a missing token is one clear line and exit 2', () => {
    const run = spawnSync(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/GITHUB_PERSONAL_ACCESS_TOKEN is not set/);
    expect(run.stdout).toBe('');
  });

  it('plain http to another host is refused at start-up (exit 2): the token would travel in clear text', () => {
    const run = spawnSync(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '', ...env(), GITHUB_API_URL: 'http://ghe.example.com/api/v3' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/GITHUB_API_URL="http:\/\/ghe\.example\.com\/api\/v3" must use https/);
    expect(run.stderr + run.stdout).not.toContain(token);
  });

  it('a bad GITHUB_REPOSITORIES pattern is exit 2 and never echoes the token', () => {
    const run = spawnSync(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '', ...env(), GITHUB_REPOSITORIES: 'acme' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/GITHUB_REPOSITORIES.*not owner\/repo/);
    expect(run.stderr + run.stdout).not.toContain(token);
  });
});

describe('stdio', () => {
  it('lists 39 tools that satisfy the contract, drop-in complete, and works end to end', async () => {
    const c = await connectStdio({ bin, env: env() });
    try {
      const tools = await c.listTools();
      expect(tools).toHaveLength(39);
      expect(toolInvariantProblems(tools, { requireOutputSchema: true })).toEqual([]);
      expect(dropInProblems(tools, DROP_IN_PARAMS)).toEqual([]);

      const file = await c.callTool('get_file_contents', { owner: 'acme', repo: 'widgets', path: 'README.md' });
      expect(textOf(file)).toContain('The widget library.');
      const push = await c.callTool('push_files', { owner: 'acme', repo: 'widgets', branch: 'develop', message: 'e2e', files: [{ path: 'e2e.txt', content: 'hello' }] });
      expect(push.isError).toBeFalsy();
      expect(fake.fileAt('acme/widgets', 'develop', 'e2e.txt')?.toString()).toBe('hello');
      const missing = await c.callTool('get_issue', { owner: 'acme', repo: 'widgets', issue_number: 999 });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/not found, or the token has no access/);
      for (const r of [file, push, missing]) expect(JSON.stringify(r)).not.toContain(token);
    } finally {
      await c.close();
    }
    expect(c.stderr()).not.toContain(token);
  });

  it('--read-only and --toolsets shape the inventory', async () => {
    const c = await connectStdio({ bin, env: env(), args: ['--read-only', '--toolsets', 'pull_requests'] });
    try {
      const names = (await c.listTools()).map((t) => t.name);
      expect(names).toContain('get_pull_request_diff');
      expect(names).not.toContain('merge_pull_request');
      expect(names).not.toContain('list_issues');
    } finally {
      await c.close();
    }
  });

  it('confirms destructive calls through elicitation: decline changes nothing, accept writes', async () => {
    const asked: string[] = [];
    let answer: 'accept' | 'decline' = 'decline';
    const c = await connectStdio({
      bin,
      env: env(),
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
      },
    });
    try {
      const writesTo = (path: string) => fake.server.requests.filter((q) => q.method !== 'GET' && q.url.includes(path)).length;
      const merge = await c.callTool('merge_pull_request', { owner: 'acme', repo: 'widgets', pull_number: 6, merge_method: 'rebase' });
      expect(textOf(merge)).toMatch(/declined the confirmation; nothing was changed/);
      expect(asked[0]).toContain('Merge pull request #6 "Add feature" of acme/widgets (feature -> main');
      expect(writesTo('/pulls/6/merge')).toBe(0);

      // A new file destroys nothing: no question. Overwriting it is asked, and accepted here.
      expect((await c.callTool('create_or_update_file', { owner: 'acme', repo: 'widgets', branch: 'develop', path: 'confirm.txt', content: 'one', message: 'add' })).isError).toBeFalsy();
      expect(asked).toHaveLength(1);
      answer = 'accept';
      const overwrite = await c.callTool('create_or_update_file', { owner: 'acme', repo: 'widgets', branch: 'develop', path: 'confirm.txt', content: 'two', message: 'change' });
      expect(overwrite.isError).toBeFalsy();
      expect(asked[1]).toContain('Overwrite the existing file confirm.txt on branch develop of acme/widgets (currently blob ');
      expect(fake.fileAt('acme/widgets', 'develop', 'confirm.txt')?.toString()).toBe('two');
    } finally {
      await c.close();
    }
  });

  it('speaks 2026-07-28 too', async () => {
    const c = await connectStdio({ bin, env: env(), era: 'modern' });
    try {
      const r = await c.callTool('get_me', {});
      expect(r.structuredContent).toMatchObject({ login: 'octokit-fixture-user-a' });
    } finally {
      await c.close();
    }
  });
});

describe('http', () => {
  let server: BinProcess;
  beforeAll(async () => {
    server = await startHttpBin({ bin, env: { ...env(), GITHUB_REPOSITORIES: 'acme/widgets' } });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain(server.token);
    expect(server.stderr()).not.toContain(token);
    // No token passthrough: the server's own bearer token never reached GitHub.
    expect(JSON.stringify(fake.server.requests)).not.toContain(server.token);
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`calls tools (${era}), limited by GITHUB_REPOSITORIES`, async () => {
      const c = await connectHttp({ url: server.url, token: server.token, era });
      try {
        const pr = await c.callTool('get_pull_request_status', { owner: 'acme', repo: 'widgets', pull_number: 6 });
        expect(pr.structuredContent).toMatchObject({ overall: 'failure' });
        const before = fake.requestsFor('acme/secret').length;
        const denied = await c.callTool('list_issues', { owner: 'acme', repo: 'secret' });
        expect(denied.isError).toBe(true);
        expect(textOf(denied)).toMatch(/outside the repositories this server may use/);
        expect(fake.requestsFor('acme/secret').length).toBe(before);
        expect(JSON.stringify([pr, denied])).not.toContain(token);
      } finally {
        await c.close();
      }
    });
  }
});
